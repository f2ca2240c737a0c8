"""Orders, contracts, receivables and complaints. Money is Decimal, rounded to fen on entry."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from baton.audit.services import audit_record
from baton.core import clock, uploads
from baton.core.errors import InvalidInput, NotFound
from baton.customers.models import (
    Complaint,
    ComplaintSeverity,
    ComplaintStatus,
    Contract,
    Customer,
    InteractionAttachment,
    Order,
    OrderStatus,
    Receivable,
    ReceivableStatus,
)
from baton.customers.services.handover import handover_guard, handover_stand_in
from baton.risk.models import AccessKind
from baton.risk.services import risk_event
from baton.risk.services_access import access_count

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
    handover_guard(actor=actor, what="order_create", object_type="customers.customer", object_id=customer.pk)
    taken_by = taken_by if taken_by is not None else getattr(actor, "employee", None)
    receivable_owner = receivable_owner if receivable_owner is not None else customer.owner
    # An order for a customer whose owner is leaving goes to the successor (or the team lead),
    # who then also collects its money: flagged 交接期订单 for the collection follow-up.
    stand_in = handover_stand_in(customer)
    if stand_in is not None:
        taken_by = receivable_owner = stand_in
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
                handover_flag=stand_in is not None,
                created_at=clock.now(),
            )
            Customer.objects.filter(pk=customer.pk).filter(
                Q(last_order_at__isnull=True) | Q(last_order_at__lt=order_date)
            ).update(last_order_at=order_date)
            audit_record(
                actor=actor,
                action="customers.order_created",
                target=order,
                changes={
                    "customer": customer.pk,
                    "number": order.number,
                    "amount": value,
                    "handover_flag": order.handover_flag,
                },
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
        # Early warning (R3) after commit; robust: a failing rule is logged, the complaint stands.
        payload = {"customer_id": customer.pk, "complaint_id": complaint.pk}
        transaction.on_commit(
            lambda: risk_event(event="complaint_recorded", company_id=customer.company_id, payload=payload),
            robust=True,
        )
    return complaint


def contract_add(
    *,
    actor: Any,
    customer: Customer,
    number: str,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    amount: Any = None,
    scan: Any = None,
    owner: Any = None,
) -> Contract:
    """Record a contract, with its scan (PDF or image; content-checked, SHA-256 kept)."""
    if not number.strip() or not title.strip():
        raise InvalidInput(
            fields={"number" if not number.strip() else "title": [_("This field is required.")]}
        )
    if ends_on < starts_on:
        raise InvalidInput(fields={"ends_on": [_("A contract cannot end before it starts.")]})
    value = money(amount) if amount not in (None, "") else None
    checked = uploads.check_upload(scan, allowed=uploads.SCANS) if scan is not None else None
    try:
        with transaction.atomic():
            contract = Contract.objects.create(
                customer=customer,
                number=number.strip(),
                title=title.strip()[:200],
                starts_on=starts_on,
                ends_on=ends_on,
                amount=value,
                owner=owner if owner is not None else customer.owner,
                scan_sha256=checked.sha256 if checked else "",
            )
            if checked is not None:
                contract.scan.name = uploads.store(checked, folder="contracts")
                contract.save(update_fields=["scan"])
            audit_record(
                actor=actor,
                action="customers.contract_added",
                target=contract,
                changes={
                    "customer": customer.pk,
                    "number": contract.number,
                    "amount": value,
                    "scan_sha256": contract.scan_sha256,
                },
            )
    except IntegrityError as exc:
        raise InvalidInput(fields={"number": [_("This contract number exists already.")]}) from exc
    return contract


def receivable_add(
    *,
    actor: Any,
    customer: Customer,
    amount: Any,
    due_on: dt.date,
    order: Order | None = None,
    owner: Any = None,
) -> Receivable:
    """Record money owed; the order's receivable owner collects it, else the customer's owner."""
    if order is not None and order.customer_id != customer.pk:
        raise InvalidInput(fields={"order": [_("The order belongs to another customer.")]})
    value = money(amount)
    collector = owner or (order.receivable_owner if order is not None else None) or customer.owner
    with transaction.atomic():
        receivable = Receivable.objects.create(
            customer=customer, order=order, amount=value, due_on=due_on, owner=collector
        )
        audit_record(
            actor=actor,
            action="customers.receivable_added",
            target=receivable,
            changes={"customer": customer.pk, "amount": value, "due_on": due_on},
        )
    return receivable


def receivable_payment(*, actor: Any, receivable: Receivable, amount: Any) -> Receivable:
    """Record a payment; the receivable is paid when nothing is left open. Overpaying is refused."""
    value = money(amount)
    with transaction.atomic():
        receivable = Receivable.objects.select_for_update().get(pk=receivable.pk)
        if receivable.status != ReceivableStatus.OPEN:
            raise InvalidInput(_("This receivable is not open."), code="receivable_closed")
        if receivable.paid_amount + value > receivable.amount:
            raise InvalidInput(fields={"amount": [_("The payment is more than what is still open.")]})
        before = receivable.paid_amount
        receivable.paid_amount += value
        if receivable.paid_amount == receivable.amount:
            receivable.status = ReceivableStatus.PAID
        receivable.save(update_fields=["paid_amount", "status"])
        audit_record(
            actor=actor,
            action="customers.receivable_paid",
            target=receivable,
            changes={
                "customer": receivable.customer_id,
                "paid": {"before": before, "after": receivable.paid_amount},
            },
        )
    return receivable


def complaint_resolve(*, actor: Any, complaint: Complaint, resolution: str) -> Complaint:
    """Close a complaint with what was done about it."""
    if not resolution.strip():
        raise InvalidInput(fields={"resolution": [_("Say how it was resolved.")]})
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.status == ComplaintStatus.RESOLVED:
            raise InvalidInput(_("This complaint is resolved already."), code="complaint_resolved")
        complaint.status = ComplaintStatus.RESOLVED
        complaint.resolution = resolution.strip()
        complaint.save(update_fields=["status", "resolution"])
        audit_record(
            actor=actor,
            action="customers.complaint_resolved",
            target=complaint,
            changes={"customer": complaint.customer_id},
        )
    return complaint


def document_download_record(*, actor: Any, obj: Contract | InteractionAttachment) -> None:
    """Record that ``actor`` took a copy of a contract's scan or an interaction's attachment,
    with the SHA-256 of what was handed out. The caller has loaded ``obj`` through the scope."""
    if isinstance(obj, Contract):
        if not obj.scan:
            raise NotFound(_("This contract has no scan."))
        changes: dict[str, Any] = {
            "customer": obj.customer_id,
            "document": "contract_scan",
            "number": obj.number,
            "sha256": obj.scan_sha256,
        }
    else:
        changes = {
            "customer": obj.interaction.customer_id,
            "document": "interaction_attachment",
            "interaction": obj.interaction_id,
            "name": obj.name,
            "sha256": obj.sha256,
        }
    with transaction.atomic():
        audit_record(actor=actor, action="customers.document_downloaded", target=obj, changes=changes)
        access_count(user=actor, kind=AccessKind.DOCUMENT_DOWNLOAD)  # R8
