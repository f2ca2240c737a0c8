"""Changing an employee's record only so far as the actor's ``employee.change`` scope reaches."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from baton.authz.services import access_denied_record
from baton.core.errors import InvalidInput
from baton.org.models import Employee
from baton.org.selectors import employees_visible_to
from baton.org.services import employee_update


class _OutsideScope(Exception):
    pass


def employee_update_in_scope(*, actor: Any, employee: Employee, **changes: Any) -> Employee:
    """``employee_update``, kept only if the record still lies inside the actor's change scope.

    A department head allowed to change their department must not move someone into a
    department they do not reach (the record would leave their hands for good). Like
    ``employee_create_in_scope``, the change and the check share one transaction, and a
    refusal rolls back and is audited as ``access.denied``.
    """
    try:
        with transaction.atomic():
            updated = employee_update(actor=actor, employee=employee, **changes)
            if not employees_visible_to(user=actor, action="change").filter(pk=updated.pk).exists():
                raise _OutsideScope
    except _OutsideScope:
        access_denied_record(
            user=actor,
            resource="employee",
            action="change",
            object_id=str(employee.pk),
            reason="out_of_scope",
        )
        message = _("You may not move this employee outside the departments you manage.")
        raise InvalidInput(message, code="outside_scope", fields={"department": [message]}) from None
    return updated
