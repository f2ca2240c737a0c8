"""The transfer plan: where each of the leaver's customers goes, with all its open work.

A plan is a strategy plus per-customer overrides; the preview computes each customer's
destination from the data as it is now. Executing moves everything in one transaction with
set-based updates (owner, pool, collaborator roles, open follow-up tasks and visits, open
orders, receivables, contracts), writes the ownership history and the transfer lines, and
schedules the revisits. The case row is locked first, so two executions at the same moment
have the effect of one.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import BigIntegerField, Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from baton.audit.services import audit_record
from baton.core import clock
from baton.core.errors import Conflict, InvalidInput
from baton.customers.models import (
    Contract,
    Customer,
    CustomerCollaborator,
    FollowUpTask,
    Order,
    OrderStatus,
    OwnershipChange,
    OwnershipChangeKind,
    Pool,
    PoolKind,
    Receivable,
    ReceivableStatus,
)
from baton.customers.models.commerce import OPEN_ORDER_STATUSES
from baton.offboarding import selectors
from baton.offboarding.models import Destination, OffboardingCase, Strategy, TransferLine, TransferPlan
from baton.offboarding.people import team_lead_of
from baton.offboarding.services.refusals import atomic_with_refusals
from baton.org.models import Employee, EmployeeStatus, TeamRole

CURRENT = (EmployeeStatus.ACTIVE, EmployeeStatus.PROBATION)
# Orders whose money is still to be collected keep a receivable owner worth moving.
COLLECTING_ORDER_STATUSES = (OrderStatus.OPEN, OrderStatus.IN_TRANSIT, OrderStatus.DELIVERED)


@dataclass
class Line:
    """One customer in the preview."""

    customer_id: int
    name: str
    is_key_account: bool
    revenue_12m: Decimal
    open_orders: int
    receivables_open: Decimal
    contracts_in_force: int
    destination: str = Destination.TEAM_POOL
    to_employee: Employee | None = None
    to_pool_id: int | None = None
    overridden: bool = False
    from_pool_id: int | None = None  # the pool the customer is in now

    @property
    def has_open_work(self) -> bool:
        return bool(self.open_orders or self.contracts_in_force or self.receivables_open > 0)


# --- saving a plan ----------------------------------------------------------------------------


def _employee(case: OffboardingCase, pk: Any, field: str) -> Employee:
    from baton.offboarding.services.cases import successor_check

    employee = Employee.objects.filter(pk=pk).select_related("team").first() if str(pk).isdigit() else None
    successor_check(case=case, successor=employee, field=field)
    assert employee is not None
    return employee


def _clean_overrides(case: OffboardingCase, overrides: dict[str, Any]) -> dict[str, dict[str, Any]]:
    if not isinstance(overrides, dict):
        raise InvalidInput(fields={"overrides": [_("Give one destination per customer.")]})
    owned = set(Customer.objects.filter(owner_id=case.employee_id).values_list("pk", flat=True))
    clean: dict[str, dict[str, Any]] = {}
    for key, value in overrides.items():
        if not str(key).isdigit() or int(key) not in owned or not isinstance(value, dict):
            raise InvalidInput(
                fields={"overrides": [_("Choose customers of the leaver.")]}, code="not_on_list"
            )
        destination = value.get("destination")
        if destination not in Destination.values:
            raise InvalidInput(fields={"overrides": [_("Choose one of the listed values.")]})
        entry: dict[str, Any] = {"destination": destination}
        if destination == Destination.EMPLOYEE:
            entry["employee"] = _employee(case, value.get("employee"), "overrides").pk
        clean[str(int(key))] = entry
    return clean


def plan_save(
    *,
    actor: Any,
    case: OffboardingCase,
    strategy: str,
    successor: Any = None,
    rest_to: str = Destination.TEAM_POOL,
    overrides: dict[str, Any] | None = None,
) -> TransferPlan:
    """Create or change the case's plan (HR or the department head), until it is executed."""
    from baton.offboarding.services.cases import _locked_open, _require_hr_or_head

    if strategy not in Strategy.values:
        raise InvalidInput(fields={"strategy": [_("Choose one of the listed values.")]})
    if rest_to not in (Destination.TEAM_POOL, Destination.PUBLIC_POOL):
        raise InvalidInput(fields={"rest_to": [_("Choose one of the listed values.")]})
    with atomic_with_refusals():
        case = _locked_open(case)
        _require_hr_or_head(actor, case)
        if case.plan_executed:
            raise Conflict(_("The plan has been executed already."), code="plan_executed")
        chosen = None
        if successor not in (None, ""):
            chosen = _employee(case, getattr(successor, "pk", successor), "successor")
        if strategy in (Strategy.ONE_SUCCESSOR, Strategy.PROGRESS) and chosen is None:
            raise InvalidInput(fields={"successor": [_("Choose the successor.")]})
        clean = _clean_overrides(case, overrides or {})
        current = TransferPlan.objects.filter(case=case).first()
        wanted = (strategy, getattr(chosen, "pk", None), rest_to, clean)
        if (
            current is not None
            and (current.strategy, current.successor_id, current.rest_to, current.overrides) == wanted
        ):
            return current  # the planner re-saves on every change: an unchanged plan writes nothing
        plan, created = TransferPlan.objects.update_or_create(
            case=case,
            defaults={
                "strategy": strategy,
                "successor": chosen,
                "rest_to": rest_to,
                "overrides": clean,
                "created_by": actor if getattr(actor, "pk", None) else None,
                "updated_at": clock.now(),
            },
        )
        if chosen is not None and case.successor_id != chosen.pk:
            case.successor = chosen
            case.save(update_fields=["successor"])
        audit_record(
            actor=actor,
            action="offboarding.plan_saved",
            target=case,
            changes={
                "strategy": strategy,
                "successor": getattr(chosen, "pk", None),
                "rest_to": rest_to,
                "overrides": clean,
                "created": created,
            },
        )
    return plan


