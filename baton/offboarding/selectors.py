"""Reads for offboarding: cases in scope, the figures of a departure, what a case waits on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from baton.authz.selectors import restrict
from baton.core import clock
from baton.customers.models import (
    Contract,
    Customer,
    Order,
    OrderStatus,
    Receivable,
    ReceivableStatus,
)
from baton.customers.models.commerce import OPEN_ORDER_STATUSES
from baton.offboarding.models import (
    OPEN_CASE_STATUSES,
    Approval,
    CaseStatus,
    ChecklistTemplate,
    Decision,
    HandoverItem,
    ItemStatus,
    OffboardingCase,
    OffboardingPolicy,
    Revisit,
)
from baton.offboarding.people import team_lead_of
from baton.org.models import Employee

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))
REVENUE_WINDOW_DAYS = 365


def policy_for(company_id: int) -> OffboardingPolicy:
    """The company's offboarding rules (the defaults until HR changes them)."""
    policy, _created = OffboardingPolicy.objects.get_or_create(company_id=company_id)
    return policy


def cases_visible_to(*, user: Any, action: str = "view") -> QuerySet[OffboardingCase]:
    """Cases the user may see (or act on with ``action``): own, team, department or company."""
    return restrict(
        OffboardingCase.objects.select_related(
            "employee", "employee__department", "employee__team", "successor", "company"
        ),
        user=user,
        resource="offboarding_case",
        action=action,
    )


def case_open_for(*, employee: Employee) -> OffboardingCase | None:
    return OffboardingCase.objects.filter(employee=employee, status__in=OPEN_CASE_STATUSES).first()


def stand_in_for(*, employee: Employee) -> Employee | None:
    """Who takes new business for a leaver's customers: the successor once named, else the team lead."""
    case = case_open_for(employee=employee)
    if case is not None and case.successor_id is not None:
        return case.successor
    return team_lead_of(employee)


def case_detail(*, case_id: int, queryset: QuerySet[OffboardingCase]) -> OffboardingCase:
    """One case with its items, evidence and sign-offs, in a fixed number of queries."""
    return queryset.prefetch_related(
        Prefetch("items", queryset=HandoverItem.objects.prefetch_related("files", "confirmations")),
        Prefetch("approvals", queryset=Approval.objects.select_related("decided_by")),
    ).get(pk=case_id)


def revenue_since(day: dt.date) -> Any:
    return Coalesce(
        Sum(
            "orders__amount", filter=Q(orders__order_date__gte=day) & ~Q(orders__status=OrderStatus.CANCELLED)
        ),
        ZERO,
    )


def window_start(now: dt.datetime | None = None) -> dt.date:
    return clock.local_date(now or clock.now()) - dt.timedelta(days=REVENUE_WINDOW_DAYS)


def company_revenue(*, company_id: int, since: dt.date) -> Decimal:
    total = (
        Order.objects.filter(customer__company_id=company_id, order_date__gte=since)
        .exclude(status=OrderStatus.CANCELLED)
        .aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
    )
    return Decimal(total)


@dataclass(frozen=True)
class Impact:
    """What a departure puts at risk."""

    customers: int
    key_customers: int
    revenue_12m: Decimal
    company_revenue_12m: Decimal
    share: Decimal
    open_orders: int
    open_orders_amount: Decimal
    receivables_open: Decimal

    def as_json(self) -> dict[str, Any]:
        return {
            "customers": self.customers,
            "key_customers": self.key_customers,
            "revenue_12m": str(self.revenue_12m),
            "company_revenue_12m": str(self.company_revenue_12m),
            "share": str(self.share),
            "open_orders": self.open_orders,
            "open_orders_amount": str(self.open_orders_amount),
            "receivables_open": str(self.receivables_open),
        }


