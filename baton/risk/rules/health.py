"""R7: the customer's health score, stored every day, and the alert when it drops.

The score (0–100) is the sum of five parts (docs/early-warning.md): recency 30, frequency 20,
trend 20, complaints 15, receivables 15. Each part is computed exactly and rounded half up to
0.0001 point; the score is their sum rounded half up to a whole point. Rounding each part at a
fixed place makes the score the same wherever it is computed: ``health_score`` below (Python,
exact fractions) and the PostgreSQL statement of ``baton.risk.rules.health_sql`` (numeric
arithmetic) give identical scores and components for every customer.

The daily scan stores today's score of every customer of the company (``HealthSnapshot``, one
per customer and day, overwritten by a second scan that day) and compares it with the oldest
stored score of the last ``days`` days. On PostgreSQL that is one set-based statement for the
whole company (aggregates, scores, the upsert of every snapshot, and only the drops come back);
elsewhere (SQLite in development and tests) one streamed query of correlated aggregates with
the score computed here and the snapshots written in batches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, DecimalField, F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
from baton.risk.models import HealthSnapshot
from baton.risk.rules.base import OWNER, TEAM_LEAD, Finding, Param, Rule

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))
RECENCY_POINTS, FREQUENCY_POINTS, TREND_POINTS = 30, 20, 20
COMPLAINT_POINTS, RECEIVABLE_POINTS = 15, 15
RECENCY_DAYS = 90  # no contact for this long: no recency points
FREQUENCY_DAYS = 90  # orders of the last 90 days against the customer's usual 90 days
QUARTER_DAYS = 91  # "three months" of the trend
YEAR_DAYS = 365
COMPLAINT_DAYS = 90
POINTS_PER_COMPLAINT = 5
PART_PLACES = 4  # each part to 0.0001 point
SNAPSHOT_BATCH = 2000
CENT = Decimal("0.01")


def _part(value: Fraction) -> Decimal:
    """A part of the score to 0.0001 point, rounded half up (away from zero)."""
    whole = int(abs(value) * 10**PART_PLACES + Fraction(1, 2))
    return Decimal(whole if value >= 0 else -whole).scaleb(-PART_PLACES)


def _money(value: Any) -> Decimal:
    """An amount to the fen (SQLite sums money as floats)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _points(part: Decimal) -> str:
    return str(part.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def health_score(figures: dict[str, Any], *, today: dt.date) -> tuple[int, dict[str, Any]]:
    """A customer's health (0–100) from its figures, and the components (see docs/early-warning.md).

    recency 30 · frequency 20 · trend 20 · complaints 15 · receivables 15.
    """
    touches = [d for d in (figures["last_interaction_on"], figures["last_order_on"]) if d is not None]
    days = (today - max(touches)).days if touches else None
    recency = (
        RECENCY_POINTS * Fraction(max(0, RECENCY_DAYS - max(days, 0)), RECENCY_DAYS)
        if days is not None
        else 0
    )
    orders_90, orders_year = figures["orders_90"], figures["orders_year"]
    usual = Fraction(orders_year * FREQUENCY_DAYS, YEAR_DAYS)  # orders of an average 90 days
    frequency = FREQUENCY_POINTS * min(orders_90 / usual, Fraction(1)) if usual else 0
    recent, previous = _money(figures["amount_recent"]), _money(figures["amount_previous"])
    # No orders in the previous three months: any recent order is growth, none is no trend.
    if previous:
        trend = TREND_POINTS * min(Fraction(recent) / Fraction(previous), Fraction(1))
    else:
        trend = Fraction(TREND_POINTS if recent else 0)
    complaints = max(0, COMPLAINT_POINTS - POINTS_PER_COMPLAINT * figures["complaints_90"])
    overdue, revenue_year = _money(figures["overdue"]), _money(figures["revenue_year"])
    if not overdue:
        receivables = Fraction(RECEIVABLE_POINTS)
    elif revenue_year:
        monthly = Fraction(revenue_year) / 12
        receivables = RECEIVABLE_POINTS * (1 - min(Fraction(overdue) / monthly, Fraction(1)))
    else:
        receivables = Fraction(0)
    parts = {
        name: _part(Fraction(value))
        for name, value in (
            ("recency", recency),
            ("frequency", frequency),
            ("trend", trend),
            ("complaints", complaints),
            ("receivables", receivables),
        )
    }
    score = int(sum(parts.values(), Decimal(0)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    components = {
        "recency": _points(parts["recency"]),
        "days_since_contact": days,
        "frequency": _points(parts["frequency"]),
        "orders_90": orders_90,
        "orders_year": orders_year,
        "trend": _points(parts["trend"]),
        "amount_recent": str(recent),
        "amount_previous": str(previous),
        "complaints": _points(parts["complaints"]),
        "complaints_90": figures["complaints_90"],
        "receivables": _points(parts["receivables"]),
        "overdue": str(overdue),
    }
    return score, components


def _sub(queryset: Any, expression: Any, default: Any) -> Any:
    """One aggregate per customer as a correlated subquery (no join fan-out, one SQL statement)."""
    rows = queryset.filter(customer_id=OuterRef("pk")).order_by().values("customer_id").annotate(v=expression)
    return Coalesce(Subquery(rows.values("v")[:1]), default)


def health_figures(*, company: Any, now: dt.datetime, compare_days: int) -> Iterator[dict[str, Any]]:
    """Per customer of the company, in one streamed query: what the health score is made of, and
    the oldest stored score of the last ``compare_days`` days (``before_score``/``before_day``).
    The portable way, for databases other than PostgreSQL."""
    today = clock.local_date(now)
    orders = Order.objects.exclude(status=OrderStatus.CANCELLED).filter(order_date__lte=today)
    year = orders.filter(order_date__gt=today - dt.timedelta(days=YEAR_DAYS))
    recent_start = today - dt.timedelta(days=QUARTER_DAYS)
    previous_start = recent_start - dt.timedelta(days=QUARTER_DAYS)
    count = Count("id")
    before = HealthSnapshot.objects.filter(
        customer_id=OuterRef("pk"), day__gte=today - dt.timedelta(days=compare_days), day__lt=today
    ).order_by("day")
    return (
        Customer.objects.filter(company=company)
        .annotate(
            last_interaction_at=Subquery(
                Interaction.objects.filter(customer_id=OuterRef("pk"), occurred_at__lte=now)
                .order_by("-occurred_at")
                .values("occurred_at")[:1]
            ),
            last_order_on=Subquery(
                orders.filter(customer_id=OuterRef("pk")).order_by("-order_date").values("order_date")[:1]
            ),
            orders_90=_sub(orders.filter(order_date__gt=today - dt.timedelta(days=FREQUENCY_DAYS)), count, 0),
            orders_year=_sub(year, count, 0),
            revenue_year=_sub(year, Sum("amount"), ZERO),
            amount_recent=_sub(orders.filter(order_date__gt=recent_start), Sum("amount"), ZERO),
            amount_previous=_sub(
                orders.filter(order_date__gt=previous_start, order_date__lte=recent_start),
                Sum("amount"),
                ZERO,
            ),
            complaints_90=_sub(
                Complaint.objects.filter(
                    occurred_on__gt=today - dt.timedelta(days=COMPLAINT_DAYS), occurred_on__lte=today
                ),
                count,
                0,
            ),
            overdue=_sub(
                Receivable.objects.filter(status=ReceivableStatus.OPEN, due_on__lt=today),
                Sum(F("amount") - F("paid_amount")),
                ZERO,
            ),
            before_score=Subquery(before.values("score")[:1], output_field=IntegerField()),
            before_day=Subquery(before.values("day")[:1]),
        )
        .values(
            "pk",
            "name",
            "owner_id",
            "team_id",
            "last_interaction_at",
            "last_order_on",
            "orders_90",
            "orders_year",
            "revenue_year",
            "amount_recent",
            "amount_previous",
            "complaints_90",
            "overdue",
            "before_score",
            "before_day",
        )
        .order_by("pk")
        .iterator(chunk_size=SNAPSHOT_BATCH)
    )


def _store(batch: list[HealthSnapshot]) -> None:
    if batch:
        HealthSnapshot.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["customer", "day"],
            update_fields=["score", "components"],
        )


def health_drops_portable(*, company: Any, now: dt.datetime, days: int, drop: int) -> list[dict[str, Any]]:
    """Score and store every customer of the company in Python; return the customers whose score
    fell by ``drop`` or more (with ``score``, ``components``, ``before_score``, ``before_day``)."""
    today = clock.local_date(now)
    drops: list[dict[str, Any]] = []
    batch: list[HealthSnapshot] = []
    with transaction.atomic():
        for row in health_figures(company=company, now=now, compare_days=days):
            row["last_interaction_on"] = (
                clock.local_date(row["last_interaction_at"]) if row["last_interaction_at"] else None
            )
            score, components = health_score(row, today=today)
            batch.append(HealthSnapshot(customer_id=row["pk"], day=today, score=score, components=components))
            if len(batch) >= SNAPSHOT_BATCH:
                _store(batch)
                batch = []
            before = row["before_score"]
            if before is not None and before - score >= drop:
                drops.append({**row, "score": score, "components": components})
        _store(batch)
    return drops


class HealthScoreDrop(Rule):
    """R7: the customer's health score falls by ``drop_points`` or more within ``days`` days.

    The daily scan stores today's score of every customer (``HealthSnapshot``, one per customer
    and day: a second scan on the same day overwrites it) and compares it with the oldest
    stored score of the last ``days`` days. Unlike the other rules, this one writes: the
    snapshots are the memory the comparison needs.
    """

    code = "R7"
    title = gettext_lazy("Customer health drops")
    description = gettext_lazy(
        "A customer's health score (recency, frequency, order trend, complaints, overdue money) "
        "falls sharply within a month."
    )
    category = "churn"
    severity = "medium"
    params = (
        Param("drop_points", gettext_lazy("Drop in points (at least)"), "int", 20, minimum=1, maximum=100),
        Param(
            "days", gettext_lazy("Compared with the score of (days ago)"), "int", 30, minimum=1, maximum=365
        ),
    )

    def scan(self, *, company: Any, now: dt.datetime, params: dict[str, Any]) -> list[Finding]:
        days, drop = int(params["days"]), int(params["drop_points"])
        if connection.vendor == "postgresql":
            from baton.risk.rules.health_sql import health_drops

            rows = health_drops(company_id=company.pk, now=now, days=days, drop=drop)
        else:
            rows = health_drops_portable(company=company, now=now, days=days, drop=drop)
        return [self._finding(row) for row in rows]

    def _finding(self, row: dict[str, Any]) -> Finding:
        before, score = row["before_score"], row["score"]
        details = {
            "score": score,
            "before_score": before,
            "before_day": row["before_day"].isoformat(),
            "drop": before - score,
            "components": row["components"],
        }
        title = _("%(customer)s: health score fell from %(before)s to %(score)s since %(day)s") % {
            "customer": row["name"],
            "before": before,
            "score": score,
            "day": details["before_day"],
        }
        return Finding(
            subject_type="customers.customer",
            subject_id=str(row["pk"]),
            title=title,
            details=details,
            team_id=row["team_id"],
            owner_id=row["owner_id"],
            notify=(OWNER, TEAM_LEAD),
        )
