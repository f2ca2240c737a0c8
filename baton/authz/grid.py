"""Saving a role's whole grant grid at once (the role page), as one audited change."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from baton.authz.models import Role
from baton.authz.services import grant_set, role_update

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
