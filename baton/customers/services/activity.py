"""Recording interactions and follow-up tasks, and learning facts from what was said."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from baton.audit.services import EventSpec, audit_record, audit_record_many
from baton.core import clock, uploads
from baton.core.errors import InvalidInput
from baton.customers.models import (
    Contact,
    Customer,
    CustomerFact,
    FactStatus,
    FollowUpTask,
    Interaction,
    InteractionAttachment,
    InteractionChannel,
)
from baton.risk.services import risk_event


def interaction_record(
    *,
    actor: Any,
    customer: Customer,
    channel: str,
    occurred_at: dt.datetime,
    content: str = "",
    contact: Contact | None = None,
    employee: Any = None,
    next_step: str = "",
    direction: str = "",
    duration_seconds: int | None = None,
    source_ref: str = "",
) -> tuple[Interaction, bool]:
    """Record an interaction (returns it and whether it is new). The same ``source_ref`` on the
    same channel is recorded once, so re-imports add nothing. Facts are extracted after commit."""
    if channel not in InteractionChannel.values:
        raise InvalidInput(fields={"channel": [_("Choose one of the listed values.")]})
    if contact is not None and contact.customer_id != customer.pk:
        raise InvalidInput(fields={"contact": [_("The contact belongs to another customer.")]})
    if occurred_at > clock.now() + dt.timedelta(minutes=5):
        raise InvalidInput(fields={"occurred_at": [_("An interaction cannot lie in the future.")]})
    if source_ref:
        existing = Interaction.objects.filter(channel=channel, source_ref=source_ref).first()
        if existing is not None and existing.customer_id != customer.pk:
            # Never hand back (or reveal) another customer's record.
            raise InvalidInput(
                fields={"source_ref": [_("This record was already recorded for another customer.")]},
                code="source_ref_taken",
            )
        if existing is not None:
            return existing, False
    employee = employee if employee is not None else getattr(actor, "employee", None)
    try:
        with transaction.atomic():
            interaction = Interaction.objects.create(
                customer=customer,
                contact=contact,
                employee=employee,
                channel=channel,
                occurred_at=occurred_at,
                content=content,
                next_step=next_step[:300],
                direction=direction,
                duration_seconds=duration_seconds,
                source_ref=source_ref[:200],
                created_at=clock.now(),
            )
            Customer.objects.filter(pk=customer.pk).filter(
                Q(last_follow_up_at__isnull=True) | Q(last_follow_up_at__lt=occurred_at)
            ).update(last_follow_up_at=occurred_at)
            audit_record(
                actor=actor,
                action="customers.interaction_recorded",
                target=interaction,
                changes={"customer": customer.pk, "channel": channel, "source_ref": source_ref},
            )
            transaction.on_commit(lambda: _extract_later(interaction.pk))
            # Early warning (R10, sensitive phrases) after commit; robust: the interaction stands.
            transaction.on_commit(
                lambda: risk_event(
                    event="interaction_recorded",
                    company_id=customer.company_id,
                    payload={"interaction": interaction.pk},
                ),
                robust=True,
            )
    except IntegrityError:
        # A concurrent import of the same record won the race: that one stands.
        winner = Interaction.objects.get(channel=channel, source_ref=source_ref)
        if winner.customer_id != customer.pk:
            raise InvalidInput(code="source_ref_taken") from None
        return winner, False
    return interaction, True


def _extract_later(interaction_id: int) -> None:
    from baton.customers.tasks import extract_facts_task

    extract_facts_task.delay(interaction_id)


def facts_extract(*, interaction: Interaction) -> list[CustomerFact]:
    """Run the configured extractor over one interaction and keep new facts as suggestions.

    A fact the customer already has (same kind and value, not rejected) is not added twice.
    """
    from baton.customers.facts.base import extractor_from_path

    extractor = extractor_from_path(getattr(settings, "BATON_FACT_EXTRACTOR", None))
    candidates = extractor.extract(interaction.content or "")
    if not candidates:
        return []
    known = {
        (kind, repr(sorted(value.items())))
        for kind, value in CustomerFact.objects.filter(customer_id=interaction.customer_id)
        .exclude(status=FactStatus.REJECTED)
        .values_list("kind", "value")
    }
    now = clock.now()
    new: list[CustomerFact] = []
    for c in candidates:
        key = (c.kind, repr(sorted(c.value.items())))
        if key in known:
            continue
        known.add(key)
        new.append(
            CustomerFact(
                customer_id=interaction.customer_id,
                interaction=interaction,
                kind=c.kind,
                value=c.value,
                text=c.text[:300],
                evidence=(interaction.content or "")[c.start : c.end][:300],
                confidence=c.confidence,
                extractor=extractor.name,
                created_at=now,
            )
        )
    with transaction.atomic():
        CustomerFact.objects.bulk_create(new)
        audit_record_many(
            specs=[
                EventSpec(
                    action="customers.fact_learned",
                    actor_label="system",
                    object_type="customers.customer",
                    object_id=str(interaction.customer_id),
                    changes={"interaction": interaction.pk, "kind": f.kind, "text": f.text},
                )
                for f in new
            ]
        )
    return new


def fact_review(*, actor: Any, fact: CustomerFact, status: str, text: str = "") -> CustomerFact:
    """Confirm, correct (with the right wording) or reject a learned fact."""
    if status not in (FactStatus.CONFIRMED, FactStatus.CORRECTED, FactStatus.REJECTED):
        raise InvalidInput(fields={"status": [_("Choose confirm, correct or reject.")]})
    if status == FactStatus.CORRECTED and not text.strip():
        raise InvalidInput(fields={"text": [_("Say what is right.")]})
    with transaction.atomic():
        fact = CustomerFact.objects.select_for_update().get(pk=fact.pk)
        before = {"status": fact.status, "text": fact.text}
        fact.status = status
        if status == FactStatus.CORRECTED:
            fact.text = text.strip()[:300]
        fact.reviewed_by = getattr(actor, "employee", None)
        fact.reviewed_at = clock.now()
        fact.save(update_fields=["status", "text", "reviewed_by", "reviewed_at"])
        audit_record(
            actor=actor,
            action="customers.fact_reviewed",
            target=fact,
            changes={
                "customer": fact.customer_id,
                "before": before,
                "after": {"status": fact.status, "text": fact.text},
            },
        )
    return fact


def task_create(
    *,
    actor: Any,
    customer: Customer,
    assignee: Any,
    title: str,
    due_at: dt.datetime,
    interaction: Interaction | None = None,
) -> FollowUpTask:
    if not title.strip():
        raise InvalidInput(fields={"title": [_("This field is required.")]})
    with transaction.atomic():
        task = FollowUpTask.objects.create(
            customer=customer,
            assignee=assignee,
            title=title.strip()[:200],
            due_at=due_at,
            interaction=interaction,
            created_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action="customers.task_created",
            target=task,
            changes={"customer": customer.pk, "assignee": assignee.pk, "due_at": due_at},
        )
    return task


def task_complete(*, actor: Any, task: FollowUpTask) -> FollowUpTask:
    with transaction.atomic():
        task = FollowUpTask.objects.select_for_update().get(pk=task.pk)
        if task.done_at is None:
            task.done_at = clock.now()
            task.save(update_fields=["done_at"])
            audit_record(
                actor=actor,
                action="customers.task_completed",
                target=task,
                changes={"customer": task.customer_id},
            )
    return task


def attachment_add(*, actor: Any, interaction: Interaction, upload: Any) -> InteractionAttachment:
    """Attach a file (document, image, call recording, text) to an interaction; its content is
    checked, it is stored outside the web root, and its SHA-256 is kept."""
    checked = uploads.check_upload(upload, allowed=uploads.INTERACTION_ATTACHMENTS)
    with transaction.atomic():
        attachment = InteractionAttachment(
            interaction=interaction,
            name=checked.name,
            content_type=checked.kind.content_type,
            size=checked.size,
            sha256=checked.sha256,
        )
        attachment.file.name = uploads.store(checked, folder="interactions")
        attachment.save()
        audit_record(
            actor=actor,
            action="customers.attachment_added",
            target=attachment,
            changes={
                "interaction": interaction.pk,
                "customer": interaction.customer_id,
                "sha256": checked.sha256,
                "size": checked.size,
            },
        )
    return attachment
