"""B2: the transfer of a leaver who holds 10,000 customers with all their open work.

Ours: ``plan_execute`` (one successor takes everything) as HR runs it, which also writes the
ownership history, the transfer lines, the leaver's collaborator roles, revisits, the audit event
and the notification. Baseline: the same moves as set-based SQL statements written by hand —
customers, open orders (taker and receivable owner), open receivables, contracts, open tasks,
collaborator roles, ownership history and transfer lines. Both run in the same transaction on
the same data, with foreign keys checked at each statement, and are rolled back, so the
database is unchanged afterwards and each side can run several times; the fastest run of each
counts. Before any time is reported the two sides'
results are compared (who owns what afterwards, how many history rows and lines).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction

from bench.common import BenchContext, Result, check_equal, seconds

RUNS_FULL, RUNS_QUICK = 2, 3

BASELINE_SQL = [
    # history first: it records each customer's pool before the move
    """INSERT INTO customers_ownershipchange (customer_id, kind, occurred_at, operator_id, from_owner_id,
           to_owner_id, from_team_id, to_team_id, from_pool_id, to_pool_id, collaborator_id, reason)
       SELECT c.id, 'transferred', %(now)s, NULL, %(leaver)s, %(successor)s, %(leaver_team)s, %(to_team)s,
              c.pool_id, %(to_pool)s, NULL, 'bench'
         FROM customers_customer c WHERE c.owner_id = %(leaver)s""",
    """INSERT INTO offboarding_transferline (plan_id, customer_id, destination, to_employee_id, to_pool_id,
           revenue_12m, open_orders, receivables_open)
       SELECT %(plan)s, c.id, 'employee', %(successor)s, %(to_pool)s,
              coalesce((SELECT sum(o.amount) FROM customers_order o WHERE o.customer_id = c.id
                         AND o.order_date >= %(since)s AND o.status <> 'cancelled'), 0),
              (SELECT count(*) FROM customers_order o WHERE o.customer_id = c.id
                         AND o.status IN ('open', 'in_transit')),
              coalesce((SELECT sum(r.amount - r.paid_amount) FROM customers_receivable r
                         WHERE r.customer_id = c.id AND r.status = 'open'), 0)
         FROM customers_customer c WHERE c.owner_id = %(leaver)s""",
    # the orders the leaver took (open) and those whose money they collect, each row written once
    """UPDATE customers_order
          SET taken_by_id = CASE WHEN taken_by_id = %(leaver)s AND status IN ('open', 'in_transit')
                                 THEN %(successor)s ELSE taken_by_id END,
              receivable_owner_id = CASE WHEN receivable_owner_id = %(leaver)s
                                              AND status IN ('open', 'in_transit', 'delivered')
                                         THEN %(successor)s ELSE receivable_owner_id END
        WHERE ((taken_by_id = %(leaver)s AND status IN ('open', 'in_transit'))
               OR (receivable_owner_id = %(leaver)s AND status IN ('open', 'in_transit', 'delivered')))
          AND customer_id IN (SELECT id FROM customers_customer WHERE owner_id = %(leaver)s)""",
    """UPDATE customers_receivable SET owner_id = %(successor)s
        WHERE owner_id = %(leaver)s AND status = 'open'
          AND customer_id IN (SELECT id FROM customers_customer WHERE owner_id = %(leaver)s)""",
    """UPDATE customers_contract SET owner_id = %(successor)s
        WHERE owner_id = %(leaver)s
          AND customer_id IN (SELECT id FROM customers_customer WHERE owner_id = %(leaver)s)""",
    """UPDATE customers_followuptask SET assignee_id = %(successor)s
        WHERE assignee_id = %(leaver)s AND done_at IS NULL
          AND customer_id IN (SELECT id FROM customers_customer WHERE owner_id = %(leaver)s)""",
    """UPDATE customers_customer SET owner_id = %(successor)s, pool_id = %(to_pool)s, team_id = %(to_team)s,
              owned_since = %(now)s, return_warned_at = NULL
        WHERE owner_id = %(leaver)s""",
    # the leaver's collaborator roles pass to the successor (or end where the successor is on already)
    """INSERT INTO customers_ownershipchange (customer_id, kind, occurred_at, from_owner_id, to_owner_id,
           from_team_id, to_team_id, from_pool_id, to_pool_id, collaborator_id, reason)
       SELECT customer_id, 'collaborator_removed', %(now)s, NULL, NULL, NULL, NULL, NULL, NULL,
              %(leaver)s, 'bench'
         FROM customers_customercollaborator WHERE employee_id = %(leaver)s""",
    """DELETE FROM customers_customercollaborator cc WHERE cc.employee_id = %(leaver)s AND (
           EXISTS (SELECT 1 FROM customers_customercollaborator o
                    WHERE o.customer_id = cc.customer_id AND o.employee_id = %(successor)s)
        OR EXISTS (SELECT 1 FROM customers_customer c
                    WHERE c.id = cc.customer_id AND c.owner_id = %(successor)s))""",
    """UPDATE customers_customercollaborator SET employee_id = %(successor)s
        WHERE employee_id = %(leaver)s""",
    # open work on customers the leaver did not own: to each customer's owner, else the team lead
    """UPDATE customers_followuptask t SET assignee_id = coalesce(c.owner_id, %(lead)s)
         FROM customers_customer c
        WHERE c.id = t.customer_id AND t.assignee_id = %(leaver)s AND t.done_at IS NULL""",
    """UPDATE customers_order o SET taken_by_id = coalesce(c.owner_id, %(lead)s)
         FROM customers_customer c WHERE c.id = o.customer_id AND o.taken_by_id = %(leaver)s
          AND o.status IN ('open', 'in_transit')""",
    """UPDATE customers_order o SET receivable_owner_id = coalesce(c.owner_id, %(lead)s)
         FROM customers_customer c WHERE c.id = o.customer_id AND o.receivable_owner_id = %(leaver)s
          AND o.status IN ('open', 'in_transit', 'delivered')""",
    """UPDATE customers_receivable r SET owner_id = coalesce(c.owner_id, %(lead)s)
         FROM customers_customer c
        WHERE c.id = r.customer_id AND r.owner_id = %(leaver)s AND r.status = 'open'""",
]


def _digest(leaver: int, successor: int, since: dt.datetime) -> dict[str, Any]:
    """Who holds what after a transfer, in numbers both sides must agree on."""
    queries = {
        "leaver_customers": "SELECT count(*) FROM customers_customer WHERE owner_id = %(leaver)s",
        "successor_customers": "SELECT count(*) FROM customers_customer WHERE owner_id = %(successor)s",
        "successor_open_orders": "SELECT count(*) FROM customers_order WHERE taken_by_id = %(successor)s "
        "AND status IN ('open', 'in_transit')",
        "leaver_open_orders": "SELECT count(*) FROM customers_order o JOIN customers_customer c "
        "ON c.id = o.customer_id WHERE o.taken_by_id = %(leaver)s AND o.status IN ('open', 'in_transit') "
        "AND c.owner_id = %(successor)s",
        "successor_receivables": "SELECT count(*) FROM customers_receivable WHERE owner_id = %(successor)s "
        "AND status = 'open'",
        "successor_contracts": "SELECT count(*) FROM customers_contract WHERE owner_id = %(successor)s",
        "successor_tasks": "SELECT count(*) FROM customers_followuptask WHERE assignee_id = %(successor)s "
        "AND done_at IS NULL",
        "history": "SELECT count(*) FROM customers_ownershipchange WHERE occurred_at >= %(since)s "
        "AND kind = 'transferred' AND from_owner_id = %(leaver)s",
        "leaver_open_work": "SELECT (SELECT count(*) FROM customers_receivable WHERE owner_id = %(leaver)s "
        "AND status = 'open') + (SELECT count(*) FROM customers_followuptask WHERE assignee_id = %(leaver)s "
        "AND done_at IS NULL) + (SELECT count(*) FROM customers_customercollaborator "
        "WHERE employee_id = %(leaver)s)",
        "lines": "SELECT count(*) FROM offboarding_transferline tl JOIN customers_customer c "
        "ON c.id = tl.customer_id WHERE c.owner_id = %(successor)s",
    }
    params = {"leaver": leaver, "successor": successor, "since": since}
    out: dict[str, Any] = {}
    with connection.cursor() as cur:
        for name, sql in queries.items():
            cur.execute(sql, params)
            out[name] = cur.fetchone()[0]
    return out


def _successor_of(leaver: Any) -> Any:
    from baton.org.models import Employee, EmployeeStatus

    return (
        Employee.objects.filter(team_id=leaver.team_id, status=EmployeeStatus.ACTIVE, user__isnull=False)
        .exclude(pk=leaver.pk)
        .order_by("pk")
        .first()
    )


def _open_case(ctx: BenchContext) -> tuple[Any, Any, Any]:
    from baton.core import clock
    from baton.offboarding.services import case_open, plan_save

    leaver, hr = ctx.facts["leaver"], ctx.facts["hr"]
    successor = _successor_of(leaver)
    case = case_open(
        actor=hr,
        employee=leaver,
        kind="resignation",
        reason="bench",
        last_working_day=clock.local_date(clock.now()) + dt.timedelta(days=30),
    )
    plan = plan_save(actor=hr, case=case, strategy="one_successor", successor=successor.pk)
    return case, plan, successor


def _baseline(params: dict[str, Any]) -> None:
    with connection.cursor() as cur:
        for sql in BASELINE_SQL:
            cur.execute(sql, params)


def run(ctx: BenchContext) -> list[Result]:
    from baton.customers.models import Pool
    from baton.offboarding.people import team_lead_of
    from baton.offboarding.selectors import window_start
    from baton.offboarding.services import plan_execute

    runs = RUNS_QUICK if ctx.quick else RUNS_FULL
    ours_times: list[float] = []
    base_times: list[float] = []
    with transaction.atomic():
        # Foreign keys are checked at commit; both sides are rolled back, so check them at once
        # instead, or neither side would pay for its integrity checks.
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        case, plan, successor = _open_case(ctx)
        leaver = ctx.facts["leaver"]
        pool = Pool.objects.filter(team_id=successor.team_id).order_by("pk").first()
        lead = team_lead_of(leaver)
        started = dt.datetime.now(dt.UTC)
        params = {
            "leaver": leaver.pk,
            "successor": successor.pk,
            "leaver_team": leaver.team_id,
            "to_team": successor.team_id,
            "to_pool": pool.pk,
            "plan": plan.pk,
            "lead": lead.pk if lead is not None else None,
            "now": started,
            "since": window_start(None),
        }
        customers = _digest(leaver.pk, successor.pk, started)["leaver_customers"]
        for _ in range(runs):
            point = transaction.savepoint()
            took, _value = seconds(lambda: _baseline(params))
            base_times.append(took)
            baseline = _digest(leaver.pk, successor.pk, started)
            transaction.savepoint_rollback(point)

            point = transaction.savepoint()
            took, (_plan, executed) = seconds(lambda: plan_execute(actor=ctx.facts["hr"], case=case))
            assert executed
            ours_times.append(took)
            ours = _digest(leaver.pk, successor.pk, started)
            transaction.savepoint_rollback(point)
            check_equal("B2 transfer", ours, baseline)
        transaction.set_rollback(True)
    best, base = min(ours_times), min(base_times)
    return [
        Result(
            scenario="B2",
            case=f"transfer of {customers:,} customers with their open work",
            unit="s",
            ours=round(best, 3),
            baseline=round(base, 3),
            target="≤ 5 s and ≤ 3×",
            met=best <= 5.0 and best <= 3 * base,
            extra={"digest": ours, "runs": runs},
        )
    ]
