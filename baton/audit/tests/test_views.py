"""The audit log pages: search, object history, Beijing time, and verifying the chain."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client

from baton.audit.models import AuditEvent, AuditResult
from baton.audit.services import audit_record
from baton.core import clock
from baton.core.testing import MatrixCase, assert_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_event_list_matrix(org):
    assert_matrix(org, MatrixCase(url="/audit/", permitted="admin", no_permission="S1101"))


def test_object_history_matrix(org):
    url = f"/audit/object/org.employee/{org.employees['S1101'].pk}/"
    assert_matrix(org, MatrixCase(url=url, permitted="admin", no_permission="H0001"))


def test_verify_matrix(org):
    assert_matrix(
        org,
        MatrixCase(
            url="/audit/verify/", method="post", permitted="admin", no_permission="S1101", ok_status=302
        ),
    )


def seqs(response):
    return [e.seq for e in response.context["events"]]


def test_filters_by_actor_action_object_and_result(org):
    employee = org.employees["S1102"]
    audit_record(actor=org.user("S1100"), action="employee.reveal", target=employee)
    audit_record(
        actor=org.user("S1101"), action="access.denied", object_type="employee", result=AuditResult.DENIED
    )
    client = org.client_for("admin")

    by_actor = client.get("/audit/", {"actor_label": "s1100"})
    assert {e.actor_label for e in by_actor.context["events"]} == {"S1100"}
    by_action = client.get("/audit/", {"action": "employee.reveal"})
    assert [e.action for e in by_action.context["events"]] == ["employee.reveal"]
    by_prefix = client.get("/audit/", {"action": "access."})
    assert {e.action for e in by_prefix.context["events"]} == {"access.denied"}
    by_object = client.get("/audit/", {"object_type": "org.employee", "object_id": str(employee.pk)})
    assert {(e.object_type, e.object_id) for e in by_object.context["events"]} == {
        ("org.employee", str(employee.pk))
    }
    denied = client.get("/audit/", {"result": "denied"})
    assert denied.context["events"] and {e.result for e in denied.context["events"]} == {"denied"}


def test_time_filter_and_display_are_beijing_time(org):
    moment = dt.datetime(2026, 1, 1, 0, 30, tzinfo=dt.UTC)  # 08:30 in Beijing
    with clock.frozen_at(moment):
        event = audit_record(actor=org.user("S1101"), action="test.timed")
    client = org.client_for("admin")
    page = client.get("/audit/", {"action": "test.timed"}).content.decode()
    assert "2026-01-01 08:30:00" in page
    inside = client.get("/audit/", {"since": "2026-01-01T08:00", "until": "2026-01-01T09:00"})
    assert seqs(inside) == [event.seq]
    outside = client.get("/audit/", {"since": "2026-01-01T08:31"})
    assert event.seq not in seqs(outside)


def test_object_history_lists_only_that_object(org):
    employee = org.employees["S1101"]
    audit_record(actor=org.user("H0001"), action="org.employee_changed", target=employee)
    audit_record(actor=org.user("H0001"), action="org.employee_changed", target=org.employees["S1102"])
    page = org.client_for("admin").get(f"/audit/object/org.employee/{employee.pk}/")
    assert {e.object_id for e in page.context["events"]} == {str(employee.pk)}


def test_htmx_filter_gets_the_results_fragment(org):
    response = org.client_for("admin").get("/audit/", {"action": "auth."}, HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert response.templates[0].name == "audit/_event_results.html"


def test_verify_shows_ok_and_is_itself_audited(org):
    response = org.client_for("admin").post("/audit/verify/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "OK" in body and "intact" in body
    event = AuditEvent.objects.filter(action="audit.verified").latest("seq")
    assert event.actor_label == "admin"
    assert event.changes["ok"] is True and event.changes["count"] > 0


@pytest.fixture
def tamperable():
    """Play a database administrator who bypasses the append-only triggers (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def test_verify_shows_fail_when_the_chain_is_broken(org, tamperable):
    first = AuditEvent.objects.order_by("seq").first()
    AuditEvent.objects.filter(pk=first.pk).update(action="tampered")
    response = org.client_for("admin").post("/audit/verify/", HTTP_HX_REQUEST="true")
    assert "FAIL" in response.content.decode()
    assert AuditEvent.objects.filter(action="audit.verified").latest("seq").changes["ok"] is False


def test_verify_is_post_only(org):
    assert org.client_for("admin").get("/audit/verify/").status_code == 405


AUDIT_LIST_QUERIES = 9  # + the unread-notification count in the header


def test_audit_list_query_count_is_bounded(org, django_assert_max_num_queries):
    client = org.client_for("admin")
    with django_assert_max_num_queries(AUDIT_LIST_QUERIES):
        assert client.get("/audit/").status_code == 200
    for i in range(80):
        audit_record(
            actor=org.user("S1101"), action="test.bulk", object_type="org.employee", object_id=str(i)
        )
    with django_assert_max_num_queries(AUDIT_LIST_QUERIES):
        response = client.get("/audit/")
    assert len(response.context["events"]) == 50


def test_anonymous_verify_goes_to_login(org):
    before = AuditEvent.objects.filter(action="audit.verified").count()
    response = Client().post("/audit/verify/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="audit.verified").count() == before
