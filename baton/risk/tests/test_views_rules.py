"""The rule settings page: every rule's switch and thresholds; management changes them."""

from decimal import Decimal

import pytest

from baton.audit.models import AuditEvent
from baton.core.testing import MatrixCase, assert_matrix
from baton.risk.models import RuleSetting
from baton.risk.services import rule_config

pytestmark = pytest.mark.django_db

URL = "/risk/rules/"


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


def save(client, **fields):
    data = {"rule": "T1", "T1-enabled": "on", "T1-days": "30", "T1-share": "0.30", **fields}
    return client.post(URL, {k: v for k, v in data.items() if v is not None})


def test_rules_page_matrix(org, rule):
    assert_matrix(org, MatrixCase(url=URL, permitted="S1100", no_permission="S1101"))


def test_saving_needs_the_change_grant(org, rule):
    # The team lead may read the settings, not change them
    data = {"rule": "T1", "T1-enabled": "on", "T1-days": "30", "T1-share": "0.30"}
    assert_matrix(
        org,
        MatrixCase(
            url=URL, method="post", data=data, permitted="M0001", no_permission="S1100", ok_status=302
        ),
    )


def test_every_rule_shows_its_switch_and_current_thresholds(org, rule, english):
    RuleSetting.objects.create(
        company=org.company, code="T1", enabled=False, params={"days": 45}, updated_at="2026-01-01T00:00Z"
    )

    page = org.client_for("M0001").get(URL)

    row = next(item for item in page.context["rows"] if item["row"].rule.code == "T1")
    assert row["row"].enabled is False and row["row"].values["days"] == 45
    body = page.content.decode()
    assert 'id="rule-T1"' in body and "Quiet accounts" in body
    assert 'name="T1-days"' in body and 'value="45"' in body and 'max="90"' in body


def test_a_team_lead_sees_the_settings_read_only(org, rule):
    page = org.client_for("S1100").get(URL)

    assert page.context["can_change"] is False
    assert "disabled" in page.content.decode()


def test_management_changes_a_threshold_and_switches_a_rule_off(org, rule):
    client = org.client_for("M0001")

    # When management raises the number of days and switches the rule off
    response = save(client, **{"T1-days": "60", "T1-enabled": None})

    # Then the settings are stored for the company, only the changed threshold, and audited
    assert response.status_code == 302 and response["Location"] == "/risk/rules/#rule-T1"
    assert rule_config(company_id=org.company.pk, rule=rule) == (
        False,
        {"days": 60, "share": Decimal("0.30"), "key_only": False},
    )
    assert RuleSetting.objects.get(company=org.company, code="T1").params == {"days": 60}
    event = AuditEvent.objects.get(action="risk.rule_changed")
    assert event.actor_label == "M0001" and event.changes["after"]["enabled"] is False


def test_a_decimal_and_a_switch_threshold(org, rule):
    save(org.client_for("M0001"), **{"T1-share": "0.45", "T1-key_only": "on"})

    assert rule_config(company_id=org.company.pk, rule=rule)[1] == {
        "days": 30,
        "share": Decimal("0.45"),
        "key_only": True,
    }


def test_bad_input_shows_the_translated_error_and_keeps_what_was_typed(org, rule):
    # Given the default language (Simplified Chinese)
    client = org.client_for("M0001")

    # When a threshold is out of bounds
    response = save(client, **{"T1-days": "365", "T1-share": "0.5"})

    # Then the page comes back with the error in Chinese, the input kept, and nothing saved
    assert response.status_code == 200
    body = response.content.decode()
    assert "90" in body and "确保该值小于或等于" in body
    assert 'value="365"' in body and 'value="0.5"' in body
    assert not RuleSetting.objects.exists()
    assert not AuditEvent.objects.filter(action="risk.rule_changed").exists()


def test_not_a_number_is_refused(org, rule, english):
    response = save(org.client_for("M0001"), **{"T1-days": "thirty"})

    assert "Enter a whole number." in response.content.decode()
    assert not RuleSetting.objects.exists()


def test_an_unknown_rule_is_404(org, rule):
    assert org.client_for("M0001").post(URL, {"rule": "NOPE"}).status_code == 404


def test_the_menu_offers_rule_settings_to_who_may_change_them(org, rule):
    def menu(who):
        return [item["name"] for item in org.client_for(who).get("/").context["nav_items"]]

    assert "risk:rule_list" in menu("M0001")
    assert "risk:rule_list" not in menu("S1100")
    assert "alerts:alert_list" in menu("S1100")
