"""Reading the audit trail, and proving it intact."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baton.audit import chain, verify
from baton.audit.models import GENESIS_HASH, AuditChainHead, AuditCheckpoint, AuditEvent
from baton.authz.selectors import restrict

AUDIT_EVENT_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "changes",
    "request_id",
    "ip",
    "user_agent",
    "result",
    "prev_hash",
    "hash",
)


_PROBLEMS = {
    verify.MISSING: gettext_lazy("event missing from the sequence"),
    verify.BROKEN_LINK: gettext_lazy("link to the previous event is broken"),
    verify.CONTENT: gettext_lazy("event content does not match its hash"),
    verify.CHECKPOINT: gettext_lazy("event differs from the signed checkpoint"),
}


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of a full chain verification."""

    ok: bool
    count: int
    head_hash: str
    first_bad_seq: int | None = None
    reason: str = ""

    def summary(self) -> str:
        if self.ok:
            return f"OK {self.count} events, head {self.head_hash}"
        return f"FAIL at seq {self.first_bad_seq}: {self.reason}"


def audit_events_visible_to(*, user: Any, action: str = "view") -> QuerySet[AuditEvent]:
    """The audit trail, newest first, for holders of the ``audit`` grant."""
    return restrict(AuditEvent.objects.order_by("-seq"), user=user, resource="audit", action=action)


def audit_checkpoints_visible_to(*, user: Any, action: str = "verify") -> QuerySet[AuditCheckpoint]:
    """Signed checkpoints, oldest first, for those who may verify the trail."""
    return restrict(AuditCheckpoint.objects.order_by("seq"), user=user, resource="audit", action=action)


def audit_events_for_object(*, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """Every event about one object, newest first."""
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-seq")


def _verify_in_order(
    checkpoints: dict[int, AuditCheckpoint], chunk_size: int
) -> VerifyResult | tuple[int, str, int]:
    """One event after the other through the ORM (SQLite): a failure, or (count, head, last seq)."""
    expected_seq = 1
    prev = GENESIS_HASH
    count = 0
    last_seq = 0
    while True:
        rows: list[tuple[Any, ...]] = list(
            AuditEvent.objects.filter(seq__gte=expected_seq)
            .order_by("seq")
            .values_list(*AUDIT_EVENT_FIELDS)[:chunk_size]
        )
        if not rows:
            break
        for row in rows:
            values = dict(zip(AUDIT_EVENT_FIELDS, row, strict=True))
            seq = values["seq"]
            if seq != expected_seq:
                return VerifyResult(False, count, prev, expected_seq, str(_PROBLEMS[verify.MISSING]))
            if values["prev_hash"] != prev:
                return VerifyResult(False, count, prev, seq, str(_PROBLEMS[verify.BROKEN_LINK]))
            stored_hash = values.pop("hash")
            values.pop("prev_hash")
            recomputed = chain.event_hash(prev, chain.canonical(**values))
            if recomputed != stored_hash:
                return VerifyResult(False, count, prev, seq, str(_PROBLEMS[verify.CONTENT]))
            signed = checkpoints.get(seq)
            if signed is not None and signed.head_hash != stored_hash:
                return VerifyResult(False, count, prev, seq, str(_PROBLEMS[verify.CHECKPOINT]))
            prev = stored_hash
            count += 1
            last_seq = seq
            expected_seq += 1

    return count, prev, last_seq


def audit_verify(*, chunk_size: int = 5000, workers: int | None = None) -> VerifyResult:
    """Recompute the whole chain and compare it with the signed checkpoints.

    Detects an edited row (its hash no longer matches), a deleted row (a gap in the
    sequence), an inserted or reordered row (a broken ``prev_hash`` link), a forged or
    altered checkpoint (bad signature) and a tail truncated behind the latest checkpoint
    or behind the chain head.
    """
    checkpoints: dict[int, AuditCheckpoint] = {}
    for cp in AuditCheckpoint.objects.order_by("seq"):
        expected = chain.checkpoint_signature(seq=cp.seq, head_hash=cp.head_hash, created_at=cp.created_at)
        if expected != cp.signature:
            return VerifyResult(False, 0, "", cp.seq, _("checkpoint signature does not match"))
        checkpoints[cp.seq] = cp

    if connection.vendor == "postgresql":
        signed = {seq: cp.head_hash for seq, cp in checkpoints.items()}
        verdicts = verify.ranges_verify(last_seq=verify.trail_end(), checkpoints=signed, workers=workers)
        count, prev, bad_seq, problem = verify.stitch(verdicts, GENESIS_HASH)
        if bad_seq is not None:
            return VerifyResult(False, count, prev, bad_seq, str(_PROBLEMS[problem]))
        last_seq = count
    else:
        outcome = _verify_in_order(checkpoints, chunk_size)
        if isinstance(outcome, VerifyResult):
            return outcome
        count, prev, last_seq = outcome

    latest_cp = max(checkpoints) if checkpoints else 0
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq = head.seq if head is not None else 0
    if latest_cp > last_seq or head_seq > last_seq:
        return VerifyResult(False, count, prev, last_seq + 1, _("events after this point were removed"))
    return VerifyResult(True, count, prev)