# --- computing destinations -------------------------------------------------------------------


def _team_pools(team_ids: set[int]) -> dict[int, int]:
    return dict(Pool.objects.filter(team_id__in=team_ids).values_list("team_id", "pk"))


def _balanced_candidates(case: OffboardingCase) -> list[Employee]:
    leaver = case.employee
    if leaver.team_id is None:
        return []
    return list(
        Employee.objects.filter(
            team_id=leaver.team_id, team_role=TeamRole.CUSTOMER_MANAGER, status__in=CURRENT
        )
        .exclude(pk=leaver.pk)
        .select_related("team")
        .order_by("pk")
    )


def _assign_balanced(lines: list[Line], candidates: list[Employee]) -> None:
    """Biggest customers first, each to the candidate who holds the fewest customers now."""
    loads = dict(
        Customer.objects.filter(owner__in=candidates)
        .values("owner_id")
        .annotate(n=Count("id"))
        .values_list("owner_id", "n")
    )
    heap = [(loads.get(c.pk, 0), c.pk) for c in candidates]
    heapq.heapify(heap)
    by_pk = {c.pk: c for c in candidates}
    for line in sorted(lines, key=lambda x: (-x.revenue_12m, x.customer_id)):
        load, pk = heapq.heappop(heap)
        line.destination, line.to_employee = Destination.EMPLOYEE, by_pk[pk]
        heapq.heappush(heap, (load + 1, pk))


def _to(line: Line, destination: str, employee: Employee | None = None) -> None:
    line.destination = destination
    line.to_employee = employee if destination == Destination.EMPLOYEE else None


