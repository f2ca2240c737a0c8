"""Verifying the audit chain on someone's request, which is itself an audited act."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from baton.audit.models import AuditResult
from baton.audit.selectors import VerifyResult, audit_verify
from baton.audit.services import audit_record


def audit_chain_verify(*, actor: Any) -> VerifyResult:
    """Recompute the whole chain (see ``audit_verify``) and record that ``actor`` did so.

    The ``audit.verified`` event is appended after the check, so it is not covered by the
    result it reports; the next verification covers it.
    """
    result = audit_verify()
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="audit.verified",
            object_type="audit.chain",
            changes={
                "ok": result.ok,
                "count": result.count,
                "head_hash": result.head_hash,
                "first_bad_seq": result.first_bad_seq,
            },
            result=AuditResult.SUCCESS if result.ok else AuditResult.FAILURE,
        )
    return result
