"""The security alert pages."""

import pytest

from baton.alerts.models import Alert, AlertStatus
from baton.alerts.services import alert_raise
from baton.audit.models import AuditEvent
from baton.core.testing import MatrixCase, assert_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def raise_alert(n=1):
    return alert_raise(
        rule="R9",
        subject_type="accounts.user",
        subject_id=str(n),
        severity="high",
        title=f"Repeated out-of-scope access attempts by T{n}",
    )


def test_alert_list_matrix(org):
    assert_matrix(org, MatrixCase(url="/alerts/", permitted="admin", no_permission="H0001"))


def test_transition_matrix(org):
    alert = raise_alert()
    url = f"/alerts/{alert.pk}/transition/"
    assert_matrix(
        org,
        MatrixCase(
            url=url,
            method="post",
            data={"status": "acknowledged"},
            permitted="admin",
            no_permission="H0001",
            ok_status=302,
        ),
    )
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED


def test_missing_alert_is_404(org):
    response = org.client_for("admin").post("/alerts/999999/transition/", {"status": "acknowledged"})
    assert response.status_code == 404


def test_list_counts_per_status_and_filters(org):
    first, second, third = raise_alert(1), raise_alert(2), raise_alert(3)
    Alert.objects.filter(pk=second.pk).update(status=AlertStatus.RESOLVED)
    client = org.client_for("admin")
    page = client.get("/alerts/")
    counts = {value: count for value, _label, count in page.context["tabs"]}
    assert counts["open"] == 2 and counts["resolved"] == 1 and page.context["total"] == 3
    assert {a.pk for a in page.context["alerts"]} == {first.pk, third.pk}  # open ones by default
    resolved = client.get("/alerts/", {"status": "resolved"})
    assert [a.pk for a in resolved.context["alerts"]] == [second.pk]
    everything = client.get("/alerts/", {"status": "all"})
    assert len(everything.context["alerts"]) == 3


def test_resolving_needs_a_note(org):
    alert = raise_alert()
    client = org.client_for("admin")
    response = client.post(f"/alerts/{alert.pk}/transition/", {"status": "resolved", "note": ""}, follow=True)
    assert "Please say why." in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    client.post(f"/alerts/{alert.pk}/transition/", {"status": "resolved", "note": "误报，已核实"})
    alert.refresh_from_db()
    assert (alert.status, alert.note) == (AlertStatus.RESOLVED, "误报，已核实")
    assert AuditEvent.objects.filter(action="alert.status_changed", object_id=str(alert.pk)).exists()


def test_transition_returns_to_the_list_it_came_from(org):
    alert = raise_alert()
    response = org.client_for("admin").post(
        f"/alerts/{alert.pk}/transition/", {"status": "acknowledged", "next": "/alerts/?status=open"}
    )
    assert response["Location"] == "/alerts/?status=open"
    off_site = org.client_for("admin").post(
        f"/alerts/{alert.pk}/transition/",
        {"status": "dismissed", "note": "x", "next": "https://evil.example/"},
    )
    assert off_site["Location"] == "/alerts/"
