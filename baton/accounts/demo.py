"""Login accounts for the demo company: every employee can sign in; MFA roles get a known TOTP."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from baton.accounts.models import User
from baton.accounts.services import mfa_install
from baton.audit.services import EventSpec, audit_record_many
from baton.authz.models import Role, RoleAssignment
from baton.demo.registry import DemoContext, demo_password, demo_totp_secret


def seed_logins(ctx: DemoContext) -> None:
    """One account per demo employee, with the roles the organisation seeder chose."""
    roles = {r.code: r for r in Role.objects.all()}
    role_map: dict[str, list[str]] = ctx.extra.get("roles", {})
    users = []
    for no, emp in ctx.employees.items():
        user = User(
            employee_no=no, display_name=emp.name, password=make_password(demo_password(ctx.seed, no))
        )
        users.append(user)
    User.objects.bulk_create(users)
    by_no = {u.employee_no: u for u in User.objects.all()}
    assignments = []
    for no, emp in ctx.employees.items():
        emp.user = by_no[no]
        emp.save(update_fields=["user"])
        assignments += [RoleAssignment(user=by_no[no], role=roles[c]) for c in role_map.get(no, [])]
    RoleAssignment.objects.bulk_create(assignments)
    audit_record_many(
        specs=[
            EventSpec(
                action="auth.account_created",
                actor=None,
                actor_label="seed_demo",
                object_type="accounts.user",
                object_id=str(u.pk),
                changes={"roles": role_map.get(no, [])},
            )
            for no, u in by_no.items()
        ]
    )
    mfa_roles = {code for code, r in roles.items() if r.requires_mfa}
    for no, codes in role_map.items():
        if mfa_roles & set(codes):
            mfa_install(actor=None, user=by_no[no], secret=demo_totp_secret(ctx.seed, no))
