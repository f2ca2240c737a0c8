from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from baton.alerts.models import OPEN_STATUSES, Alert, AlertStatus
from baton.authz.selectors import restrict


def alerts_visible_to(*, user: Any) -> QuerySet[Alert]:
    """Alerts the user may see (security alerts: holders of ``security_alert.view``)."""
    return restrict(Alert.objects.all(), user=user, resource="security_alert", action="view")


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
