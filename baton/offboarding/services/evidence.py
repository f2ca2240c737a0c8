"""Handing out a copy of handover evidence: every download is recorded."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from baton.audit.services import audit_record
from baton.offboarding.models import HandoverEvidence


def evidence_download_record(*, actor: Any, evidence: HandoverEvidence) -> None:
    """Record that ``actor`` took a copy of an evidence file, with the SHA-256 of what was handed
    out. The caller has loaded ``evidence`` through the case scope."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="offboarding.evidence_downloaded",
            target=evidence,
            changes={
                "case": evidence.item.case_id,
                "item": evidence.item.code,
                "name": evidence.name,
                "sha256": evidence.sha256,
            },
        )
