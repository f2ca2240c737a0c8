"""B3: the daily risk scan against hand-written SQL.

Baton's side is what ``baton.risk.services.risk_scan`` computes: every enabled ``daily`` rule's
``scan`` for every company, as of ``ctx.now`` (R7 writes a health snapshot for every customer
on the way). The baseline is one hand-written SQL statement per rule that finds the same
subjects with the same figures (R7's statement also writes the same snapshots). Both sides
run in a transaction that is rolled back, after a ``VACUUM`` of the snapshot table, so every
run is the first scan of the day and no run leaves anything behind; the snapshots each side
wrote are compared (count and a checksum of customer, score and components) before the
rollback.

Cases:

- the findings of every daily rule (target: ≤ 60 s and ≤ 1.5× the SQL);
- the whole ``risk_scan`` as the daily job runs it, on a database without open alerts (findings,
  then one alert per finding with its audit event and notifications), and a second time the
  same day (every alert open already: refreshed, nobody told). No SQL counterpart: the target is
  the 60 s alone; reported with the number of alerts opened and what each cost.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from itertools import pairwise
from typing import Any

from django.db import connection, transaction

from bench.common import BenchContext, Result, check_equal, seconds

Key = tuple[Any, ...]
Findings = dict[str, list[Key]]
TARGET_SECONDS = 60.0
TARGET_RATIO = 1.5
SH = "Asia/Shanghai"


# --- Baton's side --------------------------------------------------------------------------


def _key(code: str, f: Any) -> Key:
    """What must agree between Baton and the SQL for one finding: subject, people, figures."""
    d = f.details
    head = (f.subject_type, int(f.subject_id))
    if code == "R1":
        return (*head, f.team_id, d["last_week"], d["baseline_per_week"], d["drop_percent"])
    if code == "R2":
        months = tuple((m["month"], m["orders"], m["amount"]) for m in d["months"])
        return (*head, f.owner_id, f.team_id, months, tuple(d["falling"]))
    if code == "R3":
        return (*head, f.owner_id, f.team_id, d["complaints"], d["first_on"], d["latest_on"])
    if code == "R4":
        return (*head, f.team_id, d["revenue_12m"], d["share"], d["customers"], d["company_revenue_12m"])
    if code == "R6":
        return (*head, f.owner_id, f.team_id, d["added"], d["removed"], d["primary_removed"])
    if code == "R7":
        return (*head, f.owner_id, f.team_id, d["score"], d["before_score"], d["before_day"], d["drop"])
    if code == "R8":
        return (*head, tuple((s["kind"], s["from"], s["count"]) for s in d["signals"]))
    if code == "R10":
        return (*head, f.team_id, d["phrase"], d["field"])
    raise LookupError(f"B3 has no SQL baseline for the daily rule {code}: add one")


def _all(scan: Callable[[], Any]) -> list[Any]:
    """Every finding of a scan (a rule may yield them lazily: the time includes producing them)."""
    return list(scan())


def _enabled_rules() -> list[tuple[int, Any, dict[str, Any]]]:
    """(company, rule, thresholds) for every daily rule the companies have switched on."""
    from baton.org.models import Company
    from baton.risk import registry
    from baton.risk.services import rule_config

    chosen = []
    for company_id in Company.objects.order_by("pk").values_list("pk", flat=True):
        for rule in registry.all_rules():
            if rule.daily:
                enabled, params = rule_config(company_id=company_id, rule=rule)
                if enabled:
                    chosen.append((company_id, rule, params))
    return chosen


def baton_findings(now: dt.datetime, timings: dict[str, float]) -> Findings:
    """What ``risk_scan`` finds (without opening the alerts), rule by rule."""
    from baton.core import clock
    from baton.org.models import Company

    found: Findings = defaultdict(list)
    companies = {c.pk: c for c in Company.objects.all()}
    for company_id, rule, params in _enabled_rules():
        with clock.frozen_at(now):
            scan = partial(rule.scan, company=companies[company_id], now=now, params=params)
            took, findings = seconds(partial(_all, scan))
        timings[rule.code] = timings.get(rule.code, 0.0) + took
        found[rule.code].extend(_key(rule.code, f) for f in findings)
    return {code: sorted(keys) for code, keys in found.items()}


# --- the SQL baseline ----------------------------------------------------------------------


def _rows(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return list(cur.fetchall())


def _local_date(moment: dt.datetime) -> dt.date:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(SH)).date()


def _half_up(value: Decimal, places: str) -> str:
    from decimal import ROUND_HALF_UP

    return str(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


R1_SQL = """
SELECT e.id, e.team_id,
       count(*) FILTER (WHERE i.occurred_at >= %(last_start)s) AS last,
       count(*) FILTER (WHERE i.occurred_at < %(last_start)s) AS base
