"""Thin tasks: load ids, call a service."""

from celery import shared_task

from baton.customers.models import Interaction


@shared_task(acks_late=True)
def extract_facts_task(interaction_id: int) -> int:
    """Learn facts from one interaction (idempotent: known facts are not added twice)."""
    from baton.customers.services import facts_extract

    interaction = Interaction.objects.filter(pk=interaction_id).first()
    if interaction is None:
        return 0
    return len(facts_extract(interaction=interaction))
