"""B1: the scoped customer list, first page, through the API, against hand-written SQL.

Who: the team lead of the team that owns the most customers (scope ``team``) and the head of
that team's department (scope ``department``, the whole subtree). What: ``GET /api/v1/customers/``
with ``Authorization: Bearer …``, first page (50 rows), default order (name, id), without a
filter, with a tier filter and with a name search (``q=``). How: in-process through
``django.test.Client`` with ``DEBUG`` off (no query log), 200 timed requests per case after a
warm-up, each followed by the baseline so both see the same cache state.

The baseline is the fastest SQL we could write for the same answer: resolve the scope's teams,
then the page as a merge of index-ordered top-50s (one per team of the scope, through a LATERAL
join, one of the customers the person owns, one of those they collaborate on) and the count as
the sum of the disjoint branches (in the teams; owned outside them; collaborated on, neither).
It reads the columns the page shows (with team, owner and pool names), so both sides fetch the
same rows; ids in order and the count must equal the API's before anything is timed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from bench.common import BenchContext, Result, check_equal, latency_summary

PATH = "/api/v1/customers/"
PAGE_SIZE = 50
REQUESTS = 200
WARMUP = 20
TARGET_MS = 50.0
TARGET_RATIO = 1.5

# The teams whose pools a scope covers (Baton: ``Actor.team_ids`` and ``department_paths``).
TEAM_SCOPE_SQL = """
SELECT coalesce(array_agg(DISTINCT id), '{}') FROM (
    SELECT t.id FROM org_team t WHERE t.lead_id = %(emp)s
    UNION ALL
    SELECT e.team_id FROM org_employee e WHERE e.id = %(emp)s AND e.team_id IS NOT NULL
) s
"""
DEPARTMENT_SCOPE_SQL = """
SELECT coalesce(array_agg(t.id), '{}') FROM org_team t
JOIN org_department d ON d.id = t.department_id
WHERE d.path LIKE ANY (
    SELECT replace(replace(p.path, '_', '\\_'), '%%', '\\%%') || '%%' FROM org_department p
    WHERE p.head_id = %(emp)s OR p.id = (SELECT department_id FROM org_employee WHERE id = %(emp)s)
)
"""
# What the filters of the cases mean (CustomerFilterSet): an exact tier; ``q`` matches the
# normalised name anywhere or the credit code from its start (case-insensitive).
FILTERS = """
    AND (%(tier)s::text IS NULL OR c.tier = %(tier)s)
    AND (%(q)s::text IS NULL OR c.normalized_name LIKE '%%' || %(q)s || '%%'
         OR upper(c.credit_code) LIKE upper(%(q)s) || '%%')
"""
# The filters go where ``/*filters*/`` stands, one placeholder per team where ``/*teams*/`` stands
# (so the planner sees the teams, as it does Baton's): constant text, every value a parameter.
PAGE_SQL = """
SELECT c.id, c.name, c.credit_code, c.region, c.industry, c.tier, c.is_key_account, c.status,
       c.address, c.tags, c.source, c.owned_since, c.last_follow_up_at, c.last_order_at, c.created_at,
       t.id, t.name, o.id, o.employee_no, o.name, p.id, p.name, p.kind
FROM (
    (SELECT x.id, x.name FROM unnest(ARRAY[/*teams*/]::bigint[]) AS s(team)
     CROSS JOIN LATERAL (
         SELECT c.id, c.name FROM customers_customer c
         WHERE c.team_id = s.team /*filters*/ ORDER BY c.name, c.id LIMIT %(limit)s
     ) x ORDER BY x.name, x.id LIMIT %(limit)s)
    UNION
    (SELECT c.id, c.name FROM customers_customer c
     WHERE c.owner_id = %(emp)s /*filters*/ ORDER BY c.name, c.id LIMIT %(limit)s)
    UNION
    (SELECT c.id, c.name FROM customers_customercollaborator cc
     JOIN customers_customer c ON c.id = cc.customer_id
     WHERE cc.employee_id = %(emp)s /*filters*/ ORDER BY c.name, c.id LIMIT %(limit)s)
    ORDER BY 2, 1 LIMIT %(limit)s
) page
JOIN customers_customer c ON c.id = page.id
JOIN customers_pool p ON p.id = c.pool_id
LEFT JOIN org_team t ON t.id = c.team_id
LEFT JOIN org_employee o ON o.id = c.owner_id
ORDER BY c.name, c.id
""".replace("/*filters*/", FILTERS)
# Three disjoint parts: in the scope's teams; owned outside them; collaborated on, neither.
COUNT_SQL = """
SELECT (SELECT count(*) FROM customers_customer c WHERE c.team_id IN (/*teams*/) /*filters*/)
     + (SELECT count(*) FROM customers_customer c
        WHERE c.owner_id = %(emp)s AND (c.team_id IS NULL OR c.team_id NOT IN (/*teams*/)) /*filters*/)
     + (SELECT count(*) FROM customers_customercollaborator cc
        JOIN customers_customer c ON c.id = cc.customer_id
        WHERE cc.employee_id = %(emp)s AND c.owner_id IS DISTINCT FROM %(emp)s
          AND (c.team_id IS NULL OR c.team_id NOT IN (/*teams*/)) /*filters*/)
