"""The concentration report's per-owner figures in one set-based statement.

Per customer owner in the company (or in the viewer's scope): customers, key customers,
customers served by their owner alone, customers lagging their follow-up, and revenue of the
report's window; plus the company's revenue over the same window. One pass over each table,
grouped, whatever the number of customers — no lookup per customer:

- *served by one person*: the interactions of the window are grouped per customer into the
  smallest and the largest id of the employees who logged them; the customer was served by its
  owner alone when both are the owner's id (interactions without an employee do not count);
- *lagging*: each (pool, tier) has its cutoff — the quarter's end (or now) minus the pool's
  follow-up days for the tier — computed here and joined as a small table of values;
- revenue per owner, with the customers nobody owns (the public pool) in the company's total.

Plain SQL that PostgreSQL and SQLite both run; dates and times go through Django's adapters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import QuerySet

from baton.core.db_router import read_alias
from baton.customers.models import Customer, Interaction, Order, OrderStatus, Pool, PoolTierRule, Tier
from baton.org.models import Employee
from baton.risk.batch import batch_settings, shares_the_database

_STATEMENT = """
WITH talked AS MATERIALIZED (  -- once, not again in each parallel worker of the join below
    SELECT customer_id, min(employee_id) AS first_id, max(employee_id) AS last_id
    FROM {interaction}
    WHERE occurred_at >= %s AND occurred_at < %s AND employee_id IS NOT NULL {own_customers}
    GROUP BY customer_id
), limits (pool_id, tier, cutoff) AS (
    {limits}
), owners AS (
    SELECT c.owner_id,
           count(*) AS customers,
           sum(CASE WHEN c.is_key_account THEN 1 ELSE 0 END) AS key_customers,
           sum(CASE WHEN t.first_id = c.owner_id AND t.last_id = c.owner_id THEN 1 ELSE 0 END)
               AS single_served,
           sum(CASE WHEN coalesce(c.last_follow_up_at, c.owned_since, c.created_at) < l.cutoff
                    THEN 1 ELSE 0 END) AS lagging
    FROM {customer} c
    LEFT JOIN talked t ON t.customer_id = c.id
    LEFT JOIN limits l ON l.pool_id = c.pool_id AND l.tier = c.tier
    WHERE c.company_id = %s AND c.owner_id IS NOT NULL {scope}
    GROUP BY c.owner_id
), revenue AS (
    SELECT c.owner_id, sum(o.amount) AS revenue
    FROM {order} o JOIN {customer} c ON c.id = o.customer_id
    WHERE c.company_id = %s AND o.order_date >= %s AND o.order_date <= %s AND o.status <> %s
    GROUP BY c.owner_id
)
SELECT n.owner_id, n.customers, n.key_customers, n.single_served, n.lagging, r.revenue
FROM owners n LEFT JOIN revenue r ON r.owner_id = n.owner_id
UNION ALL
SELECT NULL, 0, 0, 0, 0, sum(revenue) FROM revenue
"""

# Only with other companies in the database (``baton.risk.batch.shares_the_database``).
_OWN_CUSTOMERS = "AND customer_id IN (SELECT id FROM {customer} WHERE company_id = %s)"


@dataclass(frozen=True)
class OwnerFigures:
    """One owner's figures of the report."""

    customers: int
    key_customers: int
    single_served: int
    lagging: int
    revenue: Decimal


def _decimal(value: Any) -> Decimal:
    """A sum of money as a Decimal (SQLite sums money as floats; its text keeps the fen exact)."""
    return Decimal(str(value)) if value is not None else Decimal(0)


def _limits(*, company_id: int, as_of: dt.datetime) -> list[tuple[int, str, dt.datetime]]:
    """(pool, tier, cutoff): a customer of that pool and tier followed up before the cutoff is
    lagging. The pool's follow-up days, unless a tier rule of the pool says otherwise."""
    pools = dict(Pool.objects.filter(company_id=company_id).values_list("pk", "follow_up_days"))
    overrides = {
        (pool_id, tier): days
        for pool_id, tier, days in PoolTierRule.objects.filter(pool__company_id=company_id).values_list(
            "pool_id", "tier", "follow_up_days"
        )
    }
    return [
        (pool_id, tier, as_of - dt.timedelta(days=overrides.get((pool_id, tier), days)))
        for pool_id, days in sorted(pools.items())
        for tier in Tier.values
    ]


def owner_figures(
    *,
    company_id: int,
    window: tuple[dt.datetime, dt.datetime],
    days: tuple[dt.date, dt.date],
    as_of: dt.datetime,
    employees: QuerySet[Employee] | None = None,
) -> tuple[dict[int, OwnerFigures], Decimal]:
    """Figures per owner of the company's customers (only owners among ``employees`` when
    given), and the company's revenue. ``window`` bounds the interactions (from, to: exclusive),
    ``days`` the order dates (first, last: inclusive). Four queries: the pools, their tier
    rules, whether other companies share the database, the statement."""
    alias = read_alias()  # the replica inside replica_reads(), if there is one
    ops = connections[alias].ops
    limits = _limits(company_id=company_id, as_of=as_of)
    limit_params: list[Any] = []
    for pool_id, tier, cutoff in limits:
        limit_params += [pool_id, tier, ops.adapt_datetimefield_value(cutoff)]
    limit_sql = "VALUES " + ", ".join(["(%s, %s, %s)"] * len(limits))
    if not limits:  # no pools (so no customers): one row that matches nothing keeps the types
        limit_sql = "VALUES (CAST(NULL AS BIGINT), '', %s)"
        limit_params = [ops.adapt_datetimefield_value(as_of)]
    scope_sql, scope_params = "", []
    if employees is not None:
        try:
            sub_sql, sub_params = employees.order_by().values("pk").query.sql_with_params()
            scope_sql, scope_params = f"AND c.owner_id IN ({sub_sql})", list(sub_params)
        except EmptyResultSet:  # a scope that can match nobody (no employee record, say)
            scope_sql = "AND 1 = 0"
    tables = {
        "customer": Customer._meta.db_table,
        "interaction": Interaction._meta.db_table,
        "order": Order._meta.db_table,
    }
    quoted = {name: ops.quote_name(table) for name, table in tables.items()}
    own_sql, own_params = "", []
    if shares_the_database(company_id):
        own_sql, own_params = _OWN_CUSTOMERS.format(**quoted), [company_id]
    statement = _STATEMENT.format(limits=limit_sql, scope=scope_sql, own_customers=own_sql, **quoted)
    params = [
        ops.adapt_datetimefield_value(window[0]),
        ops.adapt_datetimefield_value(window[1]),
        *own_params,
        *limit_params,
        company_id,
        *scope_params,
        company_id,
        ops.adapt_datefield_value(days[0]),
        ops.adapt_datefield_value(days[1]),
        OrderStatus.CANCELLED.value,
    ]
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        batch_settings(cursor)
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    figures: dict[int, OwnerFigures] = {}
    company_revenue = Decimal(0)
    for owner_id, customers, key_customers, single_served, lagging, revenue in rows:
        if owner_id is None:
            company_revenue = _decimal(revenue)
            continue
        figures[owner_id] = OwnerFigures(
            customers=int(customers),
            key_customers=int(key_customers or 0),
            single_served=int(single_served or 0),
            lagging=int(lagging or 0),
            revenue=_decimal(revenue),
        )
    return figures, company_revenue