def departure_impact(*, employee: Employee, now: dt.datetime | None = None) -> Impact:
    """Customers, 12-month revenue and its share of the company's, open orders and receivables."""
    since = window_start(now)
    owned = Customer.objects.filter(owner=employee)
    counts = owned.aggregate(n=Count("id"), key=Count("id", filter=Q(is_key_account=True)))
    revenue = Decimal(
        Order.objects.filter(customer__owner=employee, order_date__gte=since)
        .exclude(status=OrderStatus.CANCELLED)
        .aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
    )
    total = company_revenue(company_id=employee.company_id, since=since)
    orders = Order.objects.filter(customer__owner=employee, status__in=OPEN_ORDER_STATUSES).aggregate(
        n=Count("id"), amount=Coalesce(Sum("amount"), ZERO)
    )
    receivables = Receivable.objects.filter(
        Q(customer__owner=employee) | Q(owner=employee), status=ReceivableStatus.OPEN
    ).aggregate(due=Coalesce(Sum(F("amount") - F("paid_amount")), ZERO))
    share = (revenue / total).quantize(Decimal("0.0001")) if total else Decimal("0")
    return Impact(
        customers=counts["n"],
        key_customers=counts["key"],
        revenue_12m=revenue,
        company_revenue_12m=total,
        share=share,
        open_orders=orders["n"],
        open_orders_amount=Decimal(orders["amount"]),
        receivables_open=Decimal(receivables["due"]),
    )


def _per_customer(queryset: QuerySet[Any], expression: Any) -> Any:
    """A correlated subquery giving one aggregate per customer (no join fan-out)."""
    rows = queryset.filter(customer_id=OuterRef("pk")).order_by().values("customer_id").annotate(v=expression)
    return Coalesce(Subquery(rows.values("v")[:1]), ZERO)


def leaver_customers(*, case: OffboardingCase, now: dt.datetime | None = None) -> QuerySet[Customer]:
    """The customers the leaver still owns, with the figures the transfer planner shows:
    12-month revenue, open orders, open receivables and contracts in force."""
    today = clock.local_date(now or clock.now())
    revenue = Order.objects.filter(order_date__gte=window_start(now)).exclude(status=OrderStatus.CANCELLED)
    open_orders = Order.objects.filter(status__in=OPEN_ORDER_STATUSES)
    receivables = Receivable.objects.filter(status=ReceivableStatus.OPEN)
    contracts = Contract.objects.filter(starts_on__lte=today, ends_on__gte=today)
    count = Count("id")
    return (
        Customer.objects.filter(owner_id=case.employee_id)
        .annotate(
            revenue_12m=_per_customer(revenue, Sum("amount")),
            open_orders=Coalesce(
                Subquery(
                    open_orders.filter(customer_id=OuterRef("pk"))
                    .order_by()
                    .values("customer_id")
                    .annotate(v=count)
                    .values("v")[:1]
                ),
                0,
            ),
            receivables_open=_per_customer(receivables, Sum(F("amount") - F("paid_amount"))),
            contracts_in_force=Coalesce(
                Subquery(
                    contracts.filter(customer_id=OuterRef("pk"))
                    .order_by()
                    .values("customer_id")
                    .annotate(v=count)
                    .values("v")[:1]
                ),
                0,
            ),
        )
        .order_by("-is_key_account", "name", "pk")
    )


def open_orders_of(*, case: OffboardingCase) -> QuerySet[Order]:
    return Order.objects.filter(
        customer__owner_id=case.employee_id, status__in=OPEN_ORDER_STATUSES
    ).select_related("customer")


def contracts_in_force(*, case: OffboardingCase) -> QuerySet[Contract]:
    today = clock.local_date(clock.now())
    return Contract.objects.filter(
        customer__owner_id=case.employee_id, starts_on__lte=today, ends_on__gte=today
    )


