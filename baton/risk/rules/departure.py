"""R5: a resignation that puts a large share of the company's revenue at risk.

Runs on the event ``resignation`` (sent by ``baton.offboarding`` when a case is opened, with
the case and the employee). The impact is the one measured when the case was opened and stored
on it (``OffboardingCase.impact``: customers, 12-month revenue and its share of the company's,
open orders, receivables), so the alert shows exactly what the case page shows.

The line is R5's own setting ``share`` (a fraction, default 0.10), per company. The revenue is
compared unrounded: a leaver holding exactly the line's share alerts, one fen below does not.

R5 names nobody to notify: the offboarding case tells management itself, with the impact in
the message (``offboarding:<case>:impact``), when R5 opened or refreshed the alert for that
case (``departure_alert_for``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baton.risk.rules.base import Finding, Param, Rule

SUBJECT = "org.employee"


class HighImpactDeparture(Rule):
    """R5: the resignation of an employee whose customers bring ``share`` or more of the
    company's revenue of the last 12 months."""

    code = "R5"
    title = gettext_lazy("High-impact departure")
    description = gettext_lazy(
        "An employee resigns whose customers bring a large share of the company's revenue of the "
        "last 12 months: management is alerted at once, with the impact."
    )
    category = "departure"
    severity = "high"
    daily = False
    events = ("resignation",)
    params = (
        Param(
            "share",
            gettext_lazy("Share of company revenue (0–1, e.g. 0.10 for 10%)"),
            "decimal",
            Decimal("0.10"),
            minimum=Decimal("0.0001"),
            maximum=Decimal("1"),
        ),
    )

    def on_event(
        self, *, company: Any, now: dt.datetime, params: dict[str, Any], event: str, payload: dict[str, Any]
    ) -> Iterable[Finding]:
        from baton.offboarding.models import OffboardingCase

        case_id = payload.get("case")
        if not case_id:
            return []
        case = OffboardingCase.objects.select_related("employee").filter(pk=case_id, company=company).first()
        if case is None:
            return []
        impact = {k: v for k, v in (case.impact or {}).items() if k != "notice_short"}
        try:
            revenue = Decimal(str(impact.get("revenue_12m", "0")))
            total = Decimal(str(impact.get("company_revenue_12m", "0")))
            share = Decimal(str(impact.get("share", "0")))
        except InvalidOperation:
            return []
        if not total or revenue < params["share"] * total:
            return []
        employee = case.employee
        return [
            Finding(
                subject_type=SUBJECT,
                subject_id=str(employee.pk),
                title=_("Departure of %(name)s puts %(share)s%% of company revenue at risk")
                % {"name": employee.name, "share": f"{share * 100:.1f}"},
                details={**impact, "case": case.pk, "employee": employee.employee_no},
                team_id=employee.team_id,
                owner_id=employee.pk,
                notify=(),
            )
        ]


def departure_alert_for(*, case_id: int, employee_id: int) -> Any:
    """The open R5 alert about the employee raised for this case, if any (one query)."""
    from baton.alerts.models import OPEN_STATUSES, Alert

    return Alert.objects.filter(
        rule=HighImpactDeparture.code,
        subject_type=SUBJECT,
        subject_id=str(employee_id),
        status__in=OPEN_STATUSES,
        details__case=case_id,
    ).first()
