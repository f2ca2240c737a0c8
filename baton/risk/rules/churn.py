"""Churn rules: signs that a customer is drifting away.

- R2: orders fall month after month;
- R3: two complaints close together;
- R6: a key account's contacts change hands (people added and removed, the main contact gone);
- R7: the customer's health score (stored daily as ``HealthSnapshot``) drops.

Each rule reads the whole company in a fixed number of aggregate queries (the product scans a
million customers); nothing is queried per customer. Months and days are Asia/Shanghai
calendar days. Revenue follows ``baton.offboarding.selectors``: orders by order date,
cancelled orders excluded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.db.models import Count, DecimalField, F, IntegerField, Max, Min, OuterRef, Q, Subquery, Sum, Value
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
CUSTOMER = "customers.customer"
NOTIFY = (OWNER, TEAM_LEAD)


def _month_start(index: int) -> dt.date:
    """The first day of a month counted as ``year * 12 + month - 1``."""
    return dt.date(index // 12, index % 12 + 1, 1)


def _chain(values: Iterable[Any]) -> str:
    return " → ".join(str(v) for v in values)


def _customer_finding(row: dict[str, Any], title: str, details: dict[str, Any]) -> Finding:
    return Finding(
        subject_type=CUSTOMER,
        subject_id=str(row["customer_id"]),
        title=title,
        details=details,
        team_id=row["team_id"],
        owner_id=row["owner_id"],
        notify=NOTIFY,
    )


# --- R2 -----------------------------------------------------------------------------------------


class OrdersFalling(Rule):
    """R2: a customer's orders fall in each of the last ``months`` complete calendar months.

    The window is the ``months`` complete months before the current one, compared with the month
    before them: with three months, m0 > m1 > m2 > m3 in number of orders, or in amount. A
    customer whose first month is below ``min_first_month_amount`` is too small to matter.
    """

    code = "R2"
    title = gettext_lazy("Orders fall month after month")
    description = gettext_lazy(
        "A customer's orders fall in number or in amount in each of the last complete calendar months."
    )
    category = "churn"
    severity = "medium"
    params = (
        Param("months", gettext_lazy("Months falling in a row"), "int", 3, minimum=2, maximum=11),
        Param(
            "min_first_month_amount",
            gettext_lazy("Ignore customers whose first month is below (CNY)"),
            "decimal",
            Decimal("0"),
            minimum=Decimal("0"),
        ),
    )

    def scan(self, *, company: Any, now: dt.datetime, params: dict[str, Any]) -> Iterable[Finding]:
        today = clock.local_date(now)
        current = today.year * 12 + today.month - 1
        months = int(params["months"])
        firsts = [_month_start(current - months - 1 + k) for k in range(months + 2)]  # m0 … m_n, now
        per_month: dict[str, Any] = {}
        for k in range(months + 1):
            inside = Q(order_date__gte=firsts[k], order_date__lt=firsts[k + 1])
            per_month[f"n{k}"] = Count("id", filter=inside)
            per_month[f"a{k}"] = Coalesce(Sum("amount", filter=inside), ZERO)
        fewer = Q()
        less = Q()
        for k in range(months):
            fewer &= Q(**{f"n{k}__gt": F(f"n{k + 1}")})
            less &= Q(**{f"a{k}__gt": F(f"a{k + 1}")})
        rows = (
            Order.objects.filter(
                customer__company=company, order_date__gte=firsts[0], order_date__lt=firsts[-1]
            )
            .exclude(status=OrderStatus.CANCELLED)
            .values("customer_id")
            .annotate(
                name=F("customer__name"),
                owner_id=F("customer__owner_id"),
                team_id=F("customer__team_id"),
                **per_month,
            )
            .filter(fewer | less)
            .order_by("customer_id")
        )
        findings = []
        for row in rows:
            counts = [row[f"n{k}"] for k in range(months + 1)]
            # Amounts are compared again as Decimals (SQLite sums money as floats).
            amounts = [Decimal(row[f"a{k}"]).quantize(Decimal("0.01")) for k in range(months + 1)]
            falling = [
                what
                for what, series in (("orders", counts), ("amount", amounts))
                if all(a > b for a, b in pairwise(series))
            ]
            if not falling or amounts[0] < params["min_first_month_amount"]:
                continue
            labels = [f"{first:%Y-%m}" for first in firsts[:-1]]
            details = {
                "months": [
                    {"month": label, "orders": n, "amount": str(a)}
                    for label, n, a in zip(labels, counts, amounts, strict=True)
                ],
                "falling": falling,
            }
            title = _(
                "%(customer)s ordered less in each of the last %(n)s months: %(counts)s orders, "
                "%(amounts)s CNY (%(from)s to %(to)s)"
            ) % {
                "customer": row["name"],
                "n": months,
                "counts": _chain(counts),
                "amounts": _chain(amounts),
                "from": labels[0],
                "to": labels[-1],
            }
            findings.append(_customer_finding(row, title, details))
        return findings


# --- R3 -----------------------------------------------------------------------------------------


class ComplaintsInARow(Rule):
    """R3: the customer's two latest complaints both fall within ``window_days`` of today.

    Put simply: two or more complaints dated in the last ``window_days`` days (today included).
    Runs daily and at once when a complaint is recorded.
    """

    code = "R3"
    title = gettext_lazy("Complaints in a row")
    description = gettext_lazy("A customer's two latest complaints both lie within the window.")
    category = "churn"
    severity = "medium"
    params = (Param("window_days", gettext_lazy("Window (days)"), "int", 90, minimum=1, maximum=730),)
    events = ("complaint_recorded",)

    def scan(self, *, company: Any, now: dt.datetime, params: dict[str, Any]) -> Iterable[Finding]:
        return self._findings(company=company, now=now, params=params)

    def on_event(
        self, *, company: Any, now: dt.datetime, params: dict[str, Any], event: str, payload: dict[str, Any]
    ) -> Iterable[Finding]:
        return self._findings(company=company, now=now, params=params, customer_id=payload["customer_id"])

    def _findings(
        self, *, company: Any, now: dt.datetime, params: dict[str, Any], customer_id: int | None = None
    ) -> list[Finding]:
        today = clock.local_date(now)
        days = int(params["window_days"])
        since = today - dt.timedelta(days=days)
        complaints = Complaint.objects.filter(
            customer__company=company, occurred_on__gte=since, occurred_on__lte=today
        )
        if customer_id is not None:
            complaints = complaints.filter(customer_id=customer_id)
        rows = (
            complaints.values("customer_id")
            .annotate(
                name=F("customer__name"),
                owner_id=F("customer__owner_id"),
                team_id=F("customer__team_id"),
                n=Count("id"),
                first_on=Min("occurred_on"),
                latest_on=Max("occurred_on"),
            )
            .filter(n__gte=2)
            .order_by("customer_id")
        )
        findings = []
        for row in rows:
            details = {
                "complaints": row["n"],
                "first_on": row["first_on"].isoformat(),
                "latest_on": row["latest_on"].isoformat(),
                "window_days": days,
            }
            title = _("%(customer)s complained %(n)s times in %(days)s days (%(first)s to %(latest)s)") % {
                "customer": row["name"],
                "n": row["n"],
                "days": days,
                "first": details["first_on"],
                "latest": details["latest_on"],
            }
            findings.append(_customer_finding(row, title, details))
        return findings


# --- R6 -----------------------------------------------------------------------------------------


class KeyContactChurn(Rule):
    """R6: a key account's contacts change: ``changes_min`` contacts added or removed within
    ``window_days`` days, or its main contact removed within them.

    A customer's initial contacts (added within a day of the customer) are not changes.
    Runs daily and at once when a contact is added or removed.
    """

    code = "R6"
    title = gettext_lazy("Key account contacts change")
    description = gettext_lazy(
        "Several contacts of a key account are added or removed within a short time, or its main "
        "contact is removed."
    )
    category = "churn"
    severity = "medium"
    params = (
        Param("window_days", gettext_lazy("Window (days)"), "int", 30, minimum=1, maximum=365),
        Param("changes_min", gettext_lazy("Contact changes (at least)"), "int", 2, minimum=1),
    )
    events = ("contact_added", "contact_removed")

    def scan(self, *, company: Any, now: dt.datetime, params: dict[str, Any]) -> Iterable[Finding]:
        return self._findings(company=company, now=now, params=params)

    def on_event(
        self, *, company: Any, now: dt.datetime, params: dict[str, Any], event: str, payload: dict[str, Any]
    ) -> Iterable[Finding]:
        return self._findings(company=company, now=now, params=params, customer_id=payload["customer_id"])

    def _findings(
        self, *, company: Any, now: dt.datetime, params: dict[str, Any], customer_id: int | None = None
    ) -> list[Finding]:
        days = int(params["window_days"])
        since = now - dt.timedelta(days=days)
        added = Q(
            contacts__created_at__gte=since,
            contacts__created_at__lte=now,
            contacts__created_at__gt=F("created_at") + dt.timedelta(days=1),
        )
        removed = Q(contacts__removed_at__gte=since, contacts__removed_at__lte=now)
        customers = Customer.objects.filter(company=company, is_key_account=True)
        if customer_id is not None:
            customers = customers.filter(pk=customer_id)
        rows = (
            customers.filter(added | removed)
            .values("pk", "name", "owner_id", "team_id")
            .annotate(
                added=Count("contacts", filter=added),
                removed=Count("contacts", filter=removed),
                primary_removed=Count("contacts", filter=removed & Q(contacts__is_primary=True)),
            )
            .order_by("pk")
        )
        findings = []
        for row in rows:
            changes = row["added"] + row["removed"]
            if changes < params["changes_min"] and not row["primary_removed"]:
                continue
            details = {
                "added": row["added"],
                "removed": row["removed"],
                "primary_removed": bool(row["primary_removed"]),
                "window_days": days,
            }
            if row["primary_removed"]:
                title = _(
                    "%(customer)s (key account): the main contact was removed; "
                    "%(added)s contacts added and %(removed)s removed in %(days)s days"
                )
            else:
                title = _(
                    "%(customer)s (key account): %(added)s contacts added and %(removed)s removed "
                    "in %(days)s days"
                )
            title %= {"customer": row["name"], "added": row["added"], "removed": row["removed"], "days": days}
            findings.append(_customer_finding({**row, "customer_id": row["pk"]}, title, details))
        return findings


# --- R7 -----------------------------------------------------------------------------------------

RECENCY_POINTS, FREQUENCY_POINTS, TREND_POINTS = Decimal(30), Decimal(20), Decimal(20)
COMPLAINT_POINTS, RECEIVABLE_POINTS = Decimal(15), Decimal(15)
RECENCY_DAYS = 90  # no contact for this long: no recency points
QUARTER_DAYS = 91  # "three months" of the trend
YEAR_DAYS = 365
POINTS_PER_COMPLAINT = 5
SNAPSHOT_BATCH = 2000


def _sub(queryset: Any, expression: Any, default: Any) -> Any:
    """One aggregate per customer as a correlated subquery (no join fan-out, one SQL statement)."""
    rows = queryset.filter(customer_id=OuterRef("pk")).order_by().values("customer_id").annotate(v=expression)
    return Coalesce(Subquery(rows.values("v")[:1]), default)


def _ratio(part: Decimal, whole: Decimal) -> Decimal:
    return min(part / whole, Decimal(1)) if whole else Decimal(0)


def _points(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def health_score(figures: dict[str, Any], *, today: dt.date) -> tuple[int, dict[str, Any]]:
    """A customer's health (0–100) from its figures, and the components (see docs/early-warning.md).

    recency 30 · frequency 20 · trend 20 · complaints 15 · receivables 15.
    """
    touches = [d for d in (figures["last_interaction_on"], figures["last_order_on"]) if d is not None]
    days = (today - max(touches)).days if touches else None
    recency = (
        RECENCY_POINTS * Decimal(max(0, RECENCY_DAYS - max(days, 0))) / RECENCY_DAYS
        if days is not None
        else Decimal(0)
    )
    expected = Decimal(figures["orders_year"]) * 90 / YEAR_DAYS  # orders of an average 90 days
    frequency = FREQUENCY_POINTS * _ratio(Decimal(figures["orders_90"]), expected)
    recent, previous = Decimal(figures["amount_recent"]), Decimal(figures["amount_previous"])
    # No orders in the previous three months: any recent order is growth, none is no trend.
    trend = TREND_POINTS * _ratio(recent, previous) if previous else (TREND_POINTS if recent else Decimal(0))
    complaints = max(Decimal(0), COMPLAINT_POINTS - POINTS_PER_COMPLAINT * figures["complaints_90"])
    overdue = Decimal(figures["overdue"])
    monthly = Decimal(figures["revenue_year"]) / 12
    if not overdue:
        receivables = RECEIVABLE_POINTS
    else:
        receivables = RECEIVABLE_POINTS * (1 - _ratio(overdue, monthly)) if monthly else Decimal(0)
    total = recency + frequency + trend + complaints + receivables
    score = int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    components = {
        "recency": _points(recency),
        "days_since_contact": days,
        "frequency": _points(frequency),
        "orders_90": figures["orders_90"],
        "orders_year": figures["orders_year"],
        "trend": _points(trend),
        "amount_recent": str(recent),
        "amount_previous": str(previous),
        "complaints": _points(complaints),
        "complaints_90": figures["complaints_90"],
        "receivables": _points(receivables),
        "overdue": str(overdue),
    }
    return score, components


def health_figures(*, company: Any, now: dt.datetime, compare_days: int) -> Iterator[dict[str, Any]]:
    """Per customer of the company, in one streamed query: what the health score is made of, and
    the oldest stored score of the last ``compare_days`` days (``before_score``/``before_day``)."""
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
            orders_90=_sub(orders.filter(order_date__gt=today - dt.timedelta(days=90)), count, 0),
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
                    occurred_on__gt=today - dt.timedelta(days=90), occurred_on__lte=today
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

    def scan(self, *, company: Any, now: dt.datetime, params: dict[str, Any]) -> Iterable[Finding]:
        today = clock.local_date(now)
        days = int(params["days"])
        findings: list[Finding] = []
        batch: list[HealthSnapshot] = []
        with transaction.atomic():
            for row in health_figures(company=company, now=now, compare_days=days):
                row["last_interaction_on"] = (
                    clock.local_date(row["last_interaction_at"]) if row["last_interaction_at"] else None
                )
                score, components = health_score(row, today=today)
                batch.append(
                    HealthSnapshot(customer_id=row["pk"], day=today, score=score, components=components)
                )
                if len(batch) >= SNAPSHOT_BATCH:
                    _store(batch)
                    batch = []
                before = row["before_score"]
                if before is not None and before - score >= params["drop_points"]:
                    findings.append(self._finding(row, before, score, components))
            _store(batch)
        return findings

    def _finding(self, row: dict[str, Any], before: int, score: int, components: dict[str, Any]) -> Finding:
        details = {
            "score": score,
            "before_score": before,
            "before_day": row["before_day"].isoformat(),
            "drop": before - score,
            "components": components,
        }
        title = _("%(customer)s: health score fell from %(before)s to %(score)s since %(day)s") % {
            "customer": row["name"],
            "before": before,
            "score": score,
            "day": details["before_day"],
        }
        return _customer_finding({**row, "customer_id": row["pk"]}, title, details)


def _store(batch: list[HealthSnapshot]) -> None:
    if batch:
        HealthSnapshot.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["customer", "day"],
            update_fields=["score", "components"],
        )
