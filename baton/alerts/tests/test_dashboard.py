"""The dashboard's alert card: how many wait, and the five most urgent for this person."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baton.alerts.models import Alert, AlertStatus
from baton.alerts.tests.factories import risk_alert, security_alert
from baton.authz.models import Grant

pytestmark = pytest.mark.django_db


def urgent(client):
    page = client.get("/")
    return page.context["open_alert_count"], [a.pk for a in page.context["urgent_alerts"]]


def test_the_card_counts_what_waits_and_lists_the_most_urgent(org):
    # Given open alerts of every severity and a resolved one
    low = risk_alert(org, 1, severity="low")
    critical = risk_alert(org, 2, severity="critical")
    high = risk_alert(org, 3, severity="high")
    done = risk_alert(org, 4, severity="critical")
    Alert.objects.filter(pk=done.pk).update(status=AlertStatus.RESOLVED)

    # Then the salesperson's card counts three and lists them most urgent first
    assert urgent(org.client_for("S1101")) == (3, [critical.pk, high.pk, low.pk])


def test_at_most_five_are_listed(org):
    for n in range(7):
        risk_alert(org, n)

    count, listed = urgent(org.client_for("S1100"))

    assert count == 7 and len(listed) == 5


def test_a_team_lead_sees_the_teams_alerts_first(org):
    # Given a team lead who also oversees the department, and a more severe alert elsewhere
    Grant.objects.filter(role__code="team_lead", resource="risk_alert").update(scope="department")
    elsewhere = risk_alert(org, 1, team="south2", owner="S1201", severity="critical")
    own_team = risk_alert(org, 2, team="south1", severity="low")

    assert urgent(org.client_for("S1100"))[1] == [own_team.pk, elsewhere.pk]


def test_management_sees_concentration_and_departures_first(org):
    churn = risk_alert(org, 1, severity="critical")
    departure = risk_alert(org, 2, rule="R5", category="departure", severity="medium")
    concentration = risk_alert(org, 3, rule="R4", category="concentration", severity="high")

    assert urgent(org.client_for("M0001"))[1] == [concentration.pk, departure.pk, churn.pk]


def test_security_alerts_only_on_the_administrators_card(org):
    alert = security_alert(org)

    assert urgent(org.client_for("admin")) == (1, [alert.pk])
    assert urgent(org.client_for("M0001")) == (0, [])


def test_no_card_without_any_alert_grant(org):
    assert "open_alert_count" not in org.client_for("X0001").get("/").context


def test_the_card_costs_the_same_queries_for_2_or_20_alerts(org):
    client = org.client_for("M0001")
    client.get("/")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            client.get("/")
        return len(ctx.captured_queries)

    for n in range(2):
        risk_alert(org, n, team=("south1", "south2")[n % 2])
    few = queries()
    for n in range(2, 20):
        risk_alert(org, n, team=("south1", "south2")[n % 2])
    assert queries() == few
