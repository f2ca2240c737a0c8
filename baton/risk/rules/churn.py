"""Churn rules: signs that a customer is drifting away.

- R2: orders fall month after month;
- R3: two complaints close together;
- R6: a key account's contacts change hands (people added and removed, the main contact gone).

R7, the customer's health score (stored daily as ``HealthSnapshot``) dropping, lives in
``baton.risk.rules.health``.

Each rule reads the whole company in a fixed number of aggregate queries (the product scans a
million customers); nothing is queried per customer. Months and days are Asia/Shanghai
calendar days. Revenue follows ``baton.offboarding.selectors``: orders by order date,
cancelled orders excluded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.db.models import Count, DecimalField, F, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baton.core import clock
from baton.customers.models import (
    Complaint,
    Customer,
    Order,
    OrderStatus,
)
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
