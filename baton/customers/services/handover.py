"""What a person in their handover period (员工离职交接期) may not do with customer data, and who
takes the orders that arrive for their customers meanwhile.

The restrictions follow the employee's status: opening an offboarding case makes it
*resigning*, withdrawing or completing the case ends it. Reading their own customers stays
allowed, because the handover needs it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from baton.audit.services import audit_record
from baton.core.errors import Forbidden
from baton.org.models import EmployeeStatus

HANDOVER_CODE = "handover_in_progress"

REFUSALS: dict[str, Any] = {
    "order_create": _("New orders cannot be taken during the handover period."),
    "claim": _("Customers cannot be claimed from the public pool during the handover period."),
    "reveal": _("Masked contact data cannot be revealed during the handover period."),
    "remove": _("Contacts and customers cannot be removed during the handover period."),
}


def in_handover(employee: Any) -> bool:
    return employee is not None and getattr(employee, "status", None) == EmployeeStatus.RESIGNING


def handover_guard(*, actor: Any, what: str, object_type: str = "", object_id: Any = "") -> None:
    """Refuse (403 ``handover_in_progress``, audited) when the actor is in their handover period.

    Call it before the service opens its transaction, so the refusal's audit event is kept.
    """
    employee = getattr(actor, "employee", None) if actor is not None else None
    if not in_handover(employee):
        return
    audit_record(
        actor=actor,
        action="offboarding.handover_refused",
        object_type=object_type,
        object_id=str(object_id),
        changes={"what": what},
        result="denied",
    )
    raise Forbidden(REFUSALS[what], code=HANDOVER_CODE)


def handover_stand_in(customer: Any) -> Any:
    """Who takes an order for ``customer`` while its owner is in handover: the designated
    successor once named, else the owner's team lead. None when the owner is not leaving."""
    owner = customer.owner
    if not in_handover(owner):
        return None
    from baton.offboarding.selectors import stand_in_for

    return stand_in_for(employee=owner)
