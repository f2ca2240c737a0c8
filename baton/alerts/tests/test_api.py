"""Security alerts over the API: administrators read and handle them; every step is audited."""

import pytest

from baton.alerts.models import Alert
from baton.alerts.services import alert_raise
from baton.audit.models import AuditEvent
from baton.core.testing import MatrixCase, assert_matrix

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"


@pytest.fixture
def alert(org):
    return alert_raise(
        rule="R9",
        subject_type="accounts.user",
        subject_id=str(org.user("S1101").pk),
        severity="high",
        title="Repeated out-of-scope access attempts by S1101",
        details={"denied_in_window": 5},
    )


def post(client, url, data=None):
    return client.post(url, data if data is not None else {}, content_type="application/json")


def test_alert_list_and_detail_matrix(org, alert):
    assert_matrix(org, MatrixCase(ALERTS, permitted="admin", no_permission="H0001", api=True))
    assert_matrix(org, MatrixCase(f"{ALERTS}{alert.pk}/", permitted="admin", no_permission="M0001", api=True))


@pytest.mark.parametrize("step", ["acknowledge", "resolve", "dismiss"])
def test_transition_matrix(org, alert, step):
    assert_matrix(
        org,
        MatrixCase(
            f"{ALERTS}{alert.pk}/{step}/",
            method="post",
            data={"note": "checked with HR"},
            permitted="admin",
            no_permission="H0001",
            api=True,
        ),
    )


def test_list_shows_the_alert_and_filters_by_status(org, alert):
    client = org.client_for("admin")

    open_rows = client.get(ALERTS, {"status": "open"}).json()["results"]
    resolved_rows = client.get(ALERTS, {"status": "resolved"}).json()["results"]

    assert [(r["id"], r["rule"], r["severity"]) for r in open_rows] == [(alert.pk, "R9", "high")]
    assert open_rows[0]["details"] == {"denied_in_window": 5}
    assert resolved_rows == []


def test_acknowledge_then_resolve_with_a_note(org, alert):
    client = org.client_for("admin")

    acknowledged = post(client, f"{ALERTS}{alert.pk}/acknowledge/")
    resolved = post(
        client, f"{ALERTS}{alert.pk}/resolve/", {"note": "S1101 was helping a colleague; briefed."}
    )

    assert acknowledged.json()["status"] == "acknowledged"
    body = resolved.json()
    assert body["status"] == "resolved" and body["closed_at"]
    assert body["note"] == "S1101 was helping a colleague; briefed."
    steps = AuditEvent.objects.filter(action="alert.status_changed", object_id=str(alert.pk)).order_by("seq")
    assert [e.changes["status"]["after"] for e in steps] == ["acknowledged", "resolved"]


def test_resolving_needs_a_note(org, alert):
    response = post(org.client_for("admin"), f"{ALERTS}{alert.pk}/resolve/", {"note": "  "})

    assert response.status_code == 400
    assert "note" in response.json()["error"]["fields"]
    assert Alert.objects.get(pk=alert.pk).status == "open"


def test_a_closed_alert_cannot_be_dismissed(org, alert):
    client = org.client_for("admin")
    post(client, f"{ALERTS}{alert.pk}/dismiss/", {"note": "false positive"})

    response = post(client, f"{ALERTS}{alert.pk}/dismiss/", {"note": "again"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_transition"


def test_transition_refuses_unknown_fields(org, alert):
    response = post(org.client_for("admin"), f"{ALERTS}{alert.pk}/resolve/", {"note": "ok", "status": "open"})

    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]
    assert Alert.objects.get(pk=alert.pk).status == "open"


def test_missing_alert_is_404(org):
    assert org.client_for("admin").get(f"{ALERTS}999999/").status_code == 404