FROM customers_interaction i
JOIN org_employee e ON e.id = i.employee_id
WHERE e.company_id = %(company)s
  AND i.occurred_at >= %(base_start)s AND i.occurred_at < %(now)s
  AND EXISTS (SELECT 1 FROM customers_customer c WHERE c.owner_id = e.id)
GROUP BY e.id, e.team_id
HAVING count(*) FILTER (WHERE i.occurred_at < %(last_start)s) > 0
"""


def sql_r1(company: int, now: dt.datetime, p: dict[str, Any]) -> list[Key]:
    weeks = int(p["weeks"])
    last_start = now - dt.timedelta(days=7)
    rows = _rows(
        R1_SQL,
        {
            "company": company,
            "now": now,
            "last_start": last_start,
            "base_start": last_start - dt.timedelta(weeks=weeks),
        },
    )
    found = []
    for employee, team, last, base in rows:
        # In whole numbers: last week at least drop_percent below base/weeks, or quiet.
        dropped = (base - weeks * last) * 100 >= p["drop_percent"] * base
        quiet = base >= p["baseline_min"] * weeks and last <= p["last_week_max"]
        if dropped or quiet:
            per_week = Decimal(base) / weeks
            drop = Decimal((base - weeks * last) * 100) / base
            found.append(
                ("org.employee", employee, team, last, _half_up(per_week, "0.1"), _half_up(drop, "0.1"))
            )
    return found


def _month_firsts(today: dt.date, months: int) -> list[dt.date]:
    index = today.year * 12 + today.month - 1
    return [dt.date(i // 12, i % 12 + 1, 1) for i in range(index - months - 1, index + 1)]


def sql_r2(company: int, now: dt.datetime, p: dict[str, Any]) -> list[Key]:
    months = int(p["months"])
    firsts = _month_firsts(_local_date(now), months)
    params: dict[str, Any] = {
        "company": company,
        "lo": firsts[0],
        "hi": firsts[-1],
        "min": p["min_first_month_amount"],
    }
    columns, fewer, less = [], [], []
    for k in range(months + 1):
        params[f"f{k}"], params[f"t{k}"] = firsts[k], firsts[k + 1]
        inside = f"o.order_date >= %(f{k})s AND o.order_date < %(t{k})s"
        columns.append(f"count(*) FILTER (WHERE {inside})")
        columns.append(f"coalesce(sum(o.amount) FILTER (WHERE {inside}), 0)")
    for k in range(months):
        fewer.append(f"n{k} > n{k + 1}")
        less.append(f"a{k} > a{k + 1}")
    names = ", ".join(f"n{k}, a{k}" for k in range(months + 1))
    sql = f"""
        SELECT * FROM (
            SELECT o.customer_id, c.owner_id, c.team_id, {", ".join(columns)}
            FROM customers_order o JOIN customers_customer c ON c.id = o.customer_id
            WHERE c.company_id = %(company)s AND o.status <> 'cancelled'
              AND o.order_date >= %(lo)s AND o.order_date < %(hi)s
            GROUP BY o.customer_id, c.owner_id, c.team_id
        ) AS m (customer_id, owner_id, team_id, {names})
        WHERE ({" AND ".join(fewer)} OR {" AND ".join(less)}) AND a0 >= %(min)s
    """  # noqa: S608 - only generated column names are formatted in; the values are bound
    found = []
    for customer, owner, team, *figures in _rows(sql, params):
        counts, amounts = figures[0::2], figures[1::2]
        falling = tuple(
            what
            for what, series in (("orders", counts), ("amount", amounts))
            if all(a > b for a, b in pairwise(series))
        )
        labels = [f"{first:%Y-%m}" for first in firsts[:-1]]
        series = tuple(
            (label, n, _half_up(a, "0.01")) for label, n, a in zip(labels, counts, amounts, strict=True)
        )
        found.append(("customers.customer", customer, owner, team, series, falling))
    return found


R3_SQL = """
SELECT k.customer_id, c.owner_id, c.team_id, count(*), min(k.occurred_on), max(k.occurred_on)
FROM customers_complaint k JOIN customers_customer c ON c.id = k.customer_id
WHERE c.company_id = %(company)s AND k.occurred_on >= %(since)s AND k.occurred_on <= %(today)s
GROUP BY k.customer_id, c.owner_id, c.team_id
HAVING count(*) >= 2
"""


def sql_r3(company: int, now: dt.datetime, p: dict[str, Any]) -> list[Key]:
    today = _local_date(now)
    rows = _rows(
        R3_SQL,
        {"company": company, "today": today, "since": today - dt.timedelta(days=int(p["window_days"]))},
    )
    return [
        ("customers.customer", c, owner, team, n, first.isoformat(), latest.isoformat())
        for c, owner, team, n, first, latest in rows
    ]


# Revenue and customers per (owner, team) of the customers in one parallel pass, then company /
# owner / team (GROUPING SETS: a customer has one owner and one team, so its distinct count adds
# up). The share is rounded to four places half to even, like Decimal.quantize (departure_impact's
# rounding).
R4_SQL = """
WITH pairs AS (
    SELECT c.owner_id, c.team_id, sum(o.amount) AS revenue, count(DISTINCT o.customer_id) AS customers
    FROM customers_order o JOIN customers_customer c ON c.id = o.customer_id
    WHERE c.company_id = %(company)s AND o.order_date >= %(since)s AND o.status <> 'cancelled'
    GROUP BY c.owner_id, c.team_id
), levels AS (
    SELECT owner_id, team_id, grouping(owner_id, team_id) AS level,
           sum(revenue) AS revenue, sum(customers) AS customers
    FROM pairs
    GROUP BY GROUPING SETS ((), (owner_id), (team_id))
), shared AS (
    SELECT l.*, t.total, trunc(l.revenue * 10000 / t.total) AS k,
           mod(l.revenue * 20000, t.total) = 0 AND mod(l.revenue * 20000 / t.total, 2) = 1 AS tie
    FROM levels l CROSS JOIN (SELECT revenue AS total FROM levels WHERE level = 3) t
    WHERE l.level <> 3 AND t.total <> 0
), rounded AS (
    SELECT s.*,
           CASE WHEN s.tie THEN (s.k + mod(s.k, 2)) / 10000 ELSE round(s.revenue / s.total, 4) END AS share
    FROM shared s
)
SELECT CASE WHEN r.level = 1 THEN 'org.employee' ELSE 'org.team' END,
       CASE WHEN r.level = 1 THEN r.owner_id ELSE r.team_id END,
       CASE WHEN r.level = 1 THEN e.team_id ELSE r.team_id END,
       r.revenue, r.share, r.customers, r.total