def plan_preview(*, case: OffboardingCase, plan: TransferPlan | None = None) -> list[Line]:
    """Each customer the leaver owns with its destination under the plan, as of now."""
    plan = (
        plan
        if plan is not None
        else TransferPlan.objects.filter(case=case).select_related("successor").first()
    )
    annotated: Any = selectors.leaver_customers(case=case)  # the figures are annotations
    rows = annotated.values_list(
        "pk",
        "name",
        "is_key_account",
        "revenue_12m",
        "open_orders",
        "receivables_open",
        "contracts_in_force",
        "pool_id",
    )
    lines = [
        Line(
            customer_id=pk,
            name=name,
            is_key_account=key,
            revenue_12m=Decimal(revenue),
            open_orders=int(orders),
            receivables_open=Decimal(receivables),
            contracts_in_force=int(contracts),
            from_pool_id=pool,
        )
        for pk, name, key, revenue, orders, receivables, contracts, pool in rows
    ]
    if plan is None:
        return lines
    successor = plan.successor
    rest = plan.rest_to
    if plan.strategy == Strategy.ONE_SUCCESSOR:
        for line in lines:
            _to(line, Destination.EMPLOYEE, successor)
    elif plan.strategy == Strategy.TEAM_LEAD:
        lead = team_lead_of(case.employee)
        if lead is None:
            raise InvalidInput(
                _("The leaver's team has no lead; choose another strategy."), code="no_team_lead"
            )
        for line in lines:
            _to(line, Destination.EMPLOYEE, lead)
    elif plan.strategy == Strategy.BALANCED:
        candidates = _balanced_candidates(case)
        if not candidates:
            raise InvalidInput(
                _("The team has no other customer manager; choose another strategy."), code="no_candidates"
            )
        _assign_balanced(lines, candidates)
    else:  # progress
        for line in lines:
            _to(line, Destination.EMPLOYEE, successor) if line.has_open_work else _to(line, rest)
    _apply_overrides(lines, plan.overrides)
    _place(case, lines)
    return lines


def _apply_overrides(lines: list[Line], overrides: dict[str, Any]) -> None:
    wanted = {int(k): v for k, v in (overrides or {}).items()}
    employees = Employee.objects.in_bulk([v["employee"] for v in wanted.values() if v.get("employee")])
    for line in lines:
        override = wanted.get(line.customer_id)
        if override is None:
            continue
        employee = employees.get(override.get("employee")) if override.get("employee") else None
        _to(line, override["destination"], employee)
        line.overridden = True


def _place(case: OffboardingCase, lines: list[Line]) -> None:
    """The pool of each destination: the new owner's team pool, the leaver's team pool, or 公海."""
    from baton.customers.services.customers import public_pool_of

    teams = {
        line.to_employee.team_id
        for line in lines
        if line.to_employee is not None and line.to_employee.team_id
    }
    teams.add(case.employee.team_id or 0)
    pools = _team_pools(teams)
    public = public_pool_of(case.company).pk
    for line in lines:
        if line.destination == Destination.PUBLIC_POOL:
            line.to_pool_id = public
        elif line.destination == Destination.TEAM_POOL:
            line.to_pool_id = pools.get(case.employee.team_id or 0, line.from_pool_id)
        else:
            assert line.to_employee is not None
            line.to_pool_id = pools.get(line.to_employee.team_id or 0, line.from_pool_id)


# --- executing --------------------------------------------------------------------------------


def plan_execute(*, actor: Any, case: OffboardingCase) -> tuple[TransferPlan, bool]:
    """Move every customer and all open work as the plan says. Returns the plan and whether this
    call did the move (False: it had been executed already, nothing happened twice)."""
    from baton.offboarding.services.cases import _locked_open, _require_hr_or_head
    from baton.offboarding.services.revisits import revisits_schedule

    with atomic_with_refusals():
        case = _locked_open(case)
        plan = (
            TransferPlan.objects.select_for_update(of=("self",))
            .filter(case=case)
            .select_related("successor")
            .first()
        )
        if plan is None:
            raise Conflict(_("Save a transfer plan first."), code="plan_missing")
        if plan.executed_at is not None:
            return plan, False
        _require_hr_or_head(actor, case)
        now = clock.now()
        lines = plan_preview(case=case, plan=plan)
        _write_lines(plan, lines)
        moved = _move_customers(actor=actor, case=case, plan=plan, lines=lines, now=now)
        work = _move_open_work(case=case, plan=plan, lines=lines)
        work["collaborations"] = _move_collaborations(case=case, plan=plan, now=now, actor=actor)
        work.update(_reassign_leftovers(case=case))
        revisits = revisits_schedule(case=case, lines=lines, now=now)
        plan.executed_at, plan.executed_by = now, actor if getattr(actor, "pk", None) else None
        plan.summary = {**moved, **work, "revisits": revisits}
        plan.save(update_fields=["executed_at", "executed_by", "summary"])
        audit_record(actor=actor, action="offboarding.transfer_executed", target=case, changes=plan.summary)
        _tell_new_owners(case=case, lines=lines)
    return plan, True


