"""R8 (signs of data being taken out) and R9 (repeated out-of-scope access)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baton.alerts.models import Alert, AlertStatus
from baton.alerts.services import alert_transition
from baton.authz.services import access_denied_record
from baton.core import clock
from baton.notifications.models import Notification
from baton.risk import registry
from baton.risk.models import AccessCounter, AccessKind
from baton.risk.rules.security import bucket_start
from baton.risk.services import risk_scan, rule_setting_update
from baton.risk.services_access import access_count

pytestmark = pytest.mark.django_db

# 2026-11-02 10:20 in Shanghai.
NOW = dt.datetime(2026, 11, 2, 2, 20, tzinfo=dt.UTC)


def r8(crm, **params):
    company = crm.org.company.pk
    rule_setting_update(actor=crm.org.users["admin"], company_id=company, code="R8", params=params)


def alerts_about(user):
    return Alert.objects.filter(subject_type="accounts.user", subject_id=str(user.pk))


def told(alert):
    return set(
        Notification.objects.filter(key=f"alert:{alert.pk}").values_list("recipient__employee_no", flat=True)
    )


# --- R8: the counter -------------------------------------------------------------------------


def test_opening_a_customer_page_counts_in_the_hour_with_one_extra_query(crm, monkeypatch):
    client = crm.org.client_for("S1101")
    page = f"/customers/{crm.customers['c1'].pk}/"
    user = crm.org.users["S1101"]
    with clock.frozen_at(NOW):
        assert client.get(page).status_code == 200  # warms the session
        with CaptureQueriesContext(connection) as counted:
            assert client.get(page).status_code == 200
        monkeypatch.setattr("baton.customers.views.profile.access_count", lambda **kwargs: 0)
        with CaptureQueriesContext(connection) as uncounted:
            assert client.get(page).status_code == 200
    assert len(counted) - len(uncounted) == 1
    row = AccessCounter.objects.get(user=user, kind=AccessKind.CUSTOMER_VIEW)
    assert row.count == 2 and row.bucket_start == dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)


def test_the_customer_api_counts_reads_of_one_customer_not_lists(crm):
    client = crm.org.client_for("S1101")
    c1 = crm.customers["c1"].pk
    with clock.frozen_at(NOW):
        assert client.get(f"/api/v1/customers/{c1}/").status_code == 200
        assert client.get(f"/api/v1/customers/{c1}/profile/").status_code == 200
        assert client.get("/api/v1/customers/").status_code == 200
    row = AccessCounter.objects.get(user=crm.org.users["S1101"], kind=AccessKind.CUSTOMER_VIEW)
    assert row.count == 2


def test_a_reveal_is_counted_for_the_day(crm):
    from baton.customers.services import contact_reveal

    contact = crm.customers["c1"].contacts.get()
    with clock.frozen_at(NOW):
        contact_reveal(actor=crm.org.users["S1101"], contact=contact)
        contact_reveal(actor=crm.org.users["S1101"], contact=contact)
    row = AccessCounter.objects.get(kind=AccessKind.FIELD_REVEAL)
    assert row.count == 2
    # The day is Shanghai's: it starts at 16:00 UTC the evening before.
    assert row.bucket_start == dt.datetime(2026, 11, 1, 16, 0, tzinfo=dt.UTC)


def test_buckets_are_clock_hours_and_shanghai_days():
    late = dt.datetime(2026, 11, 2, 15, 59, tzinfo=dt.UTC)  # 23:59 in Shanghai
    assert bucket_start(AccessKind.CUSTOMER_VIEW, late) == dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)
    assert bucket_start(AccessKind.EXPORT_ROWS, late) == dt.datetime(2026, 11, 1, 16, 0, tzinfo=dt.UTC)
    assert bucket_start(AccessKind.EXPORT_ROWS, late + dt.timedelta(minutes=1)) == late + dt.timedelta(
        minutes=1
    )


# --- R8: at the threshold and just below -----------------------------------------------------


def test_opening_more_customers_than_the_hourly_line_alerts_the_administrators(crm):
    r8(crm, customer_views_per_hour=3)
    client = crm.org.client_for("S1101")
    user = crm.org.users["S1101"]
    page = f"/customers/{crm.customers['c1'].pk}/"
    with clock.frozen_at(NOW):
        for _ in range(3):
            assert client.get(page).status_code == 200
        assert not alerts_about(user).exists()  # three is the line, not over it
        assert client.get(page).status_code == 200
    alert = alerts_about(user).get()
    assert (alert.rule, alert.category, alert.severity) == ("R8", "security", "high")
    assert alert.company_id == crm.org.company.pk and alert.owner_id is None
    assert alert.details["signals"] == [
        {"kind": "customer_view", "from": "2026-11-02T02:00:00+00:00", "count": 4, "limit": 3}
    ]
    assert "S1101" in alert.title
    assert told(alert) == {"admin"}
    with clock.frozen_at(NOW):
        client.get(page)
        assert risk_scan(now=NOW, codes=["R8"]) == {"R8": 0}
    assert alerts_about(user).count() == 1 and told(alert) == {"admin"}


def test_the_next_hour_starts_from_zero(crm):
    r8(crm, customer_views_per_hour=3)
    user = crm.org.users["S1101"]
    for minute in (50, 55, 59):
        access_count(user=user, kind=AccessKind.CUSTOMER_VIEW, now=NOW.replace(hour=1, minute=minute))
    for minute in (0, 5, 10):
        access_count(user=user, kind=AccessKind.CUSTOMER_VIEW, now=NOW.replace(minute=minute))
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("kind", "param", "line"),
    [
        (AccessKind.EXPORT_ROWS, "export_rows_per_day", 2000),
        (AccessKind.DOCUMENT_DOWNLOAD, "downloads_per_day", 50),
        (AccessKind.FIELD_REVEAL, "reveals_per_day", 20),
    ],
)
def test_each_daily_signal_alerts_just_over_its_default_line(crm, kind, param, line):
    user = crm.org.users["S1102"]
    assert access_count(user=user, kind=kind, now=NOW, amount=line - 1) == line - 1
    assert access_count(user=user, kind=kind, now=NOW + dt.timedelta(hours=5)) == line
    assert not Alert.objects.exists()
    access_count(user=user, kind=kind, now=NOW + dt.timedelta(hours=6))
    alert = Alert.objects.get(rule="R8")
    assert alert.details["signals"][0]["kind"] == kind and alert.details["signals"][0]["limit"] == line


def test_an_export_counts_its_rows_once_per_file(crm):
    from baton.exchange.services.exports import export_download, export_request

    r8(crm, export_rows_per_day=1)
    manager = crm.org.users["S1000"]  # the department head exports the department's customers
    with clock.frozen_at(NOW):
        export = export_request(actor=manager, format="csv")
        export_download(actor=manager, export=export)
        export_download(actor=manager, export=export)
    row = AccessCounter.objects.get(user=manager, kind=AccessKind.EXPORT_ROWS)
    assert row.count == export.customer_count >= 2
    assert Alert.objects.get(rule="R8").details["signals"][0]["count"] == row.count


def test_a_switched_off_r8_counts_but_never_alerts(crm):
    rule_setting_update(actor=None, company_id=crm.org.company.pk, code="R8", enabled=False)
    access_count(user=crm.org.users["S1101"], kind=AccessKind.FIELD_REVEAL, now=NOW, amount=500)
    assert AccessCounter.objects.get().count == 500
    assert risk_scan(now=NOW, codes=["R8"]) == {}
    assert not Alert.objects.exists()


# --- R8: the daily scan ----------------------------------------------------------------------


def _counted(user, kind, count, at=NOW):
    return AccessCounter.objects.create(
        user=user, kind=kind, bucket_start=bucket_start(kind, at), count=count
    )


def test_the_daily_scan_catches_counts_over_the_line_in_the_last_day(crm):
    s1101, s1102 = crm.org.users["S1101"], crm.org.users["S1102"]
    _counted(s1101, AccessKind.CUSTOMER_VIEW, 61, at=NOW - dt.timedelta(hours=20))
    _counted(s1101, AccessKind.FIELD_REVEAL, 21)
    _counted(s1102, AccessKind.CUSTOMER_VIEW, 60)  # at the line
    _counted(s1102, AccessKind.DOCUMENT_DOWNLOAD, 51, at=NOW - dt.timedelta(days=3))  # too old
    assert risk_scan(now=NOW, codes=["R8"]) == {"R8": 1}
    alert = alerts_about(s1101).get()
    assert {s["kind"] for s in alert.details["signals"]} == {"customer_view", "field_reveal"}
    assert risk_scan(now=NOW, codes=["R8"]) == {"R8": 0}
    # Once resolved, the same counts do not raise it again.
    alert_transition(
        actor=crm.org.users["admin"], alert=alert, status=AlertStatus.RESOLVED, note="查过，正常"
    )
    assert risk_scan(now=NOW + dt.timedelta(hours=1), codes=["R8"]) == {"R8": 0}


def test_the_scan_reads_the_counters_in_a_fixed_number_of_queries(crm, django_assert_max_num_queries):
    for no in ("S1101", "S1102", "S1201", "E2001"):
        _counted(crm.org.users[no], AccessKind.CUSTOMER_VIEW, 100)
    rule = registry.get("R8")
    with django_assert_max_num_queries(2):
        findings = rule.scan(company=crm.org.company, now=NOW, params=rule.defaults())
    assert len(findings) == 4


# --- R9 --------------------------------------------------------------------------------------


def deny(user, n=1):
    for _ in range(n):
        access_denied_record(
            user=user, resource="customer", action="view", object_id="1", reason="out_of_scope"
        )


def test_repeated_404s_on_customers_out_of_scope_raise_r9(crm):
    client = crm.org.client_for("S1101")
    user = crm.org.users["S1101"]
    elsewhere = f"/api/v1/customers/{crm.customers['c4'].pk}/"  # E2001's, in the East
    for _ in range(4):
        assert client.get(elsewhere).status_code == 404
    assert not alerts_about(user).exists()
    assert client.get(elsewhere).status_code == 404
    alert = alerts_about(user).get()
    assert (alert.rule, alert.category, alert.severity) == ("R9", "security", "high")
    assert alert.details == {"denied_in_window": 5, "window_seconds": 600}
    assert alert.company_id == crm.org.company.pk
    assert told(alert) == {"admin"}
    assert client.get(elsewhere).status_code == 404
    assert alerts_about(user).count() == 1


def test_r9_follows_the_company_settings(crm):
    user = crm.org.users["S1102"]
    rule_setting_update(
        actor=None, company_id=crm.org.company.pk, code="R9", params={"attempts": 3, "minutes": 15}
    )
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    for i in range(2):
        with clock.frozen_at(start + dt.timedelta(minutes=6 * i)):
            deny(user)
    assert not Alert.objects.exists()
    with clock.frozen_at(start + dt.timedelta(minutes=12)):  # three within 15 minutes
        deny(user)
    assert alerts_about(user).get().details == {"denied_in_window": 3, "window_seconds": 900}


def test_a_switched_off_r9_still_audits_every_refusal(crm):
    from baton.audit.models import AuditEvent

    rule_setting_update(actor=None, company_id=crm.org.company.pk, code="R9", enabled=False)
    deny(crm.org.users["S1101"], 6)
    assert AuditEvent.objects.filter(action="access.denied").count() == 6
    assert not Alert.objects.exists()


def test_an_account_without_an_employee_is_held_to_the_defaults(db):
    from baton.accounts.models import User

    user = User.objects.create_user("X9001")
    deny(user, 4)
    assert not Alert.objects.exists()
    deny(user, 1)
    alert = alerts_about(user).get()
    assert alert.rule == "R9" and alert.company_id is None
