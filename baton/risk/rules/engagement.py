"""Engagement rules: is a salesperson still looking after the customers they own?

R1 compares each customer owner's customer interactions of the last seven days with their
average week of the weeks before. One aggregate query per company, however many people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baton.customers.models import Customer
from baton.org.models import Employee
from baton.risk.rules.base import TEAM_LEAD, Finding, Param, Rule

WEEK = dt.timedelta(days=7)
HUNDRED = Decimal("100")


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class ContactFrequencyDrop(Rule):
    """R1: an owner's customer interactions fall off.

    The last week is the seven days before ``now``; the baseline is the average week of the
    ``weeks`` weeks before that. The rule fires when the baseline is at least ``baseline_min``
    a week and the last week has at most ``last_week_max``, or when the last week is at least
    ``drop_percent`` % below a baseline above zero.
    """

    code = "R1"
    title = gettext_lazy("Customer contact frequency drops")
    description = gettext_lazy(
        "A customer owner's interactions with customers in the last 7 days fall far below their "
        "weekly average of the weeks before."
    )
    category = "engagement"
    severity = "medium"
    params = (
        Param("baseline_min", gettext_lazy("Usual interactions a week (at least)"), "int", 5, minimum=1),
        Param("last_week_max", gettext_lazy("Interactions last week (at most)"), "int", 1, minimum=0),
        Param(
            "drop_percent", gettext_lazy("Drop against the usual week (%)"), "int", 70, minimum=1, maximum=100
        ),
        Param("weeks", gettext_lazy("Weeks of the baseline"), "int", 8, minimum=1, maximum=52),
    )

    def scan(self, *, company: Any, now: dt.datetime, params: dict[str, Any]) -> Iterable[Finding]:
        weeks = int(params["weeks"])
        last_start = now - WEEK
        base_start = last_start - weeks * WEEK
        in_last = Q(interactions__occurred_at__gte=last_start, interactions__occurred_at__lt=now)
        in_base = Q(interactions__occurred_at__gte=base_start, interactions__occurred_at__lt=last_start)
        rows = (
            Employee.objects.filter(company=company)
            .filter(Exists(Customer.objects.filter(owner_id=OuterRef("pk"))))
            .filter(interactions__occurred_at__gte=base_start, interactions__occurred_at__lt=now)
            .values("pk", "name", "employee_no", "team_id")
            # Counting a column of the (employee, occurred_at) index lets the rows come from the
            # index alone: no visit to the interactions themselves.
            .annotate(
                last=Count("interactions__occurred_at", filter=in_last),
                base=Count("interactions__occurred_at", filter=in_base),
            )
            .filter(base__gt=0)
            .order_by("pk")
        )
        findings = []
        for row in rows:
            baseline = Decimal(row["base"]) / weeks
            last = Decimal(row["last"])
            drop = (baseline - last) / baseline * HUNDRED
            quiet = baseline >= params["baseline_min"] and last <= params["last_week_max"]
            if not (quiet or drop >= params["drop_percent"]):
                continue
            figures = {
                "last_week": row["last"],
                "baseline_per_week": str(_one_decimal(baseline)),
                "baseline_weeks": weeks,
                "drop_percent": str(_one_decimal(drop)),
                "from": last_start.isoformat(),
                "to": now.isoformat(),
            }
            findings.append(
                Finding(
                    subject_type="org.employee",
                    subject_id=str(row["pk"]),
                    title=_(
                        "%(name)s (%(no)s) logged %(last)s customer interactions in the last 7 days, "
                        "against %(baseline)s a week before (%(drop)s%% less)"
                    )
                    % {
                        "name": row["name"],
                        "no": row["employee_no"],
                        "last": row["last"],
                        "baseline": figures["baseline_per_week"],
                        "drop": figures["drop_percent"],
                    },
                    details=figures,
                    team_id=row["team_id"],
                    owner_id=row["pk"],
                    notify=(TEAM_LEAD,),
                )
            )
        return findings
