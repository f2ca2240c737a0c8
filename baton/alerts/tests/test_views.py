"""The alert centre pages: who sees which alert, filters and counts, one alert's page, and
acknowledging, resolving or dismissing it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baton.alerts.models import Alert, AlertStatus
from baton.alerts.tests.factories import risk_alert, security_alert
from baton.audit.models import AuditEvent
from baton.authz.models import Grant
from baton.core import clock
from baton.core.testing import MatrixCase, assert_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def listed(client, **params):
    return [a.pk for a in client.get("/alerts/", params).context["alerts"]]


# --- Permissions -------------------------------------------------------------------------------


def test_alert_centre_matrix(org):
    assert_matrix(org, MatrixCase(url="/alerts/", permitted="S1100", no_permission="X0001"))


def test_detail_matrix_hides_another_teams_alert(org):
    # Given an alert about S1201's customer in the second team
    alert = risk_alert(org, team="south2", owner="S1201")

    # Then the department head sees it and the first team's lead is told it does not exist
    assert_matrix(
        org,
        MatrixCase(
            url=f"/alerts/{alert.pk}/", permitted="S1000", no_permission="X0001", out_of_scope="S1100"
        ),
    )


def test_transition_matrix_needs_the_change_grant_in_scope(org):
    alert = risk_alert(org, team="south2", owner="S1201")

    # HR may look at risk alerts but not handle them; S1100 does not see this one at all
    assert_matrix(
        org,
        MatrixCase(
            url=f"/alerts/{alert.pk}/",
            method="post",
            data={"status": "acknowledged"},
            permitted="M0001",
            no_permission="H0001",
            out_of_scope="S1100",
            ok_status=302,
        ),
    )
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED


def test_missing_alert_is_404(org):
    client = org.client_for("admin")
    assert client.get("/alerts/999999/").status_code == 404
    assert client.post("/alerts/999999/", {"status": "acknowledged"}).status_code == 404


# --- Scoping by category -----------------------------------------------------------------------


def test_security_alerts_only_reach_holders_of_the_security_grant(org):
    # Given a security alert and a churn alert in the first team
    security, churn = security_alert(org), risk_alert(org)

    # Then the administrator sees both, management and the team lead only the churn alert
    assert set(listed(org.client_for("admin"))) == {security.pk, churn.pk}
    assert listed(org.client_for("M0001")) == [churn.pk]
    assert listed(org.client_for("S1100")) == [churn.pk]
    assert org.client_for("S1100").get(f"/alerts/{security.pk}/").status_code == 404


def test_each_role_sees_its_scope(org):
    mine = risk_alert(org, 1, team="south1", owner="S1101")
    colleague = risk_alert(org, 2, team="south1", owner="S1102")
    other_team = risk_alert(org, 3, team="south2", owner="S1201")
    east = risk_alert(org, 4, team="east1", owner="E2001")

    assert listed(org.client_for("S1101")) == [mine.pk]
    assert set(listed(org.client_for("S1100"))) == {mine.pk, colleague.pk}
    assert set(listed(org.client_for("S1000"))) == {mine.pk, colleague.pk, other_team.pk}
    assert set(listed(org.client_for("M0001"))) == {mine.pk, colleague.pk, other_team.pk, east.pk}


def test_a_team_lead_sees_the_teams_alerts_first(org):
    # Given a team lead who also oversees the department, and a newer alert in the other team
    Grant.objects.filter(role__code="team_lead", resource="risk_alert").update(scope="department")
    own_team = risk_alert(org, 1, team="south1")
    Alert.objects.filter(pk=own_team.pk).update(raised_at=clock.now() - dt.timedelta(days=3))
    other_team = risk_alert(org, 2, team="south2", owner="S1201")

    # Then the team's older alert still comes first; management simply sees newest first
    assert listed(org.client_for("S1100")) == [own_team.pk, other_team.pk]
    assert listed(org.client_for("M0001")) == [other_team.pk, own_team.pk]


# --- Filters and counts ------------------------------------------------------------------------


def test_filters_narrow_the_list(org):
    churn = risk_alert(org, 1, severity="high", title="华南工业 连续 60 天无订单")
    concentration = risk_alert(org, 2, rule="R3", category="concentration", team="south2", owner="S1201")
    old = risk_alert(org, 3, rule="R3", category="concentration")
    Alert.objects.filter(pk=old.pk).update(raised_at=clock.now() - dt.timedelta(days=40))
    client = org.client_for("M0001")

    assert listed(client, category="churn") == [churn.pk]
    assert listed(client, severity="high") == [churn.pk]
    assert set(listed(client, rule="r3")) == {concentration.pk, old.pk}
    assert listed(client, team=org.teams["south2"].pk) == [concentration.pk]
    assert set(listed(client, period="30")) == {churn.pk, concentration.pk}
    assert listed(client, q="无订单") == [churn.pk]


def test_counts_per_status_and_category(org):
    # Given two open churn alerts (one since resolved) and an open concentration alert
    first, second = risk_alert(org, 1), risk_alert(org, 2)
    third = risk_alert(org, 3, rule="R3", category="concentration")
    Alert.objects.filter(pk=second.pk).update(status=AlertStatus.RESOLVED)
    client = org.client_for("M0001")

    # When the centre opens (open or acknowledged by default)
    page = client.get("/alerts/")

    # Then it lists what waits, with counts per status and per category
    assert set(a.pk for a in page.context["alerts"]) == {first.pk, third.pk}
    counts = page.context["counts"]
    assert counts["status"]["open"] == 2 and counts["status"]["resolved"] == 1
    assert counts["category"]["churn"] == 1 and counts["category"]["concentration"] == 1
    tabs = {value: count for value, _label, count in page.context["tabs"]}
    assert tabs["active"] == 2 and page.context["total"] == 3
    # And the status counts follow a chosen category
    churn_only = client.get("/alerts/", {"category": "churn", "status": "all"}).context["counts"]
    assert churn_only["status"] == {"open": 1, "acknowledged": 0, "resolved": 1, "dismissed": 0}
    assert len(client.get("/alerts/", {"status": "all"}).context["alerts"]) == 3


def test_list_queries_do_not_grow_with_the_alerts(org):
    client = org.client_for("M0001")
    client.get("/alerts/")  # warm the session and caches

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/alerts/").status_code == 200
        return len(ctx.captured_queries)

    for n in range(2):
        risk_alert(org, n, team=("south1", "south2")[n % 2])
    few = queries()
    for n in range(2, 20):
        risk_alert(org, n, team=("south1", "south2")[n % 2])
    assert queries() == few


def test_the_table_alone_for_htmx(org):
    risk_alert(org)
    response = org.client_for("M0001").get("/alerts/", HTTP_HX_REQUEST="true")

    assert "<table" in response.content.decode() and "<h1>" not in response.content.decode()


# --- One alert ---------------------------------------------------------------------------------


def test_detail_shows_the_r10_snippet_with_the_match_highlighted(org):
    # Given an R10 alert whose snippet marks the match 【like this】
    details = {
        "phrase": "私下转账",
        "snippet": "…客户<王总>说可以【私下转账】给我…",
        "matches": [{"phrase": "私下转账", "category": "private_payment", "field": "content"}],
    }
    alert = risk_alert(org, rule="R10", category="compliance", details=details)

    body = org.client_for("S1100").get(f"/alerts/{alert.pk}/").content.decode()

    # Then the match is highlighted and the rest of the text stays escaped
    assert "<mark>私下转账</mark>" in body and "【" not in body
    assert "客户&lt;王总&gt;说可以" in body


def test_detail_shows_figures_readably(org):
    details = {
        "revenue_12m": "1234567.50",
        "customers": 12,
        "months": [{"month": "2026-08", "orders": 9, "amount": "18000.00"}],
    }
    alert = risk_alert(org, rule="R5", category="departure", details=details)

    page = org.client_for("M0001").get(f"/alerts/{alert.pk}/")

    body = page.content.decode()
    assert "Revenue, last 12 months" in body and "1,234,567.50" in body
    assert "18,000.00" in body and "2026-08" in body


def test_lifecycle_open_acknowledged_resolved_with_notes_and_history(org):
    alert = risk_alert(org)
    client = org.client_for("S1100")

    # When the team lead acknowledges, then resolves with a note
    client.post(f"/alerts/{alert.pk}/", {"status": "acknowledged"})
    response = client.post(f"/alerts/{alert.pk}/", {"status": "resolved", "note": "已回访，客户下月恢复下单"})

    # Then the alert is closed with the note, each step audited and shown in its history
    assert response.status_code == 302 and response["Location"] == f"/alerts/{alert.pk}/"
    alert.refresh_from_db()
    assert (alert.status, alert.note) == (AlertStatus.RESOLVED, "已回访，客户下月恢复下单")
    assert alert.closed_at is not None
    steps = AuditEvent.objects.filter(action="alert.status_changed", object_id=str(alert.pk)).order_by("seq")
    assert [e.changes["status"]["after"] for e in steps] == ["acknowledged", "resolved"]
    page = client.get(f"/alerts/{alert.pk}/")
    labels = [row["label"] for row in page.context["history"]]
    assert labels == ["Raised by rule R1", "Status changed to Acknowledged", "Status changed to Resolved"]
    assert page.context["can_change"] is False  # closed: nothing left to do


def test_dismissing_needs_a_note_and_keeps_what_was_typed(org):
    alert = risk_alert(org)
    client = org.client_for("S1100")

    response = client.post(f"/alerts/{alert.pk}/", {"status": "dismissed", "note": "   "})

    assert response.status_code == 200
    assert "Please say why." in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    client.post(f"/alerts/{alert.pk}/", {"status": "dismissed", "note": "误报：客户已并入集团采购"})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DISMISSED


def test_a_closed_alert_cannot_change_again(org):
    alert = risk_alert(org)
    client = org.client_for("S1100")
    client.post(f"/alerts/{alert.pk}/", {"status": "dismissed", "note": "误报"})

    response = client.post(f"/alerts/{alert.pk}/", {"status": "acknowledged"})

    assert response.status_code == 200
    assert "This alert is already Dismissed." in response.content.decode()
    assert AuditEvent.objects.filter(action="alert.status_changed", object_id=str(alert.pk)).count() == 1


def test_the_earlier_transition_address_still_works(org):
    alert = security_alert(org)
    client = org.client_for("admin")

    response = client.post(
        f"/alerts/{alert.pk}/transition/", {"status": "acknowledged", "next": "/alerts/?status=open"}
    )
    assert response["Location"] == "/alerts/?status=open"
    off_site = client.post(
        f"/alerts/{alert.pk}/transition/",
        {"status": "dismissed", "note": "x", "next": "https://evil.example/"},
    )
    assert off_site["Location"] == f"/alerts/{alert.pk}/"
    assert client.get(f"/alerts/{alert.pk}/transition/").status_code == 405


def test_details_read_as_a_person_reads_them():
    from django.utils import translation

    from baton.alerts.views import detail_figures

    details = {"share": "0.1494", "customer": 18, "interaction": 31483, "channel": "wechat", "revenue": "1.5"}
    with translation.override("en"):
        rows = {r["label"]: r["value"] for r in detail_figures(details)}
    assert rows["Share"] == "14.94%"
    assert rows["Customer"] == "18" and rows["Interaction"] == "31483"
    assert rows["Channel"] == "WeChat"
    assert rows["Revenue"] == "1.50"