def blocking_reasons(*, case: OffboardingCase) -> list[str]:
    """Why HR cannot complete the case yet, in words; empty when it can be completed."""
    if case.status == CaseStatus.COMPLETED:
        return []
    if case.status == CaseStatus.CANCELLED:
        return [_("The case was withdrawn.")]
    reasons: list[str] = []
    open_items = [i.title for i in case.items.all() if i.required and i.status != ItemStatus.DONE]
    if open_items:
        reasons.append(_("Checklist items not done: %(items)s") % {"items": "、".join(open_items)})
    waiting = [a.get_role_display() for a in case.approvals.all() if a.decision != Decision.APPROVED]
    if waiting:
        reasons.append(
            _("Waiting for sign-off by: %(parties)s") % {"parties": "、".join(str(w) for w in waiting)}
        )
    plan = getattr(case, "plan", None)
    if plan is None or plan.executed_at is None:
        reasons.append(_("The transfer plan has not been executed."))
    still_owned = getattr(case, "customers_owned", None)  # annotated on the board
    if still_owned is None:
        still_owned = Customer.objects.filter(owner_id=case.employee_id).count()
    if still_owned:
        reasons.append(_("The leaver still owns %(n)d customers.") % {"n": still_owned})
    return reasons


def waiting_on(*, case: OffboardingCase) -> list[str]:
    """Whom the case waits on now: the parties of overdue or open items and sign-offs."""
    parties: list[str] = []
    for item in case.items.all():
        if item.required and item.status != ItemStatus.DONE:
            label = str(item.get_verifier_display())
            if label not in parties:
                parties.append(label)
    for approval in case.approvals.all():
        if approval.requested_at is not None and approval.decision == Decision.WAITING:
            label = str(approval.get_role_display())
            if label not in parties:
                parties.append(label)
    return parties


def hr_board(*, user: Any, include_closed: bool = False) -> QuerySet[OffboardingCase]:
    """Cases for the HR board with their progress counts (items done/total, overdue, sign-offs)."""
    now = clock.now()
    qs = cases_visible_to(user=user)
    if not include_closed:
        qs = qs.filter(status__in=OPEN_CASE_STATUSES)
    return (
        qs.annotate(
            items_total=Count("items", filter=Q(items__required=True), distinct=True),
            items_done=Count(
                "items", filter=Q(items__required=True, items__status=ItemStatus.DONE), distinct=True
            ),
            items_overdue=Count(
                "items",
                filter=Q(items__due_at__lt=now) & ~Q(items__status=ItemStatus.DONE),
                distinct=True,
            ),
            approvals_done=Count("approvals", filter=Q(approvals__decision=Decision.APPROVED), distinct=True),
            customers_owned=Coalesce(
                Subquery(
                    Customer.objects.filter(owner_id=OuterRef("employee_id"))
                    .order_by()
                    .values("owner_id")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                ),
                0,
            ),
        )
        .select_related("plan")
        .prefetch_related("items", "approvals")
        .order_by("last_working_day", "pk")
    )


def approvals_waiting_for(*, user: Any) -> QuerySet[Approval]:
    """The approver's inbox: sign-offs requested from a party the user plays, on cases in scope."""
    from baton.authz.actor import actor_for

    roles = [r for r in actor_for(user).role_codes if r in ("department_head", "hr", "finance")]
    cases = cases_visible_to(user=user, action="approve")
    return (
        Approval.objects.filter(
            case__in=cases.values("pk"),
            role__in=roles,
            decision=Decision.WAITING,
            requested_at__isnull=False,
        )
        .select_related("case", "case__employee", "case__employee__department")
        .order_by("due_at", "pk")
    )


def revisits_visible_to(*, user: Any, action: str = "view") -> QuerySet[Revisit]:
    return restrict(
        Revisit.objects.select_related("customer", "assignee", "case", "case__employee"),
        user=user,
        resource="revisit",
        action=action,
    )


def case_timeline(*, case: OffboardingCase) -> list[Any]:
    """What happened in the case, oldest first: events about the case itself and about its items
    and evidence (which name the case in their changes). One query."""
    from baton.audit.models import AuditEvent

    about_case = Q(object_type="offboarding.offboardingcase", object_id=str(case.pk))
    about_parts = Q(
        object_type__in=("offboarding.handoveritem", "offboarding.handoverevidence"), changes__case=case.pk
    )
    return list(AuditEvent.objects.filter(about_case | about_parts).order_by("seq"))


