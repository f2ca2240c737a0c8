"""B4: the quarterly concentration report against one hand-written SQL statement.

Baton's side is the report a company-wide viewer opens (``baton.risk.reports.concentration_report``
for the running quarter, as HR sees it: every employee who owns customers), and the figures the
quarterly job stores for the quarter that just closed (``concentration_figures``, what
``report_snapshot_take`` keeps). The baseline computes the same figures in one statement: per
employee the customers, key customers, revenue of the twelve months ending with the quarter,
customers served by their owner alone, customers lagging their follow-up; the rows rolled up
per team and per department; shares of the company's revenue and the HHI across employees and
across teams. Both sides must agree on every figure before a time is reported.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from bench.common import BenchContext, Result, best_of, check_equal
from bench.scenarios.b3_risk_scan import analyze_tables

TARGET_SECONDS = 10.0
TARGET_RATIO = 1.5

# One statement: per employee in one pass over each table, rolled up per team, per department
# and in total (GROUPING SETS), the shares rounded half to even like Decimal.quantize (the
# report's rounding), and the HHI across employees and across teams over the rows with revenue.
REPORT_SQL = """
WITH talked AS MATERIALIZED (
    -- served by one person: the only employee who talked to the customer is its owner, that is
    -- the smallest and the largest employee id among those who did are both the owner's
    SELECT customer_id, min(employee_id) AS first_id, max(employee_id) AS last_id
    FROM customers_interaction
    WHERE occurred_at >= %(start)s AND occurred_at < %(end)s AND employee_id IS NOT NULL
    GROUP BY customer_id
), limits AS (
    SELECT p.id AS pool_id, t.tier, coalesce(r.follow_up_days, p.follow_up_days) AS days
    FROM customers_pool p
    CROSS JOIN unnest(%(tiers)s::text[]) AS t (tier)
    LEFT JOIN customers_pooltierrule r ON r.pool_id = p.id AND r.tier = t.tier
    WHERE p.company_id = %(company)s
), counts AS (
    SELECT c.owner_id, count(*) AS customers,
           count(*) FILTER (WHERE c.is_key_account) AS key_customers,
           count(*) FILTER (WHERE t.first_id = c.owner_id AND t.last_id = c.owner_id) AS single_served,
           count(*) FILTER (
               WHERE coalesce(c.last_follow_up_at, c.owned_since, c.created_at)
                     < %(as_of)s - make_interval(days => l.days)
           ) AS lagging
    FROM customers_customer c
    LEFT JOIN talked t ON t.customer_id = c.id
    LEFT JOIN limits l ON l.pool_id = c.pool_id AND l.tier = c.tier
    WHERE c.company_id = %(company)s AND c.owner_id IS NOT NULL
    GROUP BY c.owner_id
), revenue AS (
    SELECT c.owner_id, sum(o.amount) AS revenue
    FROM customers_order o JOIN customers_customer c ON c.id = o.customer_id
    WHERE c.company_id = %(company)s AND o.order_date >= %(first)s AND o.order_date <= %(last)s
      AND o.status <> 'cancelled'
    GROUP BY c.owner_id
), company AS (
    SELECT coalesce(sum(revenue), 0) AS total FROM revenue
), people AS (
    SELECT e.id, e.team_id, e.department_id, n.customers, n.key_customers,
           round(coalesce(r.revenue, 0), 2) AS revenue, n.single_served, n.lagging
    FROM counts n
    JOIN org_employee e ON e.id = n.owner_id
    LEFT JOIN revenue r ON r.owner_id = n.owner_id
), lines AS (
    SELECT CASE grouping(id, team_id, department_id)
               WHEN 0 THEN 'employee' WHEN 5 THEN 'team' WHEN 6 THEN 'department' ELSE 'total' END AS kind,
           CASE grouping(id, team_id, department_id)
               WHEN 0 THEN id WHEN 5 THEN team_id WHEN 6 THEN department_id END AS key,
           min(team_id) AS team_id, min(department_id) AS department_id, count(id) AS members,
           coalesce(sum(customers), 0) AS customers, coalesce(sum(key_customers), 0) AS key_customers,
           coalesce(sum(revenue), 0) AS revenue, coalesce(sum(single_served), 0) AS single_served,
           coalesce(sum(lagging), 0) AS lagging
    FROM people
    GROUP BY GROUPING SETS ((id, team_id, department_id), (team_id), (department_id), ())
), hhi AS (
    SELECT kind, round(sum(power(100 * revenue::numeric(48, 30) / whole, 2)), 2) AS hhi
    FROM (SELECT kind, revenue, sum(revenue) OVER (PARTITION BY kind) AS whole
          FROM lines WHERE kind IN ('employee', 'team') AND revenue > 0) AS parts
    GROUP BY kind
)
SELECT l.kind, l.key, l.team_id, l.department_id, l.members, l.customers, l.key_customers, l.revenue,
       CASE WHEN c.total = 0 THEN 0
            WHEN mod(l.revenue * 20000, c.total) = 0 AND mod(l.revenue * 20000 / c.total, 2) = 1
                THEN (trunc(l.revenue * 10000 / c.total) + mod(trunc(l.revenue * 10000 / c.total), 2)) / 10000
            ELSE round(l.revenue / c.total, 4) END AS share,
       l.single_served, l.lagging, c.total
