"""R7 on PostgreSQL: every customer's health score of the day in one set-based statement.

The statement aggregates orders, interactions, complaints and receivables per customer (one
pass over each table, not one lookup per customer), computes the five parts and the score as
``baton.risk.rules.health.health_score`` defines them — each part exactly, with a 30-place
division, rounded half up to 0.0001 point; the score their sum rounded half up — upserts
today's ``HealthSnapshot`` of every customer of the company, and returns only the customers
whose score fell by ``drop`` points or more against the oldest snapshot of the last ``days``
days. Nothing else travels to Python: a million customers cost one statement.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connection, transaction

from baton.core import clock
from baton.customers.models import (
    Complaint,
    Customer,
    Interaction,
    Order,
    OrderStatus,
    Receivable,
    ReceivableStatus,
)
from baton.risk.batch import batch_settings, shares_the_database
from baton.risk.models import HealthSnapshot
from baton.risk.rules.health import (
    COMPLAINT_DAYS,
    FREQUENCY_DAYS,
    QUARTER_DAYS,
    YEAR_DAYS,
)

# The parts, as SQL over the figures of one customer: health_score's definitions and constants
# (tests/test_rules_health.py holds both to the same scores on random customers).
_PARTS = """
    CASE WHEN days IS NULL THEN 0
         ELSE round((30 * greatest(0, 90 - greatest(days, 0)))::numeric(48, 30) / 90, 4) END AS recency,
    CASE WHEN orders_year = 0 THEN 0
         ELSE round(least(20, (20 * 365 * orders_90)::numeric(48, 30) / (90 * orders_year)), 4)
    END AS frequency,
    CASE WHEN amount_previous <> 0
             THEN round(least(20, (20 * amount_recent)::numeric(48, 30) / amount_previous), 4)
         WHEN amount_recent <> 0 THEN 20 ELSE 0 END AS trend,
    greatest(0, 15 - 5 * complaints_90) AS complaints,
    CASE WHEN overdue = 0 THEN 15 WHEN revenue_year = 0 THEN 0
         ELSE round(15 - least(15, (15 * 12 * overdue)::numeric(48, 30) / revenue_year), 4)
    END AS receivables
