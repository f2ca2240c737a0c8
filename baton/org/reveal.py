"""Showing an employee's contact details in clear. Every reveal is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from baton.audit.services import audit_record
from baton.org.models import Employee

# The masked fields a reveal shows in clear.
REVEALED_FIELDS = ("phone", "email")


def employee_reveal_contact(*, actor: Any, employee: Employee) -> dict[str, str]:
    """The employee's phone and e-mail in clear, for a caller allowed to ``reveal`` them.

    The caller has checked the grant and scope (the employee comes from a scoped
    selector); this records who saw what, in the same transaction.
    """
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="employee.reveal",
            target=employee,
            changes={"fields": list(REVEALED_FIELDS)},
        )
    return {name: getattr(employee, name) for name in REVEALED_FIELDS}
