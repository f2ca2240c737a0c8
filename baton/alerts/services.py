"""Raising and handling alerts."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from baton.alerts.models import OPEN_STATUSES, Alert, AlertStatus
from baton.audit.services import audit_record
from baton.core import clock
from baton.core.errors import InvalidInput


def alert_raise(**kwargs: Any) -> Alert:
    """Open an alert, or refresh the open one for the same rule and subject."""
    return alert_open(**kwargs)[0]


def alert_open(
    *,
    rule: str,
    subject_type: str,
    subject_id: str,
    severity: str,
    title: str,
    details: dict[str, Any] | None = None,
    category: str = "security",
    company: Any = None,
    team: Any = None,
    owner: Any = None,
    team_id: int | None = None,
    owner_id: int | None = None,
) -> tuple[Alert, bool]:
    """Open an alert, or refresh the open one for the same rule and subject; also says whether
    it is new (only a new alert notifies anyone)."""
    now = clock.now()
    with transaction.atomic():
        existing = (
            Alert.objects.select_for_update()
            .filter(rule=rule, subject_type=subject_type, subject_id=subject_id, status__in=OPEN_STATUSES)
            .first()
        )
        if existing is not None:
            existing.last_seen_at = now
            existing.details = details or existing.details
            existing.save(update_fields=["last_seen_at", "details"])
            return existing, False
        alert = Alert.objects.create(
            rule=rule,
            category=category,
            company=company,
            team_id=team.pk if team is not None else team_id,
            owner_id=owner.pk if owner is not None else owner_id,
            subject_type=subject_type,
            subject_id=subject_id,
            severity=severity,
            title=title[:300],
            details=details or {},
            raised_at=now,
            last_seen_at=now,
        )
        audit_record(
            actor=None,
            actor_label="system",
            action="alert.raised",
            target=alert,
            changes={"rule": rule, "subject": f"{subject_type}:{subject_id}", "severity": severity},
        )
    return alert, True


_TRANSITIONS = {
    AlertStatus.ACKNOWLEDGED: {AlertStatus.OPEN},
    AlertStatus.RESOLVED: {AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED},
    AlertStatus.DISMISSED: {AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED},
}


def alert_transition(*, actor: Any, alert: Alert, status: str, note: str = "") -> Alert:
    """Acknowledge, resolve or dismiss an alert (resolving and dismissing need a note)."""
    if status not in _TRANSITIONS:
        raise InvalidInput(fields={"status": [_("Unknown status.")]})
    if status in (AlertStatus.RESOLVED, AlertStatus.DISMISSED) and not note.strip():
        raise InvalidInput(fields={"note": [_("Please say why.")]})
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.status not in _TRANSITIONS[AlertStatus(status)]:
            raise InvalidInput(
                _("This alert is already %(status)s.") % {"status": alert.get_status_display()},
                code="invalid_transition",
            )
        before = alert.status
        alert.status = status
        if note:
            alert.note = note
        if status in (AlertStatus.RESOLVED, AlertStatus.DISMISSED):
            alert.closed_at = clock.now()
        alert.save(update_fields=["status", "note", "closed_at"])
        audit_record(
            actor=actor,
            action="alert.status_changed",
            target=alert,
            changes={"status": {"before": before, "after": status}, "note": note},
        )
    return alert
