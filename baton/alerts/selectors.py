from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from baton.alerts.models import Alert
from baton.authz.selectors import restrict


def alerts_visible_to(*, user: Any) -> QuerySet[Alert]:
    """Alerts the user may see (security alerts: holders of ``security_alert.view``)."""
    return restrict(Alert.objects.all(), user=user, resource="security_alert", action="view")
