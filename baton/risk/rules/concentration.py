"""Concentration: too much of the company's revenue rests on one person or one team.

Revenue is the departure-impact figure (``baton.offboarding.selectors``): the last 12 months by
order date, cancelled orders excluded, credited to the customer's current owner and team.
One aggregate query per company (revenue per owner and team of the customers), plus the names
of the people and teams above the line when there are any.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baton.customers.models import Order, OrderStatus
from baton.offboarding.selectors import window_start
from baton.org.models import Employee, Team
from baton.risk.rules.base import MANAGEMENT, Finding, Param, Rule

HUNDRED = Decimal("100")
SHARE_PLACES = Decimal("0.0001")  # as departure_impact rounds the share
CENT = Decimal("0.01")


def _figures(revenue: Decimal, total: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """Revenue (to the fen), share (to 0.0001, as departure_impact) and the share in percent."""
    revenue = revenue.quantize(CENT)
    share = (revenue / total).quantize(SHARE_PLACES)
    return revenue, share, (share * HUNDRED).quantize(CENT)


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
        # One pass over the orders: revenue and customers per (owner, team) of the customer. A
        # customer has one owner and one team, so the company, each person and each team are
        # sums of these groups (distinct customers included).
        groups = list(
            Order.objects.filter(customer__company=company, order_date__gte=since)
            .exclude(status=OrderStatus.CANCELLED)
            .values("customer__owner_id", "customer__team_id")
            .annotate(revenue=Sum("amount"), customers=Count("customer_id", distinct=True))
            .order_by()
        )
        total = sum((Decimal(g["revenue"]) for g in groups), Decimal(0)).quantize(CENT)
        if not total:
            return []
        common = {"since": since.isoformat(), "company_revenue_12m": str(total)}
        people = _levels(groups, "customer__owner_id", total, params["employee_share"])
        teams = _levels(groups, "customer__team_id", total, params["team_share"])
        findings = []
        for row in Employee.objects.filter(pk__in=people).values("pk", "name", "employee_no", "team_id"):
            title = _(
                "%(name)s (%(no)s): their %(customers)s customers bring %(percent)s%% of the company's "
                "revenue of the last 12 months (%(revenue)s of %(total)s CNY)"
            )
            figures = {**people[row["pk"]], **row, "no": row["employee_no"]}
            finding = _finding(figures, title, common, "org.employee")
            finding.owner_id = row["pk"]
            findings.append(finding)
        for team in Team.objects.filter(pk__in=teams).values("pk", "name"):
            title = _(
                "%(name)s: its %(customers)s customers bring %(percent)s%% of the company's revenue "
                "of the last 12 months (%(revenue)s of %(total)s CNY)"
            )
            figures = {**teams[team["pk"]], **team, "team_id": team["pk"]}
            findings.append(_finding(figures, title, common, "org.team"))
        return sorted(findings, key=lambda f: (f.subject_type, int(f.subject_id)))


def _levels(
    groups: list[dict[str, Any]], key: str, total: Decimal, line: Decimal
) -> dict[int, dict[str, Any]]:
    """The people (or teams) whose share of ``total`` reaches ``line`` percent, with their figures."""
    sums: dict[int, list[Any]] = {}
    for group in groups:
        if group[key] is not None:
            figures = sums.setdefault(group[key], [Decimal(0), 0])
            figures[0] += Decimal(group["revenue"])
            figures[1] += group["customers"]
    above = {}
    for subject, (revenue, customers) in sums.items():
        revenue, share, percent = _figures(revenue, total)
        if percent >= line:
            above[subject] = {"revenue": revenue, "share": share, "percent": percent, "customers": customers}
    return above


def _finding(row: dict[str, Any], title: str, common: dict[str, Any], subject: str) -> Finding:
    """The finding for one employee's or team's figures (above the line)."""
    return Finding(
        subject_type=subject,
        subject_id=str(row["pk"]),
        title=title
        % {
            "name": row["name"],
            "no": row.get("no", ""),
            "customers": row["customers"],
            "percent": row["percent"],
            "revenue": row["revenue"],
            "total": common["company_revenue_12m"],
        },
        details={
            **common,
            "revenue_12m": str(row["revenue"]),
            "share": str(row["share"]),
            "customers": row["customers"],
        },
        team_id=row["team_id"],
        notify=(MANAGEMENT,),
    )
