"""Refusals that stay on the record.

A service finds out that the actor may not act only inside its transaction (after locking the
case). Raising there would roll back the audit event of the refusal with everything else, so
the service raises ``Refusal`` instead; ``atomic_with_refusals`` rolls the work back, then
records the refusal and raises the user-facing error.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.db import models, transaction

from baton.audit.services import audit_record
from baton.core.errors import BatonError


class Refusal(Exception):
    def __init__(
        self,
        error: BatonError,
        *,
        actor: Any,
        action: str,
        target: models.Model | None = None,
        changes: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(error))
        self.error, self.actor, self.action, self.target = error, actor, action, target
        self.changes = changes or {}


@contextlib.contextmanager
def atomic_with_refusals() -> Iterator[None]:
    try:
        with transaction.atomic():
            yield
    except Refusal as refusal:
        audit_record(
            actor=refusal.actor,
            action=refusal.action,
            target=refusal.target,
            changes=refusal.changes,
            result="denied",
        )
        raise refusal.error from None
