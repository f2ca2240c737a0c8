"""Concentration: too much of the company's revenue rests on one person or one team.

Revenue is the departure-impact figure (``baton.offboarding.selectors``): the last 12 months by
order date, cancelled orders excluded, credited to the customer's current owner and team.
Three queries per company: the total, one aggregate per employee, one per team.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baton.customers.models import Order, OrderStatus
from baton.offboarding.selectors import company_revenue, window_start
from baton.risk.rules.base import MANAGEMENT, Finding, Param, Rule

HUNDRED = Decimal("100")
SHARE_PLACES = Decimal("0.0001")  # as departure_impact rounds the share


def _figures(row: dict[str, Any], total: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """Revenue (to the fen), share (to 0.0001, as departure_impact) and the share in percent."""
    revenue = Decimal(row["revenue"]).quantize(Decimal("0.01"))
    share = (revenue / total).quantize(SHARE_PLACES)
    return revenue, share, (share * HUNDRED).quantize(Decimal("0.01"))


class RevenueConcentration(Rule):
    """R4: one employee's customers bring ``employee_share`` % or more of the company's revenue of
    the last 12 months, or one team's customers ``team_share`` % or more."""

    code = "R4"
    title = gettext_lazy("Revenue concentrated on one person or team")
    description = gettext_lazy(
        "The customers of one employee or one team bring a large share of the company's revenue "
        "of the last 12 months."
    )
    category = "concentration"
    severity = "high"
    params = (
        Param(
            "employee_share",
            gettext_lazy("Share of one employee (%)"),
            "decimal",
            Decimal("10"),
            minimum=Decimal("0"),
            maximum=HUNDRED,
        ),
        Param(
            "team_share",
            gettext_lazy("Share of one team (%)"),
            "decimal",
            Decimal("40"),
            minimum=Decimal("0"),
            maximum=HUNDRED,
        ),
    )

    def scan(self, *, company: Any, now: dt.datetime, params: dict[str, Any]) -> Iterable[Finding]:
        since = window_start(now)
        total = company_revenue(company_id=company.pk, since=since).quantize(Decimal("0.01"))
        if not total:
            return []
        orders = Order.objects.filter(customer__company=company, order_date__gte=since).exclude(
            status=OrderStatus.CANCELLED
        )
        common = {"since": since.isoformat(), "company_revenue_12m": str(total)}
        people = (
            orders.filter(customer__owner__isnull=False)
            .values("customer__owner_id")
            .annotate(
                name=F("customer__owner__name"),
                no=F("customer__owner__employee_no"),
                team_id=F("customer__owner__team_id"),
                revenue=Sum("amount"),
                customers=Count("customer_id", distinct=True),
            )
            .order_by("customer__owner_id")
        )
        teams = (
            orders.filter(customer__team__isnull=False)
            .values("customer__team_id")
            .annotate(
                name=F("customer__team__name"),
                team_id=F("customer__team_id"),
                revenue=Sum("amount"),
                customers=Count("customer_id", distinct=True),
            )
            .order_by("customer__team_id")
        )
        findings = []
        for row in people:
            title = _(
                "%(name)s (%(no)s): their %(customers)s customers bring %(percent)s%% of the company's "
                "revenue of the last 12 months (%(revenue)s of %(total)s CNY)"
            )
            finding = _finding(row, total, params["employee_share"], title, common, "org.employee")
            if finding is not None:
                finding.owner_id = row["customer__owner_id"]
                findings.append(finding)
        for row in teams:
            title = _(
                "%(name)s: its %(customers)s customers bring %(percent)s%% of the company's revenue "
                "of the last 12 months (%(revenue)s of %(total)s CNY)"
            )
            finding = _finding(row, total, params["team_share"], title, common, "org.team")
            if finding is not None:
                findings.append(finding)
        return findings


def _finding(
    row: dict[str, Any], total: Decimal, line: Decimal, title: str, common: dict[str, Any], subject: str
) -> Finding | None:
    """The finding for one employee's or team's revenue row, when it reaches ``line`` percent."""
    revenue, share, percent = _figures(row, total)
    if percent < line:
        return None
    subject_id = row["customer__owner_id"] if subject == "org.employee" else row["customer__team_id"]
    return Finding(
        subject_type=subject,
        subject_id=str(subject_id),
        title=title
        % {
            "name": row["name"],
            "no": row.get("no", ""),
            "customers": row["customers"],
            "percent": percent,
            "revenue": revenue,
            "total": total,
        },
        details={**common, "revenue_12m": str(revenue), "share": str(share), "customers": row["customers"]},
        team_id=row["team_id"],
        notify=(MANAGEMENT,),
    )
