"""Reading who holds which role, for the dashboard and the role administration pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from baton.accounts.models import User
from baton.authz.models import Role


def roles_of(*, user: Any) -> QuerySet[Role]:
    """The roles ``user`` holds."""
    return Role.objects.filter(assignments__user=user).order_by("code")


def roles_with_counts() -> QuerySet[Role]:
    """Every role with how many grants it carries and how many people hold it."""
    return Role.objects.annotate(
        grant_count=Count("grants", distinct=True), holder_count=Count("assignments", distinct=True)
    ).order_by("code")


def role_holders(*, role: Role) -> QuerySet[User]:
    """Login accounts that hold ``role``."""
    return User.objects.filter(role_assignments__role=role).select_related("employee").order_by("employee_no")


def accounts_for_role_admin() -> QuerySet[User]:
    """Login accounts whose roles an administrator may set (roles are not scoped data)."""
    return User.objects.select_related("employee").prefetch_related("role_assignments__role")