def _groups(lines: list[Line]) -> dict[tuple[int | None, int], list[int]]:
    groups: dict[tuple[int | None, int], list[int]] = defaultdict(list)
    for line in lines:
        assert line.to_pool_id is not None
        groups[(line.to_employee.pk if line.to_employee else None, line.to_pool_id)].append(line.customer_id)
    return groups


def _write_lines(plan: TransferPlan, lines: list[Line]) -> None:
    """The transfer lines, before anything moves: the moves below are driven by them in SQL, so
    no statement carries thousands of customer ids. On PostgreSQL one INSERT of arrays."""
    if connection.vendor != "postgresql":
        TransferLine.objects.bulk_create(
            (
                TransferLine(
                    plan=plan,
                    customer_id=line.customer_id,
                    destination=line.destination,
                    to_employee=line.to_employee,
                    to_pool_id=line.to_pool_id or 0,
                    revenue_12m=line.revenue_12m,
                    open_orders=line.open_orders,
                    receivables_open=line.receivables_open,
                )
                for line in lines
            ),
            batch_size=2000,
        )
        return
    columns = (
        [x.customer_id for x in lines],
        [str(x.destination) for x in lines],
        [x.to_employee.pk if x.to_employee else None for x in lines],
        [x.to_pool_id for x in lines],
        [x.revenue_12m for x in lines],
        [x.open_orders for x in lines],
        [x.receivables_open for x in lines],
    )
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {TransferLine._meta.db_table} (plan_id, customer_id, destination, to_employee_id, "  # noqa: S608 - table name from the model
            "to_pool_id, revenue_12m, open_orders, receivables_open) SELECT %s, * FROM unnest("
            "%s::bigint[], %s::varchar[], %s::bigint[], %s::bigint[], %s::numeric[], %s::int[], "
            "%s::numeric[])",
            [plan.pk, *columns],
        )


def _group_customers(plan: TransferPlan, employee_id: int | None, pool_id: int) -> Any:
    """The customer ids of one destination, as a subquery on the transfer lines."""
    return TransferLine.objects.filter(plan=plan, to_employee_id=employee_id, to_pool_id=pool_id).values(
        "customer_id"
    )


# The ownership history of every moved customer in one INSERT … SELECT, written before the
# move so each row keeps the pool the customer came from.
_HISTORY_SQL = """
INSERT INTO {history} (customer_id, kind, occurred_at, operator_id, from_owner_id, to_owner_id,
                       from_team_id, to_team_id, from_pool_id, to_pool_id, collaborator_id, reason)
SELECT tl.customer_id, CASE WHEN p.kind = %(public)s THEN %(released)s ELSE %(transferred)s END,
       %(now)s, %(operator)s, %(leaver)s, tl.to_employee_id, %(leaver_team)s, p.team_id, c.pool_id,
       tl.to_pool_id, NULL, %(reason)s
  FROM {lines} tl
  JOIN {customers} c ON c.id = tl.customer_id
  JOIN {pools} p ON p.id = tl.to_pool_id
 WHERE tl.plan_id = %(plan)s AND c.owner_id = %(leaver)s
"""


