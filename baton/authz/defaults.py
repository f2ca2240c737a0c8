"""Built-in roles and the grants they start with. Admins change grants in the UI afterwards;
installing defaults again only adds what is missing and never overrides an admin's choice."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from baton.authz import registry
from baton.authz.models import Grant, Role

# code -> (name, requires MFA)
BUILT_IN_ROLES: dict[str, tuple[Any, bool]] = {
    "admin": (_("Administrator"), True),
    "management": (_("Management"), True),
    "department_head": (_("Department head"), True),
    "team_lead": (_("Team lead"), False),
    "sales": (_("Sales"), False),
    "hr": (_("HR"), True),
    "finance": (_("Finance"), True),
    # Dispatch and operations staff enter the orders customers place by phone or WeChat.
    "operations": (_("Operations"), False),
    "auditor": (_("Auditor"), False),
}


def roles_install_defaults() -> int:
    """Create missing built-in roles and the default grants of every registered resource.

    Returns how many grants were created.
    """
    created = 0
    with transaction.atomic():
        roles = {}
        for code, (name, mfa) in BUILT_IN_ROLES.items():
            role, _created = Role.objects.get_or_create(
                code=code, defaults={"name": str(name), "requires_mfa": mfa, "is_system": True}
            )
            roles[code] = role
        existing = set(Grant.objects.values_list("role__code", "resource", "action"))
        new: list[Grant] = []
        for resource in registry.all_resources():
            for role_code, actions in resource.default_grants.items():
                for action, scope in actions.items():
                    if (role_code, resource.code, action) in existing:
                        continue
                    new.append(
                        Grant(role=roles[role_code], resource=resource.code, action=action, scope=scope)
                    )
        Grant.objects.bulk_create(new)
        created = len(new)
        if created:
            from baton.audit.services import audit_record

            audit_record(
                actor=None,
                actor_label="system",
                action="authz.defaults_installed",
                object_type="authz.role",
                changes={"grants_created": created},
            )
    return created