def handover_items_for(*, user: Any) -> QuerySet[HandoverItem]:
    """Items of the cases the user may see, and of the user's own case (a leaver without any
    offboarding grant still works through their own checklist)."""
    own = getattr(getattr(user, "employee", None), "pk", None)
    visible = Q(case__in=cases_visible_to(user=user).values("pk"))
    if own is not None:
        visible |= Q(case__employee_id=own)
    return HandoverItem.objects.filter(visible).select_related("case", "case__employee")


def checklist_templates_of(*, user: Any) -> QuerySet[ChecklistTemplate]:
    """The checklist templates of the user's company (none for an account without an employee)."""
    company_id = getattr(getattr(user, "employee", None), "company_id", None)
    if company_id is None:
        return ChecklistTemplate.objects.none()
    return ChecklistTemplate.objects.filter(company_id=company_id).prefetch_related("items")


def follow_up_missing(*, item: HandoverItem, now: dt.datetime | None = None) -> QuerySet[Customer]:
    """The leaver's customers with neither an interaction in the last 30 days nor an uploaded
    follow-up record on this item: what the follow-up item still waits for."""
    from baton.customers.models import Interaction
    from baton.offboarding.models import HandoverEvidence
    from baton.offboarding.services.checklist import FOLLOW_UP_DAYS

    since = (now or clock.now()) - dt.timedelta(days=FOLLOW_UP_DAYS)
    recent = Interaction.objects.filter(occurred_at__gte=since).values("customer_id")
    uploaded = HandoverEvidence.customers.through.objects.filter(handoverevidence__item=item).values(
        "customer_id"
    )
    return (
        Customer.objects.filter(owner_id=item.case.employee_id)
        .exclude(pk__in=recent)
        .exclude(pk__in=uploaded)
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class Checklist:
    """The list the system generates for a system-checked item (the rows the leaver works through)."""

    customers: list[Customer]  # each with ``confirmed``
    orders: list[Order]  # each with ``confirmed``
    follow_ups_missing: list[Customer]


def item_checklist(*, item: HandoverItem, now: dt.datetime | None = None) -> Checklist:
    """For a system item: the leaver's customers with whether each is confirmed, their open
    orders likewise, or the customers with neither an interaction in the last 30 days nor an
    uploaded follow-up record. The same rows ``check_item`` counts; one query."""
    from django.db.models import Exists

    from baton.customers.models import Interaction
    from baton.offboarding.models import HandoverConfirmation, HandoverEvidence, SystemCheck
    from baton.offboarding.services.checklist import FOLLOW_UP_DAYS  # one window for list and check

    owned = Customer.objects.filter(owner_id=item.case.employee_id).order_by("name", "pk")
    confirmations = HandoverConfirmation.objects.filter(item_id=item.pk)
    if item.system_check == SystemCheck.CUSTOMERS_CONFIRMED:
        rows = owned.annotate(confirmed=Exists(confirmations.filter(customer_id=OuterRef("pk"))))
        return Checklist(customers=list(rows), orders=[], follow_ups_missing=[])
    if item.system_check == SystemCheck.OPEN_ORDERS_CONFIRMED:
        orders = (
            open_orders_of(case=item.case)
            .annotate(confirmed=Exists(confirmations.filter(order_id=OuterRef("pk"))))
            .order_by("number", "pk")
        )
        return Checklist(customers=[], orders=list(orders), follow_ups_missing=[])
    if item.system_check == SystemCheck.RECENT_FOLLOW_UPS:
        since = (now or clock.now()) - dt.timedelta(days=FOLLOW_UP_DAYS)
        recent = Interaction.objects.filter(occurred_at__gte=since).values("customer_id")
        uploaded = HandoverEvidence.customers.through.objects.filter(handoverevidence__item_id=item.pk)
        missing = owned.exclude(pk__in=recent).exclude(pk__in=uploaded.values("customer_id"))
        return Checklist(customers=[], orders=[], follow_ups_missing=list(missing))
    return Checklist(customers=[], orders=[], follow_ups_missing=[])
