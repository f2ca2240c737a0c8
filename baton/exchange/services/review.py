"""The review queue: captured records that matched no contact wait for a person to say whose
they are (which records the interaction) or that they belong to no customer."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from baton.audit.services import audit_record
from baton.core import clock
from baton.core.errors import InvalidInput, NotFound
from baton.customers.models import Contact, Customer
from baton.customers.selectors import customers_visible_to
from baton.customers.services import interaction_record
from baton.exchange.models import ReviewItem, ReviewStatus


def _direction(item: ReviewItem, contact: Contact | None) -> str:
    if item.direction or contact is None:
        return item.direction
    if item.channel == "email" and contact.email:
        return "in" if contact.email in item.sender.lower() else "out"
    if item.channel == "wechat":
        return "in" if item.sender == contact.name else "out"
    return ""


def _pending(item: ReviewItem) -> ReviewItem:
    locked = ReviewItem.objects.select_for_update().get(pk=item.pk)
    if locked.status != ReviewStatus.PENDING:
        raise InvalidInput(_("This record has been dealt with already."), code="invalid_transition")
    return locked


def review_item_assign(
    *,
    actor: Any,
    item: ReviewItem,
    customer: Customer | None = None,
    contact: Contact | None = None,
    note: str = "",
) -> ReviewItem:
    """Say which customer (and contact) a queued record belongs to: the interaction is recorded
    with the record's own ``source_ref``, so a later re-import does not add it again."""
    if contact is not None:
        if customer is not None and contact.customer_id != customer.pk:
            raise InvalidInput(fields={"contact": [_("The contact belongs to another customer.")]})
        customer = contact.customer
    if customer is None:
        raise InvalidInput(fields={"customer": [_("Choose a customer or a contact.")]})
    if not customers_visible_to(user=actor, action="change").filter(pk=customer.pk).exists():
        raise NotFound()
    with transaction.atomic():
        item = _pending(item)
        interaction, _created = interaction_record(
            actor=actor,
            customer=customer,
            channel=item.channel,
            occurred_at=item.occurred_at,
            content=item.content,
            contact=contact,
            employee=item.employee,
            direction=_direction(item, contact),
            duration_seconds=item.duration_seconds,
            source_ref=item.source_ref,
        )
        item.status = ReviewStatus.ASSIGNED
        item.interaction = interaction
        item.resolved_by = actor
        item.resolved_at = clock.now()
        item.note = note.strip()[:300]
        item.save(update_fields=["status", "interaction", "resolved_by", "resolved_at", "note"])
        audit_record(
            actor=actor,
            action="exchange.review_item_assigned",
            target=item,
            changes={
                "batch": item.batch_id,
                "customer": customer.pk,
                "contact": contact.pk if contact is not None else None,
                "interaction": interaction.pk,
                "note": item.note,
            },
        )
    return item


def review_item_discard(*, actor: Any, item: ReviewItem, note: str = "") -> ReviewItem:
    """The record belongs to no customer (a private call, spam): keep it out of the timeline."""
    with transaction.atomic():
        item = _pending(item)
        item.status = ReviewStatus.DISCARDED
        item.resolved_by = actor
        item.resolved_at = clock.now()
        item.note = note.strip()[:300]
        item.save(update_fields=["status", "resolved_by", "resolved_at", "note"])
        audit_record(
            actor=actor,
            action="exchange.review_item_discarded",
            target=item,
            changes={"batch": item.batch_id, "note": item.note},
        )
    return item
