"""Orders, contracts, receivables and complaints. Money is Decimal, rounded to fen on entry."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from baton.audit.services import audit_record
from baton.core import clock
from baton.core.errors import InvalidInput
from baton.customers.models import Complaint, ComplaintSeverity, Customer, Order, OrderStatus

FEN = Decimal("0.01")


def money(value: Any, field: str = "amount") -> Decimal:
    """A positive amount in CNY, rounded half-up to the fen."""
    try:
        amount = Decimal(str(value)).quantize(FEN, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(fields={field: [_("Enter an amount such as 1280.50.")]}) from exc
    if amount <= 0:
        raise InvalidInput(fields={field: [_("The amount must be more than zero.")]})
    return amount


def order_create(
    *,
    actor: Any,
    customer: Customer,
    number: str,
    order_date: dt.date,
    route_from: str,
    route_to: str,
    amount: Any,
    cargo: str = "",
    vehicle_type: str = "",
    status: str = OrderStatus.OPEN,
    taken_by: Any = None,
    receivable_owner: Any = None,
) -> Order:
    """Record an order. It is taken by the actor's employee unless said otherwise, and its money is
    collected by the customer's owner unless said otherwise."""
    if status not in OrderStatus.values:
        raise InvalidInput(fields={"status": [_("Choose one of the listed values.")]})
    if not number.strip():
        raise InvalidInput(fields={"number": [_("This field is required.")]})
    value = money(amount)
    taken_by = taken_by if taken_by is not None else getattr(actor, "employee", None)
    receivable_owner = receivable_owner if receivable_owner is not None else customer.owner
    try:
        with transaction.atomic():
            order = Order.objects.create(
                customer=customer,
                number=number.strip(),
                order_date=order_date,
                route_from=route_from,
                route_to=route_to,
                cargo=cargo,
                vehicle_type=vehicle_type,
                amount=value,
                status=status,
                taken_by=taken_by,
                receivable_owner=receivable_owner,
                created_at=clock.now(),
            )
            Customer.objects.filter(pk=customer.pk).filter(
                Q(last_order_at__isnull=True) | Q(last_order_at__lt=order_date)
            ).update(last_order_at=order_date)
            audit_record(
                actor=actor,
                action="customers.order_created",
                target=order,
                changes={"customer": customer.pk, "number": order.number, "amount": value},
            )
    except IntegrityError as exc:
        raise InvalidInput(fields={"number": [_("This order number exists already.")]}) from exc
    return order


def complaint_record(
    *,
    actor: Any,
    customer: Customer,
    occurred_on: dt.date,
    category: str,
    severity: str,
    description: str,
    order: Order | None = None,
) -> Complaint:
    if severity not in ComplaintSeverity.values:
        raise InvalidInput(fields={"severity": [_("Choose one of the listed values.")]})
    if not description.strip():
        raise InvalidInput(fields={"description": [_("This field is required.")]})
    with transaction.atomic():
        complaint = Complaint.objects.create(
            customer=customer,
            order=order,
            occurred_on=occurred_on,
            category=category[:50],
            severity=severity,
            description=description.strip(),
        )
        audit_record(
            actor=actor,
            action="customers.complaint_recorded",
            target=complaint,
            changes={"customer": customer.pk, "category": category, "severity": severity},
        )
    return complaint
