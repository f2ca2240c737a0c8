"""Adding an employee only where the actor's ``employee.create`` scope reaches."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from baton.authz.services import access_denied_record
from baton.core.errors import InvalidInput
from baton.org.models import Employee
from baton.org.selectors import employees_visible_to
from baton.org.services import employee_create


class _OutsideScope(Exception):
    pass


def employee_create_in_scope(*, actor: Any, **fields: Any) -> Employee:
    """``employee_create``, kept only if the new record lies inside the actor's create scope.

    Scopes are query filters, so the record is created and checked in one transaction and
    rolled back when it falls outside (HR of a subsidiary adding people to the holding
    company, say). The refusal is audited as ``access.denied`` after the rollback.
    """
    try:
        with transaction.atomic():
            employee = employee_create(actor=actor, **fields)
            if not employees_visible_to(user=actor, action="create").filter(pk=employee.pk).exists():
                raise _OutsideScope
    except _OutsideScope:
        access_denied_record(user=actor, resource="employee", action="create", reason="out_of_scope")
        message = _("You may not add employees to this company or department.")
        raise InvalidInput(message, code="outside_scope", fields={"department": [message]}) from None
    return employee
