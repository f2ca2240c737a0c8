"""Raising and handling alerts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from baton.alerts.models import OPEN_STATUSES, Alert, AlertStatus
from baton.audit.services import EventSpec, audit_record, audit_record_many
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


@dataclass(frozen=True)
class AlertSpec:
    """One alert for ``alerts_open``: the arguments of ``alert_open`` but the company."""

    rule: str
    subject_type: str
    subject_id: str
    severity: str
    title: str
    details: dict[str, Any] = field(default_factory=dict)
    category: str = "security"
    team_id: int | None = None
    owner_id: int | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.rule, self.subject_type, self.subject_id)


# Subjects looked up per query (well under SQLite's limit of bound parameters).
LOOKUP_CHUNK = 500


def alerts_open(*, specs: Sequence[AlertSpec], company: Any = None) -> list[tuple[Alert, bool]]:
    """``alert_open`` for many subjects at once, in a few statements whatever their number: the
    open alerts of the subjects locked in one query per rule and 500 subjects, the new alerts
    inserted together, their ``alert.raised`` events appended under one lock of the audit chain,
    the refreshed ones updated together. Returns (alert, new?) per spec, in order; a subject
    given twice is opened once and then refreshed, as two ``alert_open`` calls would do.

    Should another transaction open one of the subjects meanwhile (the one-open-alert
    constraint fails), the batch is retried one ``alert_open`` at a time."""
    if not specs:
        return []
    try:
        with transaction.atomic():
            return _alerts_open_batch(specs, company)
    except IntegrityError:
        return [alert_open(**vars(spec), company=company) for spec in specs]


def _open_alerts_of(specs: Sequence[AlertSpec]) -> dict[tuple[str, str, str], Alert]:
    """The open alerts of the specs' subjects, locked, by (rule, subject type, subject id)."""
    subjects: dict[tuple[str, str], list[str]] = {}
    for spec in specs:
        subjects.setdefault((spec.rule, spec.subject_type), []).append(spec.subject_id)
    found: dict[tuple[str, str, str], Alert] = {}
    for (rule, subject_type), ids in subjects.items():
        unique = sorted(set(ids))
        for start in range(0, len(unique), LOOKUP_CHUNK):
            rows = Alert.objects.select_for_update().filter(
                rule=rule,
                subject_type=subject_type,
                subject_id__in=unique[start : start + LOOKUP_CHUNK],
                status__in=OPEN_STATUSES,
            )
            found.update({(a.rule, a.subject_type, a.subject_id): a for a in rows})
    return found


def _alerts_open_batch(specs: Sequence[AlertSpec], company: Any) -> list[tuple[Alert, bool]]:
    now = clock.now()
    known = _open_alerts_of(specs)
    results: list[tuple[Alert, bool]] = []
    refreshed: dict[int, Alert] = {}
    new: list[Alert] = []
    for spec in specs:
        alert = known.get(spec.key)
        if alert is not None:
            alert.last_seen_at = now
            alert.details = spec.details or alert.details
            if alert.pk is not None:
                refreshed[alert.pk] = alert
            results.append((alert, False))
            continue
        alert = Alert(
            rule=spec.rule,
            category=spec.category,
            company=company,
            team_id=spec.team_id,
            owner_id=spec.owner_id,
            subject_type=spec.subject_type,
            subject_id=spec.subject_id,
            severity=spec.severity,
            title=spec.title[:300],
            details=spec.details or {},
            raised_at=now,
            last_seen_at=now,
        )
        known[spec.key] = alert
        new.append(alert)
        results.append((alert, True))
    if refreshed:
        fields = ["last_seen_at", "details"]
        Alert.objects.bulk_update(list(refreshed.values()), fields, batch_size=LOOKUP_CHUNK)
    if new:
        Alert.objects.bulk_create(new)
        audit_record_many(specs=[_raised_event(alert) for alert in new])
    return results


def _raised_event(alert: Alert) -> EventSpec:
    return EventSpec(
        action="alert.raised",
        actor_label="system",
        object_type="alerts.alert",
        object_id=str(alert.pk),
        changes={
            "rule": alert.rule,
            "subject": f"{alert.subject_type}:{alert.subject_id}",
            "severity": alert.severity,
        },
    )


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
