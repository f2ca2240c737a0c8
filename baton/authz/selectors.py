"""The one place where data scopes become query filters."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Count, Model, Prefetch, Q, QuerySet

from baton.accounts.models import User
from baton.authz import registry
from baton.authz.actor import actor_for
from baton.authz.models import Grant, Role, RoleAssignment

M = TypeVar("M", bound=Model)


def scope_q(*, user: Any, resource: str, action: str, rule: registry.ScopeRule | None = None) -> Q | None:
    """The filter for what ``user`` may ``action`` on ``resource``; None when nothing at all.

    ``rule`` applies the grant's scope to a related model that reaches the resource's data
    another way (receivables under the ``order`` grant, say); by default the resource's own.
    """
    branches = scope_branches(user=user, resource=resource, action=action, rule=rule)
    return None if branches is None else registry.any_of(branches)


def scope_branches(
    *, user: Any, resource: str, action: str, rule: registry.ScopeRule | None = None
) -> list[Q] | None:
    """``scope_q`` as branches whose OR it is (see ``ScopeRule.branches_for``); None when the
    user may not ``action`` on ``resource`` at all, ``[]`` when the scope reaches nothing."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    actor = actor_for(user)
    scope = actor.scope_for(resource, action)
    if scope is None:
        return None
    res = registry.get(resource)
    if not res.scoped:
        return [Q()]
    rule = rule or res.scope_rule
    assert rule is not None  # registry.register refuses a scoped resource without one
    return rule.branches_for(scope, actor)


def restrict(
    queryset: QuerySet[M],
    *,
    user: Any,
    resource: str,
    action: str = "view",
    rule: registry.ScopeRule | None = None,
) -> QuerySet[M]:
    """``queryset`` narrowed to the rows ``user`` may ``action``; empty when not permitted."""
    q = scope_q(user=user, resource=resource, action=action, rule=rule)
    if q is None:
        return queryset.none()
    return queryset.filter(q)


def user_can(*, user: Any, resource: str, action: str) -> bool:
    """Whether the user holds the action on the resource at any scope."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return actor_for(user).can(resource, action)


def roles_all() -> QuerySet[Role]:
    """Every role with its grants in a stable order (choices in role forms)."""
    grants = Grant.objects.order_by("resource", "action")
    return Role.objects.prefetch_related(Prefetch("grants", queryset=grants)).order_by("code")


def roles_visible_to(*, user: Any, action: str = "view") -> QuerySet[Role]:
    """Roles with their grants, for holders of the ``role`` grant (administrators by default)."""
    return restrict(roles_all(), user=user, resource="role", action=action)


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


def accounts_for_role_admin(*, user: Any, action: str = "view") -> QuerySet[User]:
    """Login accounts with their roles, for holders of the ``role`` grant (roles are set
    company-wide by administrators, so this resource has no narrower scope)."""
    accounts = User.objects.select_related("employee").prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.select_related("role"))
    )
    return restrict(accounts, user=user, resource="role", action=action)
