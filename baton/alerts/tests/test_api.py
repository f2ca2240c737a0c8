"""The alert centre over the API: the same scopes, filters and counts as the pages; handling an
alert needs the change grant of its kind, and every step is audited."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baton.alerts.models import Alert, AlertStatus
from baton.alerts.tests.factories import risk_alert, security_alert
from baton.audit.models import AuditEvent
from baton.core.testing import MatrixCase, assert_matrix

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"


def post(client, url, data=None):
    return client.post(url, data if data is not None else {}, content_type="application/json")


def ids(response):
    return [row["id"] for row in response.json()["results"]]


# --- Permissions -------------------------------------------------------------------------------


def test_list_and_detail_matrix(org):
    alert = risk_alert(org, team="south2", owner="S1201")

    assert_matrix(org, MatrixCase(ALERTS, permitted="S1100", no_permission="X0001", api=True))
    assert_matrix(org, MatrixCase(f"{ALERTS}counts/", permitted="S1100", no_permission="X0001", api=True))
    assert_matrix(
        org,
        MatrixCase(
            f"{ALERTS}{alert.pk}/", permitted="S1000", no_permission="X0001", out_of_scope="S1100", api=True
        ),
    )


@pytest.mark.parametrize("step", ["acknowledge", "resolve", "dismiss"])
def test_transition_matrix(org, step):
    alert = risk_alert(org, team="south2", owner="S1201")
    assert_matrix(
        org,
        MatrixCase(
            f"{ALERTS}{alert.pk}/{step}/",
            method="post",
            data={"note": "已与客户确认"},
            permitted="M0001",
            no_permission="H0001",  # sees risk alerts, may not handle them
            out_of_scope="S1100",
            api=True,
        ),
    )


def test_security_alerts_need_the_security_grant(org):
    alert = security_alert(org)

    # Management handles risk alerts, not security ones: the alert does not exist for them
    assert org.client_for("M0001").get(f"{ALERTS}{alert.pk}/").status_code == 404
    assert post(org.client_for("M0001"), f"{ALERTS}{alert.pk}/acknowledge/").status_code == 404
    assert ids(org.client_for("M0001").get(ALERTS)) == []
    assert ids(org.client_for("admin").get(ALERTS)) == [alert.pk]
    assert (
        post(org.client_for("admin"), f"{ALERTS}{alert.pk}/acknowledge/").json()["status"] == "acknowledged"
    )


def test_scopes_by_role(org):
    mine = risk_alert(org, 1, owner="S1101")
    other_team = risk_alert(org, 2, team="south2", owner="S1201")

    assert ids(org.client_for("S1101").get(ALERTS)) == [mine.pk]
    assert ids(org.client_for("S1100").get(ALERTS)) == [mine.pk]
    assert set(ids(org.client_for("M0001").get(ALERTS))) == {mine.pk, other_team.pk}


def test_missing_alert_is_404(org):
    assert org.client_for("admin").get(f"{ALERTS}999999/").status_code == 404


# --- Filters and counts ------------------------------------------------------------------------


def test_filters_and_counts(org):
    churn = risk_alert(org, 1, severity="high", title="客户 A 连续 60 天无订单")
    concentration = risk_alert(org, 2, rule="R3", category="concentration", team="south2", owner="S1201")
    resolved = risk_alert(org, 3)
    Alert.objects.filter(pk=resolved.pk).update(status=AlertStatus.RESOLVED)
    client = org.client_for("M0001")

    assert ids(client.get(ALERTS, {"category": "concentration"})) == [concentration.pk]
    assert ids(client.get(ALERTS, {"severity": "high"})) == [churn.pk]
    assert ids(client.get(ALERTS, {"team": org.teams["south2"].pk})) == [concentration.pk]
    assert ids(client.get(ALERTS, {"q": "无订单"})) == [churn.pk]
    assert set(ids(client.get(ALERTS, {"status": "active"}))) == {churn.pk, concentration.pk}
    assert ids(client.get(ALERTS, {"status": "resolved", "period": "7"})) == [resolved.pk]

    counts = client.get(f"{ALERTS}counts/", {"category": "churn"}).json()
    assert counts["total"] == 2
    assert counts["status"] == {"open": 1, "acknowledged": 0, "resolved": 1, "dismissed": 0}
    assert counts["category"]["churn"] == 2 and counts["category"]["concentration"] == 1


def test_a_bad_filter_is_a_400_in_the_envelope(org):
    response = org.client_for("M0001").get(ALERTS, {"severity": "apocalyptic"})

    assert response.status_code == 400
    assert "severity" in response.json()["error"]["fields"]
    assert org.client_for("M0001").get(f"{ALERTS}counts/", {"period": "2"}).status_code == 400


@pytest.mark.parametrize("url", [ALERTS, f"{ALERTS}counts/"])
def test_queries_do_not_grow_with_the_alerts(org, url):
    client = org.client_for("M0001")
    client.get(url)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for n in range(2):
        risk_alert(org, n, team=("south1", "south2")[n % 2])
    few = queries()
    for n in range(2, 20):
        risk_alert(org, n, team=("south1", "south2")[n % 2])
    assert queries() == few


# --- Lifecycle ---------------------------------------------------------------------------------


def test_acknowledge_then_resolve_with_a_note(org):
    alert = risk_alert(org)
    client = org.client_for("S1100")

    acknowledged = post(client, f"{ALERTS}{alert.pk}/acknowledge/")
    resolved = post(client, f"{ALERTS}{alert.pk}/resolve/", {"note": "已回访；客户确认继续合作"})

    assert acknowledged.json()["status"] == "acknowledged"
    body = resolved.json()
    assert body["status"] == "resolved" and body["closed_at"]
    assert body["note"] == "已回访；客户确认继续合作"
    assert body["team_name"] == org.teams["south1"].name and body["owner"] == org.employees["S1101"].pk
    steps = AuditEvent.objects.filter(action="alert.status_changed", object_id=str(alert.pk)).order_by("seq")
    assert [e.changes["status"]["after"] for e in steps] == ["acknowledged", "resolved"]
    assert [e.actor_label for e in steps] == ["S1100", "S1100"]


@pytest.mark.parametrize("step", ["resolve", "dismiss"])
def test_resolving_and_dismissing_need_a_note(org, step):
    alert = risk_alert(org)

    response = post(org.client_for("S1100"), f"{ALERTS}{alert.pk}/{step}/", {"note": "  "})

    assert response.status_code == 400
    assert "note" in response.json()["error"]["fields"]
    assert Alert.objects.get(pk=alert.pk).status == "open"


def test_a_closed_alert_cannot_change_again(org):
    alert = risk_alert(org)
    client = org.client_for("S1100")
    post(client, f"{ALERTS}{alert.pk}/dismiss/", {"note": "误报"})

    for step in ("acknowledge", "dismiss", "resolve"):
        response = post(client, f"{ALERTS}{alert.pk}/{step}/", {"note": "again"})
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_transition"


def test_transition_refuses_unknown_fields(org):
    alert = risk_alert(org)

    response = post(org.client_for("S1100"), f"{ALERTS}{alert.pk}/resolve/", {"note": "ok", "status": "open"})

    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]
    assert Alert.objects.get(pk=alert.pk).status == "open"


def test_transition_ignores_list_filters_in_the_query_string(org):
    alert = risk_alert(org)

    response = post(org.client_for("S1100"), f"{ALERTS}{alert.pk}/acknowledge/?category=security")

    assert response.status_code == 200