FROM lines l CROSS JOIN company c
UNION ALL
SELECT 'hhi_' || kind, NULL, NULL, NULL, NULL, NULL, NULL, hhi, NULL, NULL, NULL, NULL FROM hhi
"""


def sql_report(*, company_id: int, quarter: Any, as_of: dt.datetime) -> dict[str, Any]:
    """The report's figures from SQL alone: employees, teams, departments, total and HHI."""
    from baton.customers.models import Tier

    params = {
        "company": company_id,
        "start": quarter.window_start,
        "end": quarter.end,
        "first": quarter.window_first_day,
        "last": quarter.last_day,
        "as_of": as_of,
        "tiers": list(Tier.values),
    }
    with transaction.atomic(), connection.cursor() as cur:
        # Memory to hash a year of interactions in one batch; no JIT (it costs more than it saves).
        cur.execute("SELECT set_config('work_mem', '256MB', true), set_config('jit', 'off', true)")
        cur.execute(REPORT_SQL, params)
        rows = cur.fetchall()
    report: dict[str, Any] = {"employee": [], "team": [], "department": []}
    report.update(hhi_employee=Decimal(0), hhi_team=Decimal(0))
    for kind, key, team, department, members, customers, keys, revenue, share, single, lagging, total in rows:
        if kind.startswith("hhi_"):
            report[kind] = revenue
            continue
        report["company_revenue"] = total
        figures = (customers, keys, revenue, share, single, lagging)
        if kind == "employee":
            report[kind].append((key, team, department, *figures))
        elif kind == "total":
            report[kind] = (members, *figures)
        else:
            report[kind].append((key, members, *figures))
    return report


# --- Baton's side --------------------------------------------------------------------------


def _line(line: Any) -> tuple[Any, ...]:
    return (line.customers, line.key_customers, line.revenue, line.share, line.single_served, line.lagging)


def baton_report(report: Any) -> dict[str, Any]:
    """The figures of Baton's report in the baseline's shape (ids, not names)."""
    return {
        "company_revenue": report.company_revenue,
        "employee": [(line.key, line.team_id, line.department_id, *_line(line)) for line in report.employees],
        "team": [(line.key, line.members, *_line(line)) for line in report.teams],
        "department": [(line.key, line.members, *_line(line)) for line in report.departments],
        "total": (report.total.members, *_line(report.total)),
        "hhi_employee": report.hhi_employees,
        "hhi_team": report.hhi_teams,
    }


def _sorted(report: dict[str, Any]) -> dict[str, Any]:
    """Both sides in one order (by id; the team of people without one last)."""
    out = dict(report)
    for kind in ("employee", "team", "department"):
        if kind in report:
            out[kind] = sorted(report[kind], key=lambda row: (row[0] is None, row[0] or 0))
    return out


def _compare(name: str, ours: dict[str, Any], sql: dict[str, Any]) -> None:
    ours, sql = _sorted(ours), _sorted(sql)
    for part in sorted(set(ours) | set(sql)):
        check_equal(f"{name}: {part}", ours.get(part), sql.get(part))


def _viewer(ctx: BenchContext) -> Any:
    """Someone who sees the whole company's report (HR views it company-wide)."""
    from baton.risk.reports import report_company_id

    viewer = ctx.facts["hr"]
    if report_company_id(user=viewer) is None:
        raise LookupError("B4 needs an HR account with an employee record to view the company's report")
    return viewer


def _raw(figures: dict[str, Any]) -> dict[str, Any]:
    """The stored figures (what a snapshot keeps) in the baseline's shape, without shares."""
    return {
        "company_revenue": Decimal(figures["company_revenue"]),
        "employee": sorted(
            (
                row["employee_id"],
                row["team_id"],
                row["department_id"],
                row["customers"],
                row["key_customers"],
                Decimal(row["revenue"]),
                row["single_served"],
                row["lagging"],
            )
            for row in figures["employees"]
        ),
    }


def _raw_sql(report: dict[str, Any]) -> dict[str, Any]:
    return {
        "company_revenue": report["company_revenue"],
        "employee": sorted((*row[:6], *row[7:]) for row in report["employee"]),
    }


def _result(case: str, ours: float, sql: float, extra: dict[str, Any]) -> Result:
    ratio = ours / sql if sql else float("inf")
    return Result(
        scenario="B4",
        case=case,
        unit="s",
        ours=ours,
        baseline=sql,
        target=f"≤ {TARGET_SECONDS:.0f} s and ≤ {TARGET_RATIO}×",
        met=ours <= TARGET_SECONDS and ratio <= TARGET_RATIO,
        note="best of the runs; figures checked equal first",
        extra=extra,
    )


def run(ctx: BenchContext) -> list[Result]:
    from baton.risk.reports import concentration_figures, concentration_report, quarter_of, report_company_id

    analyze_tables(("org_employee", "customers_customer", "customers_interaction", "customers_order"))
    runs = 3
    viewer = _viewer(ctx)
    company_id = report_company_id(user=viewer)
    assert company_id is not None
    results = []

    running = quarter_of(ctx.now)
    as_of = min(ctx.now, running.end)
    ours_took, report = best_of(runs, lambda: concentration_report(user=viewer, quarter=running, now=ctx.now))
    sql_took, sql = best_of(runs, lambda: sql_report(company_id=company_id, quarter=running, as_of=as_of))
    _compare(f"B4 {running.label} report", baton_report(report), sql)
    extra = {"quarter": running.label, "employees": len(report.employees), "teams": len(report.teams)}
    results.append(_result(f"{running.label} report, whole company (HR's view)", ours_took, sql_took, extra))

    closed = running.previous
    ours_took, figures = best_of(
        runs, lambda: concentration_figures(company_id=company_id, quarter=closed, now=ctx.now)
    )
    sql_took, sql = best_of(runs, lambda: sql_report(company_id=company_id, quarter=closed, as_of=closed.end))
    _compare(f"B4 {closed.label} stored figures", _raw(figures), _raw_sql(sql))
    extra = {"quarter": closed.label, "employees": len(figures["employees"])}
    results.append(
        _result(f"{closed.label} figures the quarterly snapshot stores", ours_took, sql_took, extra)
    )
    return results
