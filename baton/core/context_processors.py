from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from baton.core import clock


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu entries the signed-in user may open, and the watermark text."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from baton.core.navigation import menu_for

    local = timezone.localtime(clock.now())
    return {
        "nav_items": menu_for(user),
        "watermark_text": f"{user.employee_no} {local:%Y-%m-%d %H:%M}",
    }
