"""Alerts for the tests, raised the way the rules raise them (``alert_open``)."""

from __future__ import annotations

from typing import Any

from baton.alerts.models import Alert
from baton.alerts.services import alert_open
from baton.core.testing import SmallOrg


def risk_alert(
    org: SmallOrg,
    n: int = 1,
    *,
    rule: str = "R1",
    category: str = "churn",
    team: str | None = "south1",
    owner: str | None = "S1101",
    severity: str = "medium",
    title: str = "",
    details: dict[str, Any] | None = None,
) -> Alert:
    """A risk alert about customer ``n`` of ``owner`` in ``team`` (keys of the small org)."""
    alert, _new = alert_open(
        rule=rule,
        category=category,
        company=org.company,
        team=org.teams[team] if team else None,
        owner=org.employees[owner] if owner else None,
        subject_type="customers.customer",
        subject_id=f"{rule}-{n}",
        severity=severity,
        title=title or f"客户 {n} 90 天未联系",
        details=details,
    )
    return alert


def security_alert(org: SmallOrg, n: int = 1) -> Alert:
    """An R9 alert: repeated out-of-scope access by a user (no company, team or owner)."""
    alert, _new = alert_open(
        rule="R9",
        subject_type="accounts.user",
        subject_id=str(n),
        severity="high",
        title=f"Repeated out-of-scope access attempts by T{n}",
        details={"denied_in_window": 5},
    )
    return alert