def _move_customers(
    *, actor: Any, case: OffboardingCase, plan: TransferPlan, lines: list[Line], now: dt.datetime
) -> dict[str, int]:
    pools = {p.pk: p for p in Pool.objects.filter(pk__in={x.to_pool_id for x in lines})}
    counts: dict[str, int] = {"customers": 0, "to_employees": 0, "to_team_pool": 0, "to_public_pool": 0}
    sql = _HISTORY_SQL.format(
        history=OwnershipChange._meta.db_table,
        lines=TransferLine._meta.db_table,
        customers=Customer._meta.db_table,
        pools=Pool._meta.db_table,
    )
    with connection.cursor() as cur:
        cur.execute(
            sql,
            {
                "public": PoolKind.PUBLIC,
                "released": OwnershipChangeKind.RELEASED,
                "transferred": OwnershipChangeKind.TRANSFERRED,
                "now": now,
                "operator": actor.pk if getattr(actor, "pk", None) else None,
                "leaver": case.employee_id,
                "leaver_team": case.employee.team_id,
                "reason": _("Offboarding transfer (case %(case)d)") % {"case": case.pk},
                "plan": plan.pk,
            },
        )
    for employee_id, pool_id in _groups(lines):
        updated = Customer.objects.filter(
            pk__in=_group_customers(plan, employee_id, pool_id), owner_id=case.employee_id
        ).update(
            owner_id=employee_id,
            pool_id=pool_id,
            team_id=pools[pool_id].team_id,
            owned_since=now if employee_id else None,
            return_warned_at=None,
        )
        counts["customers"] += updated
        public = pools[pool_id].kind == PoolKind.PUBLIC
        key = "to_employees" if employee_id else ("to_public_pool" if public else "to_team_pool")
        counts[key] += updated
    return counts


def _work_owner(case: OffboardingCase, employee_id: int | None, pool_id: int) -> int | None:
    """Who carries a customer's open work: its new owner, or the lead of the pool's team."""
    if employee_id is not None:
        return employee_id
    pool = Pool.objects.select_related("team").get(pk=pool_id)
    if pool.team is not None and pool.team.lead_id and pool.team.lead_id != case.employee_id:
        return int(pool.team.lead_id)
    lead = team_lead_of(case.employee)
    return lead.pk if lead is not None else None


def _move_open_work(*, case: OffboardingCase, plan: TransferPlan, lines: list[Line]) -> dict[str, int]:
    leaver = case.employee_id
    counts = {"tasks": 0, "orders": 0, "receivables": 0, "contracts": 0}
    for employee_id, pool_id in _groups(lines):
        ids = _group_customers(plan, employee_id, pool_id)
        to = _work_owner(case, employee_id, pool_id)
        if to is None:
            continue
        counts["tasks"] += FollowUpTask.objects.filter(
            customer_id__in=ids, assignee_id=leaver, done_at__isnull=True
        ).update(assignee_id=to)
        counts["orders"] += _move_orders(ids=ids, leaver=leaver, to=to)
        counts["receivables"] += Receivable.objects.filter(
            customer_id__in=ids, owner_id=leaver, status=ReceivableStatus.OPEN
        ).update(owner_id=to)
        counts["contracts"] += Contract.objects.filter(customer_id__in=ids, owner_id=leaver).update(
            owner_id=to
        )
    return counts


def _move_orders(*, ids: Any, leaver: int, to: int) -> int:
    """The open orders the leaver took and the orders whose money they collect, in one UPDATE
    (an order often is both: it is written once, not twice). Returns the orders taken over."""
    taking = Q(taken_by_id=leaver, status__in=OPEN_ORDER_STATUSES)
    collecting = Q(receivable_owner_id=leaver, status__in=COLLECTING_ORDER_STATUSES)
    taken = Order.objects.filter(taking, customer_id__in=ids).count()
    employee_id: BigIntegerField[int, int] = BigIntegerField()
    Order.objects.filter(taking | collecting, customer_id__in=ids).update(
        taken_by_id=Case(When(taking, then=Value(to)), default=F("taken_by_id"), output_field=employee_id),
        receivable_owner_id=Case(
            When(collecting, then=Value(to)), default=F("receivable_owner_id"), output_field=employee_id
        ),
    )
    return taken