FROM rounded r LEFT JOIN org_employee e ON e.id = r.owner_id
WHERE (r.level = 1 AND r.owner_id IS NOT NULL AND r.share * 100 >= %(employee_share)s)
   OR (r.level = 2 AND r.team_id IS NOT NULL AND r.share * 100 >= %(team_share)s)
"""


def sql_r4(company: int, now: dt.datetime, p: dict[str, Any]) -> list[Key]:
    since = _local_date(now) - dt.timedelta(days=365)
    params = {
        "company": company,
        "since": since,
        "employee_share": p["employee_share"],
        "team_share": p["team_share"],
    }
    return [
        (
            kind,
            subject,
            team,
            _half_up(revenue, "0.01"),
            str(share.quantize(Decimal("0.0001"))),
            n,
            _half_up(total, "0.01"),
        )
        for kind, subject, team, revenue, share, n, total in _rows(R4_SQL, params)
    ]


R6_SQL = """
SELECT * FROM (
    SELECT c.id, c.owner_id, c.team_id,
           count(*) FILTER (WHERE t.created_at >= %(since)s AND t.created_at <= %(now)s
                             AND t.created_at > c.created_at + interval '1 day') AS added,
           count(*) FILTER (WHERE t.removed_at >= %(since)s AND t.removed_at <= %(now)s) AS removed,
           count(*) FILTER (WHERE t.removed_at >= %(since)s AND t.removed_at <= %(now)s
                             AND t.is_primary) AS main
    FROM customers_customer c JOIN customers_contact t ON t.customer_id = c.id
    WHERE c.company_id = %(company)s AND c.is_key_account
    GROUP BY c.id, c.owner_id, c.team_id
) AS changes
WHERE added + removed >= %(changes_min)s OR main > 0
"""


def sql_r6(company: int, now: dt.datetime, p: dict[str, Any]) -> list[Key]:
    since = now - dt.timedelta(days=int(p["window_days"]))
    rows = _rows(R6_SQL, {"company": company, "now": now, "since": since, "changes_min": p["changes_min"]})
    return [("customers.customer", c, owner, team, a, r, bool(m)) for c, owner, team, a, r, m in rows]


# R7 in one statement: per-customer aggregates joined to the customers, the five parts of the
# score (docs/early-warning.md: each to 0.0001 point half up, the score their sum to a whole
# point), today's snapshot upserted, and back only the customers whose score fell far enough
# against the oldest snapshot of the window. The latest interaction is one backward step in the
# (customer, occurred_at) index per customer, cheaper than aggregating ten million rows.
R7_SQL = """
WITH ord AS (
    SELECT customer_id, max(order_date) AS last_on,
           count(*) FILTER (WHERE order_date > %(d90)s) AS n90,
           count(*) FILTER (WHERE order_date > %(d365)s) AS n365,
           coalesce(sum(amount) FILTER (WHERE order_date > %(d365)s), 0) AS rev365,
           coalesce(sum(amount) FILTER (WHERE order_date > %(d91)s), 0) AS recent,
           coalesce(sum(amount) FILTER (WHERE order_date > %(d182)s AND order_date <= %(d91)s), 0) AS previous
    FROM customers_order WHERE status <> 'cancelled' AND order_date <= %(today)s
    GROUP BY customer_id
), compl AS (
    SELECT customer_id, count(*) AS n FROM customers_complaint
    WHERE occurred_on > %(d90)s AND occurred_on <= %(today)s GROUP BY customer_id
), due AS (
    SELECT customer_id, sum(amount - paid_amount) AS overdue FROM customers_receivable
    WHERE status = 'open' AND due_on < %(today)s GROUP BY customer_id
), f AS (
    SELECT c.id, c.owner_id, c.team_id,
           %(today)s::date - greatest((t.last_at AT TIME ZONE 'Asia/Shanghai')::date, o.last_on) AS days,
           coalesce(o.n90, 0) AS n90, coalesce(o.n365, 0) AS n365, coalesce(o.rev365, 0) AS rev365,
           coalesce(o.recent, 0) AS recent, coalesce(o.previous, 0) AS previous,
           coalesce(k.n, 0) AS complaints, coalesce(d.overdue, 0) AS overdue
    FROM customers_customer c
    LEFT JOIN ord o ON o.customer_id = c.id
    LEFT JOIN compl k ON k.customer_id = c.id
    LEFT JOIN due d ON d.customer_id = c.id
    CROSS JOIN LATERAL (
        SELECT max(occurred_at) AS last_at FROM customers_interaction
        WHERE customer_id = c.id AND occurred_at <= %(now)s
    ) t
    WHERE c.company_id = %(company)s
), parts AS (
    SELECT f.*,
        CASE WHEN days IS NULL THEN 0
             ELSE round((30 * greatest(0, 90 - greatest(days, 0)))::numeric(48, 30) / 90, 4) END AS p_recency,
        CASE WHEN n365 = 0 THEN 0
             ELSE round(least(20, (730 * n90)::numeric(48, 30) / (9 * n365)), 4) END AS p_frequency,
        CASE WHEN previous <> 0 THEN round(least(20, (20 * recent)::numeric(48, 30) / previous), 4)
             WHEN recent <> 0 THEN 20 ELSE 0 END AS p_trend,
        greatest(0, 15 - 5 * complaints) AS p_complaints,
        CASE WHEN overdue = 0 THEN 15 WHEN rev365 = 0 THEN 0
             ELSE round(15 - least(15, (180 * overdue)::numeric(48, 30) / rev365), 4) END AS p_receivables
    FROM f
), scored AS (
    SELECT p.id, p.owner_id, p.team_id,
           round(p_recency + p_frequency + p_trend + p_complaints + p_receivables)::int AS score,
           (SELECT to_jsonb(x) FROM (
               SELECT round(p_recency, 1)::text AS recency, days AS days_since_contact,
                      round(p_frequency, 1)::text AS frequency, n90 AS orders_90, n365 AS orders_year,
                      round(p_trend, 1)::text AS trend, round(recent, 2)::text AS amount_recent,
                      round(previous, 2)::text AS amount_previous, round(p_complaints, 1)::text AS complaints,
                      complaints AS complaints_90, round(p_receivables, 1)::text AS receivables,
                      round(overdue, 2)::text AS overdue) AS x) AS components
    FROM parts p
), written AS (
    INSERT INTO risk_healthsnapshot AS old (customer_id, day, score, components)
    SELECT id, %(today)s, score, components FROM scored
    ON CONFLICT (customer_id, day) DO UPDATE SET score = EXCLUDED.score, components = EXCLUDED.components
    WHERE (old.score, old.components) IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.components)
)
SELECT s.id, s.owner_id, s.team_id, s.score, b.score, b.day
FROM scored s
JOIN LATERAL (
    SELECT h.score, h.day FROM risk_healthsnapshot h
    WHERE h.customer_id = s.id AND h.day >= %(since)s AND h.day < %(today)s
    ORDER BY h.day LIMIT 1
) b ON b.score - s.score >= %(drop)s
"""


def sql_r7(company: int, now: dt.datetime, p: dict[str, Any]) -> list[Key]:
    today = _local_date(now)
    days = {f"d{n}": today - dt.timedelta(days=n) for n in (90, 91, 182, 365)}
    since = today - dt.timedelta(days=int(p["days"]))
    params = {
        "company": company,
        "now": now,
        "today": today,
        "since": since,
        "drop": p["drop_points"],
        **days,
    }
    # Memory to hash the orders in one batch, and no JIT compilation (it costs more than it saves).
    _rows("SELECT set_config('work_mem', '256MB', true), set_config('jit', 'off', true)", {})
    return [
        ("customers.customer", c, owner, team, score, before, day.isoformat(), before - score)
        for c, owner, team, score, before, day in _rows(R7_SQL, params)
    ]


R8_SQL = """
SELECT n.user_id, n.kind, n.bucket_start, n.count
FROM risk_accesscounter n JOIN org_employee e ON e.user_id = n.user_id
WHERE e.company_id = %(company)s AND n.bucket_start <= %(now)s
  AND ((n.kind = 'customer_view' AND n.count > %(customer_views_per_hour)s AND n.bucket_start >= %(hour)s)
    OR (n.kind = 'export_rows' AND n.count > %(export_rows_per_day)s AND n.bucket_start >= %(day)s)
    OR (n.kind = 'document_download' AND n.count > %(downloads_per_day)s AND n.bucket_start >= %(day)s)
    OR (n.kind = 'field_reveal' AND n.count > %(reveals_per_day)s AND n.bucket_start >= %(day)s))
  AND NOT EXISTS (
    SELECT 1 FROM alerts_alert a CROSS JOIN jsonb_array_elements(a.details -> 'signals') s
    WHERE a.rule = 'R8' AND a.subject_type = 'accounts.user' AND a.subject_id = n.user_id::text
      AND a.status IN ('resolved', 'dismissed') AND a.closed_at >= least(%(hour)s, %(day)s)
      AND s ->> 'kind' = n.kind
      AND s ->> 'from' = to_char(n.bucket_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'))
ORDER BY n.user_id, n.kind, n.bucket_start
"""


def sql_r8(company: int, now: dt.datetime, p: dict[str, Any]) -> list[Key]:
    from zoneinfo import ZoneInfo

    before = now - dt.timedelta(hours=24)
    hour = before.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    day = dt.datetime.combine(_local_date(before), dt.time(), tzinfo=ZoneInfo(SH)).astimezone(dt.UTC)
    signals: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for user, kind, start, count in _rows(
        R8_SQL, {"company": company, "now": now, "hour": hour, "day": day, **p}
    ):
        signals[user].append((kind, start.isoformat(), count))
    return [("accounts.user", user, tuple(found)) for user, found in signals.items()]


# The first phrase in an interaction: content before next step, leftmost, then longest.
R10_SQL = """
WITH phrases (phrase) AS (SELECT DISTINCT btrim(x) FROM unnest(%(phrases)s::text[]) AS x WHERE btrim(x) <> '')
SELECT DISTINCT ON (i.id) i.id, coalesce(e.team_id, c.team_id), p.phrase, f.name
FROM customers_interaction i
JOIN customers_customer c ON c.id = i.customer_id
LEFT JOIN org_employee e ON e.id = i.employee_id
CROSS JOIN LATERAL (
    VALUES (1, 'content', lower(i.content)), (2, 'next_step', lower(i.next_step))
) AS f (n, name, text)
JOIN phrases p ON strpos(f.text, lower(p.phrase)) > 0
WHERE c.company_id = %(company)s AND i.created_at > %(since)s AND i.created_at <= %(now)s
  AND NOT EXISTS (SELECT 1 FROM alerts_alert a
                  WHERE a.rule = 'R10' AND a.subject_type = 'customers.interaction'
                    AND a.subject_id = i.id::text)
ORDER BY i.id, f.n, strpos(f.text, lower(p.phrase)), length(p.phrase) DESC
"""


def sql_r10(company: int, now: dt.datetime, p: dict[str, Any]) -> list[Key]:
    from baton.risk.phrases import DEFAULT_PHRASES

    installed = _rows(
        "SELECT 1 FROM risk_phrasedictionary WHERE company_id = %(company)s", {"company": company}
    )
    if installed:
        phrases = [
            row[0]
            for row in _rows(
                "SELECT phrase FROM risk_sensitivephrase WHERE company_id = %(company)s AND active",
                {"company": company},
            )
        ]
    else:
        phrases = [phrase for phrase, _category in DEFAULT_PHRASES]
    params = {"company": company, "now": now, "since": now - dt.timedelta(days=1), "phrases": phrases}
    return [
        ("customers.interaction", i, team, phrase, field) for i, team, phrase, field in _rows(R10_SQL, params)
    ]


BASELINES: dict[str, Callable[[int, dt.datetime, dict[str, Any]], list[Key]]] = {
    "R1": sql_r1,
    "R2": sql_r2,
    "R3": sql_r3,
    "R4": sql_r4,
    "R6": sql_r6,
    "R7": sql_r7,
    "R8": sql_r8,
    "R10": sql_r10,
}


def sql_findings(now: dt.datetime, timings: dict[str, float]) -> Findings:
    """The same findings from the hand-written statements, rule by rule."""
    found: Findings = defaultdict(list)
    for company_id, rule, params in _enabled_rules():
        if rule.code not in BASELINES:
            raise LookupError(f"B3 has no SQL baseline for the daily rule {rule.code}: add one")
        took, keys = seconds(partial(BASELINES[rule.code], company_id, now, params))
        timings[rule.code] = timings.get(rule.code, 0.0) + took
        found[rule.code].extend(keys)
    return {code: sorted(keys) for code, keys in found.items()}


# --- measuring -----------------------------------------------------------------------------


def analyze_tables(tables: tuple[str, ...]) -> None:
    """Fresh planner statistics (autovacuum's job in production; a freshly loaded dataset may
    not have them yet, and both sides are planned from them)."""
    with connection.cursor() as cur:
        cur.execute("ANALYZE " + ", ".join(tables))


READ_TABLES = (
    "org_employee",
    "customers_customer",
    "customers_contact",
    "customers_interaction",
    "customers_order",
    "customers_complaint",
    "customers_receivable",
    "risk_accesscounter",
    "alerts_alert",
)


def _vacuum_snapshots() -> None:
    """Rolled-back inserts leave dead rows and index entries behind: clear them before a run."""
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE risk_healthsnapshot")


def _snapshots_written(day: dt.date) -> tuple[int, int]:
    """How many snapshots the day has, and a checksum of (customer, score, components)."""
    row = _rows(
        "SELECT count(*), coalesce(sum(hashtext(customer_id || ':' || score || ':' || components::text)"
        "::bigint), 0) FROM risk_healthsnapshot WHERE day = %(day)s",
        {"day": day},
    )[0]
    return int(row[0]), int(row[1])


def _rolled_back(func: Callable[[], Any], day: dt.date) -> tuple[float, Any, tuple[int, int]]:
    """Time ``func`` as the first scan of the day would run it, then undo everything it wrote."""
    _vacuum_snapshots()
    with transaction.atomic():
        took, value = seconds(func)
        written = _snapshots_written(day)
        transaction.set_rollback(True)
    return took, value, written


def _compare(
    ours: Findings, sql: Findings, ours_written: tuple[int, int], sql_written: tuple[int, int]
) -> None:
    """Stop loudly unless both sides found the same and wrote the same snapshots."""
    for code in sorted(set(ours) | set(sql)):
        check_equal(f"B3 {code} findings", ours.get(code, []), sql.get(code, []))
    check_equal("B3 R7 snapshots (count, checksum)", ours_written, sql_written)


def _rounds(ctx: BenchContext) -> int:
    return 3 if ctx.quick else 2


def _findings_case(ctx: BenchContext) -> Result:
    from baton.core import clock

    today = clock.local_date(ctx.now)
    sides = {"ours": baton_findings, "sql": sql_findings}
    best = {"ours": float("inf"), "sql": float("inf")}
    per_rule: dict[str, dict[str, float]] = {"ours": {}, "sql": {}}
    found: dict[str, tuple[Findings, tuple[int, int]]] = {}
    for round_no in range(_rounds(ctx)):
        # Interleaved, the side that goes first alternating: neither always finds the other's
        # rolled-back snapshots just vacuumed, or the warmer cache.
        for side in ("ours", "sql") if round_no % 2 == 0 else ("sql", "ours"):
            rules: dict[str, float] = {}
            took, findings, written = _rolled_back(partial(sides[side], ctx.now, rules), today)
            if took < best[side]:
                best[side], per_rule[side] = took, rules
            found[side] = (findings, written)
        _compare(found["ours"][0], found["sql"][0], found["ours"][1], found["sql"][1])
    counts = {code: len(keys) for code, keys in found["ours"][0].items()}
    ours_written = found["ours"][1]
    ratio = best["ours"] / best["sql"] if best["sql"] else float("inf")
    return Result(
        scenario="B3",
        case="daily scan: findings of every daily rule (R7 writes every customer's snapshot)",
        unit="s",
        ours=best["ours"],
        baseline=best["sql"],
        target=f"≤ {TARGET_SECONDS:.0f} s and ≤ {TARGET_RATIO}×",
        met=best["ours"] <= TARGET_SECONDS and ratio <= TARGET_RATIO,
        note=f"both sides rolled back after each run; best of {_rounds(ctx)} interleaved runs",
        extra={
            "findings": counts,
            "snapshots": ours_written[0],
            "seconds_per_rule": {
                side: {k: round(v, 3) for k, v in t.items()} for side, t in per_rule.items()
            },
        },
    )


def _scan_cases(ctx: BenchContext, findings: Result) -> list[Result]:
    """The job end to end: the first run of the day opens an alert per finding (with its audit
    event and notifications); a second run that day finds the alerts open and only refreshes
    them. Both in one transaction that is rolled back, so neither commits per alert. What each
    run costs beyond ``findings`` (the best time of the findings alone) is the alerts' share."""
    from baton.risk.services import risk_scan

    _vacuum_snapshots()
    with transaction.atomic():
        first, opened = seconds(lambda: risk_scan(now=ctx.now))
        again, reopened = seconds(lambda: risk_scan(now=ctx.now))
        transaction.set_rollback(True)
    check_equal("B3 second scan of the day opens nothing", sum(reopened.values()), 0)
    new, found = sum(opened.values()), sum(findings.extra["findings"].values())
    beyond = {"first": first - findings.ours}
    # The brief's 60 s holds for risk_scan too; no SQL counterpart for the alerts it opens.
    target = f"≤ {TARGET_SECONDS:.0f} s"
    return [
        Result(
            scenario="B3",
            case="risk_scan end to end, first run (every finding opens an alert), rolled back",
            unit="s",
            ours=first,
            baseline=None,
            target=target,
            met=first <= TARGET_SECONDS,
            note=f"{new} new alerts: {beyond['first']:.1f} s beyond the findings, "
            f"{1000 * beyond['first'] / max(new, 1):.1f} ms per alert",
            extra={"alerts_opened": opened},
        ),
        Result(
            scenario="B3",
            case="risk_scan end to end, second run the same day (alerts refreshed), rolled back",
            unit="s",
            ours=again,
            baseline=None,
            target=target,
            met=again <= TARGET_SECONDS,
            note=f"{found} open alerts refreshed, nobody notified; today's snapshots, written by "
            "the first run, are left alone",
        ),
    ]


def run(ctx: BenchContext) -> list[Result]:
    analyze_tables(READ_TABLES)
    findings = _findings_case(ctx)
    return [findings, *_scan_cases(ctx, findings)]
