"""Denied accesses are audited, and five in ten minutes raise a security alert (R9)."""

import datetime as dt

import pytest

from baton.alerts.models import Alert
from baton.audit.models import AuditEvent
from baton.authz.models import Role
from baton.authz.services import access_denied_record, grant_set
from baton.core import clock
from baton.org.selectors import employees_visible_to

pytestmark = pytest.mark.django_db


def deny(user, n=1):
    for _ in range(n):
        access_denied_record(
            user=user, resource="employee", action="view", object_id="1", reason="out_of_scope"
        )


def test_each_denial_is_audited(org):
    deny(org.user("S1101"), 2)
    assert (
        AuditEvent.objects.filter(action="access.denied", actor_label="S1101", result="denied").count() == 2
    )


def test_four_denials_raise_no_alert_five_raise_one(org):
    user = org.user("S1101")
    deny(user, 4)
    assert not Alert.objects.exists()
    deny(user, 1)
    assert Alert.objects.filter(rule="R9", subject_id=str(user.pk)).count() == 1
    deny(user, 3)  # still one open alert for the same subject
    assert Alert.objects.filter(rule="R9").count() == 1


def test_denials_spread_beyond_ten_minutes_raise_nothing(org):
    user = org.user("S1101")
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    for i in range(5):
        with clock.frozen_at(start + dt.timedelta(minutes=3 * i)):
            deny(user)
    assert not Alert.objects.exists()


def test_admin_can_widen_a_role_scope_and_it_is_audited(org):
    sales = Role.objects.get(code="sales")
    grant_set(actor=org.user("admin"), role=sales, resource="employee", action="view", scope="department")
    visible = set(employees_visible_to(user=org.user("S1101")).values_list("employee_no", flat=True))
    assert "S1201" in visible and "E2001" not in visible
    event = AuditEvent.objects.filter(action="authz.grant_changed").latest("seq")
    assert event.changes == {"employee.view": {"before": "team", "after": "department"}}
