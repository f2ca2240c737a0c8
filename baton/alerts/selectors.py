from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from baton.alerts.models import OPEN_STATUSES, SECURITY, Alert, AlertStatus
from baton.authz.selectors import scope_q


def alerts_visible_to(*, user: Any, action: str = "view") -> QuerySet[Alert]:
    """Alerts the user may see (or act on): security alerts for holders of ``security_alert``,
    the others by the ``risk_alert`` scopes (own, team, department, company)."""
    security = scope_q(user=user, resource="security_alert", action=action)
    risk = scope_q(user=user, resource="risk_alert", action=action)
    q = Q(pk__in=[])
    if security is not None:
        q |= Q(category=SECURITY) & security
    if risk is not None:
        q |= ~Q(category=SECURITY) & risk
    return Alert.objects.filter(q)


def alert_counts_by_status(*, user: Any) -> dict[str, int]:
    """Status -> number of visible alerts, every status present (zero when none)."""
    rows = (
        alerts_visible_to(user=user)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    found = dict(rows)
    return {status: found.get(status, 0) for status in AlertStatus.values}


def alerts_open_count(*, user: Any) -> int:
    """Visible alerts still waiting for someone (open or acknowledged)."""
    return alerts_visible_to(user=user).filter(status__in=OPEN_STATUSES).count()