""".replace("/*filters*/", FILTERS)


@dataclass(frozen=True)
class Case:
    who: str  # "team lead" or "department head"
    scope_sql: str
    label: str  # "default", "filter tier=large", "search q=…"
    params: dict[str, str]


def _search_term(team_id: int) -> str:
    """The two characters that occur most often in the names of the team's customers (a city,
    a trade): what someone narrowing a long list would type."""
    from collections import Counter

    from baton.customers.services.identity import normalize_name

    with connection.cursor() as cur:
        cur.execute("SELECT normalized_name FROM customers_customer WHERE team_id = %s", [team_id])
        names = [row[0] for row in cur.fetchall()]
    bigrams = Counter(name[i : i + 2] for name in names for i in range(len(name) - 1))
    for term, _count in bigrams.most_common():
        if normalize_name(term) == term and "%" not in term and "_" not in term:
            return term
    raise LookupError("B1 needs customer names to search for")


def cases(ctx: BenchContext) -> list[tuple[Any, Case]]:
    term = _search_term(ctx.facts["team"].pk)
    cases = []
    for who, user, scope_sql in (
        ("team lead", ctx.facts["team_lead"], TEAM_SCOPE_SQL),
        ("department head", ctx.facts["department_head"], DEPARTMENT_SCOPE_SQL),
    ):
        for label, params in (
            ("default", {}),
            ("filter tier=large", {"tier": "large"}),
            (f"search q={term}", {"q": term}),
        ):
            cases.append((user, Case(who, scope_sql, label, params)))
    return cases


def baseline(case: Case, employee_id: int) -> tuple[list[int], int]:
    """The page's ids in order and the total, by hand-written SQL."""
    params: dict[str, Any] = {"emp": employee_id, "limit": PAGE_SIZE}
    params["tier"] = case.params.get("tier")
    params["q"] = case.params.get("q")
    with connection.cursor() as cur:
        cur.execute(case.scope_sql, params)
        teams = list(cur.fetchone()[0]) or [None]  # IN (NULL) matches nothing
        params.update({f"t{i}": team for i, team in enumerate(teams)})
        placeholders = ", ".join(f"%(t{i})s" for i in range(len(teams)))
        cur.execute(PAGE_SQL.replace("/*teams*/", placeholders), params)
        ids = [row[0] for row in cur.fetchall()]
        cur.execute(COUNT_SQL.replace("/*teams*/", placeholders), params)
        total = int(cur.fetchone()[0])
    return ids, total


def api_call(client: Client, token: str, params: dict[str, str]) -> Callable[[], tuple[list[int], int]]:
    def call() -> tuple[list[int], int]:
        response = client.get(PATH, params, HTTP_AUTHORIZATION=f"Bearer {token}")
        if response.status_code != 200:
            raise AssertionError(
                f"B1: {PATH} {params} answered {response.status_code}: {response.content[:300]!r}"
            )
        body = response.json()
        return [row["id"] for row in body["results"]], int(body["count"])

    return call


def _timed(func: Callable[[], Any]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def _measure(user: Any, case: Case, client: Client, token: str) -> list[Result]:
    ours_call = api_call(client, token, case.params)
    employee_id = user.employee.pk

    def base_call() -> tuple[list[int], int]:
        return baseline(case, employee_id)

    name = f"B1 {case.who}, {case.label}"
    ours_page, base_page = ours_call(), base_call()
    check_equal(name, ours_page, base_page)
    if not ours_page[0]:
        raise AssertionError(f"{name}: the page is empty, so it measures nothing")
    for _ in range(WARMUP):
        ours_call()
        base_call()
    ours_s: list[float] = []
    base_s: list[float] = []
    load_before = os.getloadavg()[0]
    for _ in range(REQUESTS):  # alternate, so both sides see the same cache and load
        ours_s.append(_timed(ours_call))
        base_s.append(_timed(base_call))
    load = {"before": load_before, "after": os.getloadavg()[0]}  # other work on the machine
    ours, base = latency_summary(ours_s), latency_summary(base_s)
    results = []
    for pct in ("p50", "p95"):
        value, ref = ours[f"{pct}_ms"], base[f"{pct}_ms"]
        results.append(
            Result(
                scenario="B1",
                case=f"{case.who}, {case.label}, {pct}",
                unit="ms",
                ours=round(value, 2),
                baseline=round(ref, 2),
                target=f"≤ {TARGET_MS:g} ms and ≤ {TARGET_RATIO:g}×",
                met=value <= TARGET_MS and value <= TARGET_RATIO * ref,
                note=f"{REQUESTS} requests in-process (test Client, DEBUG off), total {ours_page[1]:,}",
                extra={
                    "ours": ours,
                    "baseline": base,
                    "count": ours_page[1],
                    "params": case.params,
                    "loadavg_1min": load,
                },
            )
        )
    return results


def run(ctx: BenchContext) -> list[Result]:
    from bench.facts import api_token

    results: list[Result] = []
    client = Client(SERVER_NAME="127.0.0.1")
    with override_settings(DEBUG=False):
        tokens: dict[int, str] = {}
        for user, case in cases(ctx):
            token = tokens.setdefault(user.pk, api_token(user))
            results.extend(_measure(user, case, client, token))
    return results
