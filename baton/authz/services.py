"""Changing who may do what, and recording every refusal."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from baton.audit.models import AuditResult
from baton.audit.services import audit_record
from baton.authz import registry
from baton.authz.models import SCOPE_ORDER, Grant, Role, RoleAssignment
from baton.core.errors import InvalidInput


def access_denied_record(*, user: Any, resource: str, action: str, object_id: str = "", reason: str) -> None:
    """Audit a refused access; repeated refusals by one user raise a security alert (R9, with
    the company's thresholds: ``baton.risk.rules.security``)."""
    from baton.risk.rules.security import access_denied_check

    actor = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="access.denied",
            object_type=resource,
            object_id=object_id,
            changes={"action": action, "reason": reason},
            result=AuditResult.DENIED,
        )
        if actor is None:
            return
        access_denied_check(user=actor)


def grant_set(*, actor: Any, role: Role, resource: str, action: str, scope: str | None) -> Grant | None:
    """Give ``role`` the action on the resource at ``scope``, or take it away (scope None)."""
    try:
        res = registry.get(resource)
    except KeyError as exc:
        raise InvalidInput(fields={"resource": [_("Unknown resource.")]}) from exc
    if action not in res.actions:
        raise InvalidInput(fields={"action": [_("This action does not exist for the resource.")]})
    if scope is not None and scope not in SCOPE_ORDER:
        raise InvalidInput(fields={"scope": [_("Unknown scope.")]})
    if scope is not None and not res.scoped:
        scope = "company"
    with transaction.atomic():
        existing = (
            Grant.objects.select_for_update().filter(role=role, resource=resource, action=action).first()
        )
        before = existing.scope if existing else None
        if scope is None:
            if existing is not None:
                existing.delete()
            result = None
        elif existing is None:
            result = Grant.objects.create(role=role, resource=resource, action=action, scope=scope)
        else:
            existing.scope = scope
            existing.save(update_fields=["scope"])
            result = existing
        if before != scope:
            audit_record(
                actor=actor,
                action="authz.grant_changed",
                target=role,
                changes={f"{resource}.{action}": {"before": before, "after": scope}},
            )
    return result


def role_update(*, actor: Any, role: Role, name: str, requires_mfa: bool) -> Role:
    with transaction.atomic():
        before = {"name": role.name, "requires_mfa": role.requires_mfa}
        role.name = name
        role.requires_mfa = requires_mfa
        role.save(update_fields=["name", "requires_mfa"])
        after = {"name": role.name, "requires_mfa": role.requires_mfa}
        if before != after:
            from baton.audit.services import diff

            audit_record(actor=actor, action="authz.role_changed", target=role, changes=diff(before, after))
    return role


def user_roles_set(*, actor: Any, user: Any, role_codes: list[str]) -> None:
    """Replace a user's roles."""
    roles = list(Role.objects.filter(code__in=role_codes))
    if len(roles) != len(set(role_codes)):
        raise InvalidInput(fields={"roles": [_("Unknown role.")]})
    with transaction.atomic():
        before = sorted(RoleAssignment.objects.filter(user=user).values_list("role__code", flat=True))
        RoleAssignment.objects.filter(user=user).exclude(role__in=roles).delete()
        for role in roles:
            RoleAssignment.objects.get_or_create(user=user, role=role)
        after = sorted(r.code for r in roles)
        if before != after:
            audit_record(
                actor=actor,
                action="authz.roles_assigned",
                target=user,
                changes={"roles": {"before": before, "after": after}},
            )
    if hasattr(user, "_baton_actor"):
        del user._baton_actor


Cell = tuple[str, str]  # (resource, action)


def role_grid_save(
    *, actor: Any, role: Role, name: str, requires_mfa: bool, grants: dict[Cell, str | None]
) -> int:
    """Rename the role, set whether it needs MFA, and set every grant cell that changed.

    ``grants`` maps each (resource, action) shown to the wanted scope, or None for no grant.
    Either everything is saved or, when one cell is refused, nothing. Returns how many
    cells changed.
    """
    current = {(g.resource, g.action): g.scope for g in role.grants.all()}
    changed = 0
    with transaction.atomic():
        role_update(actor=actor, role=role, name=name, requires_mfa=requires_mfa)
        for (resource, action), scope in sorted(grants.items()):
            if current.get((resource, action)) != scope:
                grant_set(actor=actor, role=role, resource=resource, action=action, scope=scope)
                changed += 1
    return changed
