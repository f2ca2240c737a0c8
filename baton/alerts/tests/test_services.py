"""alerts_open: many alerts opened or refreshed at once, exactly as one alert_open each would."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baton.alerts import services
from baton.alerts.models import Alert, AlertStatus
from baton.alerts.services import AlertSpec, alert_open, alert_transition, alerts_open
from baton.audit.models import AuditEvent
from baton.audit.selectors import audit_verify
from baton.core import clock

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)


def spec(n: int, **kwargs) -> AlertSpec:
    fields = {
        "rule": "R2",
        "category": "churn",
        "subject_type": "customers.customer",
        "subject_id": str(n),
        "severity": "medium",
        "title": f"客户 {n} 订单连续三个月下降",
        "details": {"n": n},
    } | kwargs
    return AlertSpec(**fields)


def test_new_subjects_open_alerts_with_their_audit_events_in_order(org):
    employee, team = org.employees["S1101"], org.teams["south1"]
    with clock.frozen_at(T0):
        opened = alerts_open(
            specs=[spec(1, owner_id=employee.pk, team_id=team.pk), spec(2, severity="high")],
            company=org.company,
        )

    assert [created for _alert, created in opened] == [True, True]
    first, second = (alert for alert, _created in opened)
    assert first.pk and second.pk and first.pk != second.pk
    stored = Alert.objects.get(pk=first.pk)
    assert (stored.rule, stored.category, stored.subject_id, stored.status) == ("R2", "churn", "1", "open")
    assert (stored.owner_id, stored.team_id, stored.company_id) == (employee.pk, team.pk, org.company.pk)
    assert stored.raised_at == stored.last_seen_at == T0 and stored.details == {"n": 1}
    events = list(AuditEvent.objects.filter(action="alert.raised").order_by("seq"))
    assert [(e.object_type, e.object_id) for e in events] == [
        ("alerts.alert", str(first.pk)),
        ("alerts.alert", str(second.pk)),
    ]
    assert events[1].changes == {"rule": "R2", "subject": "customers.customer:2", "severity": "high"}
    assert events[0].actor_label == "system" and events[0].actor_id is None
    assert audit_verify().ok


def test_open_subjects_are_refreshed_and_tell_nobody_new(org):
    with clock.frozen_at(T0):
        old, _new = alert_open(**vars(spec(1)), company=org.company)
    later = T0 + dt.timedelta(days=1)
    with clock.frozen_at(later):
        opened = alerts_open(specs=[spec(1, details={"n": 10}), spec(2)], company=org.company)

    assert [(a.pk == old.pk, created) for a, created in opened] == [(True, False), (False, True)]
    old.refresh_from_db()
    assert old.last_seen_at == later and old.raised_at == T0 and old.details == {"n": 10}
    assert AuditEvent.objects.filter(action="alert.raised").count() == 2  # one each, no more


def test_a_closed_alert_does_not_stop_a_new_one(org):
    closed, _new = alert_open(**vars(spec(1)), company=org.company)
    alert_transition(actor=None, alert=closed, status=AlertStatus.RESOLVED, note="called back")

    [(alert, created)] = alerts_open(specs=[spec(1)], company=org.company)

    assert created and alert.pk != closed.pk
    assert Alert.objects.filter(subject_id="1").count() == 2


def test_a_subject_twice_in_one_batch_opens_once_then_refreshes(org):
    opened = alerts_open(specs=[spec(1), spec(1, details={"n": 2})], company=org.company)

    assert [created for _a, created in opened] == [True, False]
    assert opened[0][0] is opened[1][0]
    assert Alert.objects.get().details == {"n": 2}
    assert AuditEvent.objects.filter(action="alert.raised").count() == 1


def queries(specs: list[AlertSpec], org) -> int:
    with CaptureQueriesContext(connection) as ctx:
        alerts_open(specs=specs, company=org.company)
    return len(ctx)


def test_the_statements_do_not_grow_with_the_batch(org):
    alerts_open(specs=[spec(0)], company=org.company)  # the chain head exists

    few, many = queries([spec(n) for n in range(1, 4)], org), queries([spec(n) for n in range(10, 40)], org)
    again = queries([spec(n) for n in range(10, 40)], org)  # all open already: refreshed

    # savepoint, look-up, insert, the audit chain (savepoint, head, events, head, release), release
    assert few == many <= 9
    assert again <= 4  # savepoint, look-up, one update, release


def test_the_lookup_goes_in_chunks(org, monkeypatch):
    monkeypatch.setattr(services, "LOOKUP_CHUNK", 2)
    alerts_open(specs=[spec(n) for n in range(5)], company=org.company)

    opened = alerts_open(specs=[spec(n) for n in range(6)], company=org.company)

    assert [created for _a, created in opened] == [False] * 5 + [True]
    assert Alert.objects.count() == 6


def test_a_subject_opened_meanwhile_by_another_run_falls_back_to_one_at_a_time(org):
    """Another transaction opened subject 1 after our look-up saw nothing: no duplicate."""
    racer, _new = alert_open(**vars(spec(1)), company=org.company)
    with mock.patch.object(services, "_open_alerts_of", return_value={}):
        opened = alerts_open(specs=[spec(1), spec(2)], company=org.company)

    assert [(a.pk == racer.pk, created) for a, created in opened] == [(True, False), (False, True)]
    assert Alert.objects.filter(subject_id="1").count() == 1
    assert AuditEvent.objects.filter(action="alert.raised").count() == 2
    assert audit_verify().ok


def test_nothing_to_open_does_nothing(org):
    with CaptureQueriesContext(connection) as ctx:
        assert alerts_open(specs=[], company=org.company) == []
    assert len(ctx) == 0
