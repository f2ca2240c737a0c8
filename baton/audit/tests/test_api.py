"""The audit trail over the API: reading, filtering, verifying, and exporting checkpoints."""

import datetime as dt

import pytest
from django.db import connection

from baton.audit.models import AuditCheckpoint, AuditEvent
from baton.audit.services import EventSpec, audit_checkpoint_write, audit_record, audit_record_many
from baton.core import clock
from baton.core.testing import MatrixCase, assert_matrix

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/audit/events/"
VERIFY = "/api/v1/audit/verify/"
CHECKPOINTS = "/api/v1/audit/checkpoints/"


def actions(response):
    return [row["action"] for row in response.json()["results"]]


def test_event_list_and_detail_matrix(org):
    seq = AuditEvent.objects.order_by("-seq").first().seq
    assert_matrix(org, MatrixCase(EVENTS, permitted="admin", no_permission="H0001", api=True))
    assert_matrix(org, MatrixCase(f"{EVENTS}{seq}/", permitted="admin", no_permission="H0001", api=True))


def test_verify_matrix(org):
    assert_matrix(org, MatrixCase(VERIFY, method="post", permitted="admin", no_permission="M0001", api=True))


def test_checkpoints_matrix(org):
    assert_matrix(org, MatrixCase(CHECKPOINTS, permitted="admin", no_permission="F0001", api=True))


def test_events_are_newest_first_and_addressed_by_sequence(org):
    event = audit_record(
        actor=org.user("H0001"),
        action="test.thing_done",
        object_type="test.thing",
        object_id="7",
        changes={"名称": "华南区"},
    )
    client = org.client_for("admin")

    first = client.get(EVENTS).json()["results"][0]
    detail = client.get(f"{EVENTS}{event.seq}/").json()

    assert first["seq"] == event.seq
    assert detail["action"] == "test.thing_done"
    assert detail["actor_label"] == "H0001"
    assert detail["changes"] == {"名称": "华南区"}
    assert detail["hash"] == event.hash and detail["prev_hash"] == event.prev_hash


def test_filters(org):
    alice = org.user("H0001")
    audit_record(actor=alice, action="org.employee_changed", object_type="org.employee", object_id="41")
    audit_record(actor=alice, action="org.employee_created", object_type="org.employee", object_id="42")
    audit_record(
        actor=org.user("S1101"),
        action="access.denied",
        object_type="employee",
        object_id="41",
        result="denied",
    )
    client = org.client_for("admin")

    assert actions(client.get(EVENTS, {"actor_label": "h0001"})) == [
        "org.employee_created",
        "org.employee_changed",
    ]
    assert actions(client.get(EVENTS, {"action": "org.employee_created"})) == ["org.employee_created"]
    assert set(actions(client.get(EVENTS, {"action": "org."}))) == {
        "org.employee_created",
        "org.employee_changed",
    }
    assert actions(client.get(EVENTS, {"object_type": "org.employee", "object_id": "41"})) == [
        "org.employee_changed"
    ]
    assert actions(client.get(EVENTS, {"result": "denied", "actor_label": "S1101"})) == ["access.denied"]


def test_time_window_filter(org):
    with clock.frozen_at(dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)):
        audit_record(actor=None, actor_label="system", action="test.early")
    with clock.frozen_at(dt.datetime(2025, 3, 2, 9, 0, tzinfo=dt.UTC)):
        audit_record(actor=None, actor_label="system", action="test.late")
    client = org.client_for("admin")

    window = client.get(EVENTS, {"since": "2025-03-01T00:00:00Z", "until": "2025-03-02T00:00:00Z"})
    after = client.get(EVENTS, {"since": "2025-03-02T08:00:00+08:00", "action": "test."})

    assert actions(window) == ["test.early"]
    assert actions(after) == ["test.late"]
    assert client.get(EVENTS, {"since": "yesterday"}).status_code == 400


def test_verify_reports_an_intact_chain_and_records_itself(org):
    count = AuditEvent.objects.count()

    response = org.client_for("admin").post(VERIFY)

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["count"] == count
    assert body["first_bad_seq"] is None and body["reason"] == ""
    verified = AuditEvent.objects.get(action="audit.verified")
    assert verified.actor_label == "admin"
    assert verified.changes["count"] == count
    assert verified.prev_hash == body["head_hash"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL triggers refuse the tampering itself")
def test_verify_names_the_first_tampered_event(org):
    target = AuditEvent.objects.order_by("seq")[2]
    AuditEvent.objects.filter(pk=target.pk).update(changes={"forged": True})

    body = org.client_for("admin").post(VERIFY).json()

    assert body["ok"] is False
    assert body["first_bad_seq"] == target.seq
    assert body["reason"]
    assert AuditEvent.objects.get(action="audit.verified").result == "failure"


def test_verify_takes_no_input(org):
    response = org.client_for("admin").post(VERIFY, {"full": True}, content_type="application/json")

    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="audit.verified").exists()


def test_checkpoints_export_oldest_first_with_signatures(org):
    first = audit_checkpoint_write()
    audit_record(actor=None, actor_label="system", action="test.more")
    second = audit_checkpoint_write()

    rows = org.client_for("admin").get(CHECKPOINTS).json()["results"]

    assert [r["seq"] for r in rows] == [first.seq, second.seq]
    assert rows[1] == {
        "seq": second.seq,
        "head_hash": second.head_hash,
        "signature": second.signature,
        "created_at": rows[1]["created_at"],
    }
    assert AuditCheckpoint.objects.count() == 2


def test_page_size_is_capped_at_500(org):
    audit_record_many(specs=[EventSpec(action="test.bulk", actor_label="system") for _ in range(520)])

    body = org.client_for("admin").get(EVENTS, {"page_size": 10000}).json()

    assert len(body["results"]) == 500
    assert body["next"]


EVENT_LIST_QUERIES = 8  # session (3), user, grants, count, page; nothing per row


@pytest.mark.parametrize("rows", [5, 50])
def test_event_list_query_count_does_not_grow_with_rows(org, rows, django_assert_max_num_queries):
    audit_record_many(
        specs=[
            EventSpec(
                action="test.bulk",
                actor=org.user("S1101"),
                object_type="org.employee",
                object_id=str(i),
                changes={"i": i},
            )
            for i in range(rows)
        ]
    )
    client = org.client_for("admin")

    with django_assert_max_num_queries(EVENT_LIST_QUERIES):
        response = client.get(EVENTS, {"action": "test.bulk", "page_size": 50})

    assert response.json()["count"] == rows