"""

_STATEMENT = """
WITH orders AS (
    SELECT customer_id,
           max(order_date) AS last_order_on,
           count(*) FILTER (WHERE order_date > %(frequency_from)s) AS orders_90,
           count(*) FILTER (WHERE order_date > %(year_from)s) AS orders_year,
           sum(amount) FILTER (WHERE order_date > %(year_from)s) AS revenue_year,
           sum(amount) FILTER (WHERE order_date > %(recent_from)s) AS amount_recent,
           sum(amount) FILTER (WHERE order_date > %(previous_from)s AND order_date <= %(recent_from)s)
               AS amount_previous
    FROM {order}
    WHERE status <> %(cancelled)s AND order_date <= %(today)s {own_customers}
    GROUP BY customer_id
), complaints AS (
    SELECT customer_id, count(*) AS complaints_90
    FROM {complaint}
    WHERE occurred_on > %(complaints_from)s AND occurred_on <= %(today)s
    GROUP BY customer_id
), receivables AS (
    SELECT customer_id, sum(amount - paid_amount) AS overdue
    FROM {receivable}
    WHERE status = %(open)s AND due_on < %(today)s
    GROUP BY customer_id
), figures AS (
    SELECT c.id,
           %(today)s::date - greatest((i.last_at AT TIME ZONE %(zone)s)::date, o.last_order_on) AS days,
           coalesce(o.orders_90, 0) AS orders_90,
           coalesce(o.orders_year, 0) AS orders_year,
           coalesce(o.revenue_year, 0) AS revenue_year,
           coalesce(o.amount_recent, 0) AS amount_recent,
           coalesce(o.amount_previous, 0) AS amount_previous,
           coalesce(k.complaints_90, 0) AS complaints_90,
           coalesce(r.overdue, 0) AS overdue
    FROM {customer} c
    LEFT JOIN orders o ON o.customer_id = c.id
    LEFT JOIN complaints k ON k.customer_id = c.id
    LEFT JOIN receivables r ON r.customer_id = c.id
    -- the latest interaction: one backward step in the (customer, occurred_at) index
    CROSS JOIN LATERAL (
        SELECT max(occurred_at) AS last_at FROM {interaction}
        WHERE customer_id = c.id AND occurred_at <= %(now)s
    ) i
    WHERE c.company_id = %(company)s
), parts AS (
    SELECT figures.*, {parts} FROM figures
), scored AS (
    SELECT p.id,
           round(p.recency + p.frequency + p.trend + p.complaints + p.receivables)::int AS score,
           (SELECT to_jsonb(components) FROM (
               SELECT round(p.recency, 1)::text AS recency,
                      p.days AS days_since_contact,
                      round(p.frequency, 1)::text AS frequency,
                      p.orders_90,
                      p.orders_year,
                      round(p.trend, 1)::text AS trend,
                      round(p.amount_recent, 2)::text AS amount_recent,
                      round(p.amount_previous, 2)::text AS amount_previous,
                      round(p.complaints, 1)::text AS complaints,
                      p.complaints_90,
                      round(p.receivables, 1)::text AS receivables,
                      round(p.overdue, 2)::text AS overdue
           ) AS components) AS components
    FROM parts p
), stored AS (
    INSERT INTO {snapshot} AS h (customer_id, day, score, components)
    SELECT id, %(today)s, score, components FROM scored
    ON CONFLICT (customer_id, day) DO UPDATE SET score = EXCLUDED.score, components = EXCLUDED.components
    -- a second scan the same day rewrites only the snapshots that changed
    WHERE (h.score, h.components) IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.components)
), drops AS MATERIALIZED (  -- the few whose score fell, before anything is joined to them
    SELECT s.id, s.score, s.components, b.score AS before_score, b.day AS before_day
    FROM scored s
    CROSS JOIN LATERAL (
        SELECT h.score, h.day FROM {snapshot} h
        WHERE h.customer_id = s.id AND h.day >= %(compare_from)s AND h.day < %(today)s
        ORDER BY h.day
        LIMIT 1
    ) b
    WHERE b.score - s.score >= %(drop)s
)
SELECT d.id, c.name, c.owner_id, c.team_id, d.score, d.components, d.before_score, d.before_day
FROM drops d JOIN {customer} c ON c.id = d.id
ORDER BY d.id
"""

# Only with other companies in the database (``baton.risk.batch.shares_the_database``).
_OWN_CUSTOMERS = "AND customer_id IN (SELECT id FROM {customer} WHERE company_id = %(company)s)"


def _statement(*, alone: bool) -> str:
    """The statement, with the orders' aggregate kept to the company's customers unless the
    company is alone in the database (``baton.risk.batch.shares_the_database``)."""
    tables = {
        "customer": Customer._meta.db_table,
        "order": Order._meta.db_table,
        "interaction": Interaction._meta.db_table,
        "complaint": Complaint._meta.db_table,
        "receivable": Receivable._meta.db_table,
        "snapshot": HealthSnapshot._meta.db_table,
    }
    quoted = {name: connection.ops.quote_name(table) for name, table in tables.items()}
    own = "" if alone else _OWN_CUSTOMERS.format(**quoted)
    return _STATEMENT.format(parts=_PARTS, own_customers=own, **quoted)


def health_drops(*, company_id: int, now: dt.datetime, days: int, drop: int) -> list[dict[str, Any]]:
    """Score and store every customer of the company in one statement; return the customers
    whose score fell by ``drop`` or more (with ``score``, ``components``, ``before_score``,
    ``before_day``), by id."""
    today = clock.local_date(now)
    recent_from = today - dt.timedelta(days=QUARTER_DAYS)
    params: dict[str, Any] = {
        "company": company_id,
        "now": now,
        "today": today,
        "zone": clock.SHANGHAI_NAME,
        "cancelled": OrderStatus.CANCELLED.value,
        "open": ReceivableStatus.OPEN.value,
        "frequency_from": today - dt.timedelta(days=FREQUENCY_DAYS),
        "year_from": today - dt.timedelta(days=YEAR_DAYS),
        "recent_from": recent_from,
        "previous_from": recent_from - dt.timedelta(days=QUARTER_DAYS),
        "complaints_from": today - dt.timedelta(days=COMPLAINT_DAYS),
        "compare_from": today - dt.timedelta(days=days),
        "drop": drop,
    }
    statement = _statement(alone=not shares_the_database(company_id))
    with transaction.atomic(), connection.cursor() as cursor:
        batch_settings(cursor)
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    return [
        {
            "pk": pk,
            "name": name,
            "owner_id": owner_id,
            "team_id": team_id,
            "score": score,
            "components": json.loads(components) if isinstance(components, str) else components,
            "before_score": before_score,
            "before_day": before_day,
        }
        for pk, name, owner_id, team_id, score, components, before_score, before_day in rows
    ]
