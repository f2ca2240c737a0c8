"""Template tags for offboarding bits shown on other pages (the dashboard)."""

from __future__ import annotations

from typing import Any

from django import template

from baton.offboarding.models import OPEN_CASE_STATUSES, OffboardingCase

register = template.Library()


@register.simple_tag
def my_open_case(user: Any) -> OffboardingCase | None:
    """The signed-in user's own open case, if they are leaving (one query; none without an employee)."""
    employee_id = getattr(getattr(user, "employee", None), "pk", None)
    if employee_id is None:
        return None
    return (
        OffboardingCase.objects.filter(employee_id=employee_id, status__in=OPEN_CASE_STATUSES)
        .only("pk", "last_working_day", "status")
        .first()
    )