def _move_collaborations(*, case: OffboardingCase, plan: TransferPlan, now: dt.datetime, actor: Any) -> int:
    """The leaver's collaborator roles on other people's customers pass to the successor (or the
    team lead); where that person is on the customer already, the role simply ends."""
    heir = plan.successor or team_lead_of(case.employee)
    rows = list(CustomerCollaborator.objects.filter(employee_id=case.employee_id).select_related("customer"))
    if not rows:
        return 0
    taken = set()
    if heir is not None:
        taken = set(
            CustomerCollaborator.objects.filter(
                employee=heir, customer_id__in=[r.customer_id for r in rows]
            ).values_list("customer_id", flat=True)
        ) | set(
            Customer.objects.filter(owner=heir, pk__in=[r.customer_id for r in rows]).values_list(
                "pk", flat=True
            )
        )
    operator = actor if getattr(actor, "pk", None) else None
    history = []
    for row in rows:
        history.append(
            OwnershipChange(
                customer_id=row.customer_id,
                kind=OwnershipChangeKind.COLLABORATOR_REMOVED,
                occurred_at=now,
                operator=operator,
                collaborator_id=case.employee_id,
                reason=_("Offboarding transfer (case %(case)d)") % {"case": case.pk},
            )
        )
        if heir is not None and row.customer_id not in taken:
            history.append(
                OwnershipChange(
                    customer_id=row.customer_id,
                    kind=OwnershipChangeKind.COLLABORATOR_ADDED,
                    occurred_at=now,
                    operator=operator,
                    collaborator_id=heir.pk,
                    reason=_("Offboarding transfer (case %(case)d)") % {"case": case.pk},
                )
            )
    passing = [r.pk for r in rows if heir is not None and r.customer_id not in taken]
    CustomerCollaborator.objects.filter(pk__in=passing).update(employee=heir)
    CustomerCollaborator.objects.filter(employee_id=case.employee_id).delete()
    OwnershipChange.objects.bulk_create(history, batch_size=2000)
    return len(rows)


def _reassign_leftovers(*, case: OffboardingCase) -> dict[str, int]:
    """Open work the leaver holds on customers they did not own goes to each customer's owner,
    or to the leaver's team lead for pool customers."""
    leaver = case.employee_id
    lead = team_lead_of(case.employee)
    owner = Subquery(Customer.objects.filter(pk=OuterRef("customer_id")).values("owner_id")[:1])
    target: Any = owner if lead is None else Coalesce(owner, Value(lead.pk))
    # Without a team lead, work on a customer that has no owner stays where it is, visible on the board.
    reachable = Q() if lead is not None else Q(customer__owner__isnull=False)
    tasks = FollowUpTask.objects.filter(reachable, assignee_id=leaver, done_at__isnull=True)
    orders = Order.objects.filter(reachable, taken_by_id=leaver, status__in=OPEN_ORDER_STATUSES)
    collecting = Order.objects.filter(
        reachable, receivable_owner_id=leaver, status__in=COLLECTING_ORDER_STATUSES
    )
    receivables = Receivable.objects.filter(reachable, owner_id=leaver, status=ReceivableStatus.OPEN)
    collecting.update(receivable_owner_id=target)
    return {
        "other_tasks": tasks.update(assignee_id=target),
        "other_orders": orders.update(taken_by_id=target),
        "other_receivables": receivables.update(owner_id=target),
    }


def _tell_new_owners(*, case: OffboardingCase, lines: list[Line]) -> None:
    from baton.notifications.services import notify
    from baton.offboarding.people import user_of

    counts: dict[int, int] = defaultdict(int)
    people: dict[int, Employee] = {}
    for line in lines:
        if line.to_employee is not None:
            counts[line.to_employee.pk] += 1
            people[line.to_employee.pk] = line.to_employee
    for pk, n in counts.items():
        user = user_of(people[pk])
        if user is None:
            continue
        notify(
            recipients=[user],
            kind="offboarding.customers_received",
            key=f"offboarding:{case.pk}:received",
            title=_("%(n)d customers of %(name)s are now yours") % {"n": n, "name": case.employee.name},
            link="/customers/",
        )
