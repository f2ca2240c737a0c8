"""Risk rule settings over the API: list them with their thresholds, change them (audited)."""

from decimal import Decimal

import pytest

from baton.audit.models import AuditEvent
from baton.core.testing import MatrixCase, assert_matrix
from baton.risk.models import RuleSetting
from baton.risk.services import rule_config

pytestmark = pytest.mark.django_db

RULES = "/api/v1/risk-rules/"


def patch(client, data, code="T1"):
    return client.patch(f"{RULES}{code}/", data, content_type="application/json")


def row_of(response, code="T1"):
    return next(row for row in response.json() if row["code"] == code)


def test_matrix(org, rule):
    assert_matrix(org, MatrixCase(RULES, permitted="S1100", no_permission="S1101", api=True))
    assert_matrix(org, MatrixCase(f"{RULES}T1/", permitted="S1100", no_permission="S1101", api=True))
    assert_matrix(
        org,
        MatrixCase(
            f"{RULES}T1/",
            method="patch",
            data={"enabled": False},
            permitted="M0001",
            no_permission="S1100",  # reads the settings, may not change them
            api=True,
        ),
    )


def test_list_gives_each_rule_with_current_value_default_and_bounds(org, rule):
    RuleSetting.objects.create(
        company=org.company, code="T1", enabled=True, params={"days": 45}, updated_at="2026-01-01T00:00Z"
    )

    row = row_of(org.client_for("M0001").get(RULES))

    assert {k: row[k] for k in ("title", "category", "severity", "enabled")} == {
        "title": "Quiet accounts",
        "category": "churn",
        "severity": "high",
        "enabled": True,
    }
    params = {p["name"]: p for p in row["params"]}
    assert params["days"] | {"title": None} == {
        "name": "days",
        "title": None,
        "kind": "int",
        "value": 45,
        "default": 30,
        "minimum": 7,
        "maximum": 90,
    }
    # Decimals travel as strings, never floats
    assert (params["share"]["value"], params["share"]["maximum"]) == ("0.30", "1")
    assert params["key_only"]["value"] is False and params["key_only"]["minimum"] is None


def test_patch_switches_and_changes_thresholds(org, rule):
    response = patch(org.client_for("M0001"), {"enabled": False, "params": {"days": 60, "share": "0.5"}})

    assert response.status_code == 200
    body = response.json()
    assert body["enabled"] is False
    assert {p["name"]: p["value"] for p in body["params"]} == {"days": 60, "share": "0.5", "key_only": False}
    assert rule_config(company_id=org.company.pk, rule=rule) == (
        False,
        {"days": 60, "share": Decimal("0.5"), "key_only": False},
    )
    event = AuditEvent.objects.get(action="risk.rule_changed")
    assert event.actor_label == "M0001" and event.changes["code"] == "T1"


def test_patch_only_the_switch_keeps_the_thresholds(org, rule):
    client = org.client_for("M0001")
    patch(client, {"params": {"days": 14}})

    patch(client, {"enabled": False})

    assert rule_config(company_id=org.company.pk, rule=rule)[1]["days"] == 14


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"days": 91}, "days"),
        ({"days": "thirty"}, "days"),
        ({"share": "1.5"}, "share"),
        ({"key_only": "yes"}, "key_only"),
        ({"nope": 1}, "nope"),
    ],
)
def test_bad_thresholds_are_refused_and_nothing_is_saved(org, rule, params, field):
    response = patch(org.client_for("M0001"), {"params": params})

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not RuleSetting.objects.exists()


def test_unknown_fields_are_refused(org, rule):
    response = patch(org.client_for("M0001"), {"enabled": True, "thresholds": {}})

    assert response.status_code == 400
    assert "thresholds" in response.json()["error"]["fields"]


def test_an_unknown_rule_is_404(org, rule):
    client = org.client_for("M0001")

    assert client.get(f"{RULES}NOPE/").status_code == 404
    assert patch(client, {"enabled": False}, code="NOPE").status_code == 404


def test_errors_speak_the_callers_language(org, rule):
    response = patch(org.client_for("M0001"), {"params": {"days": 91}}, code="T1")
    chinese = response.json()["error"]["fields"]["days"][0]

    english = org.client_for("M0001").patch(
        f"{RULES}T1/", {"params": {"days": 91}}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert english.json()["error"]["fields"]["days"] == ["At most 90."]
    assert chinese != "At most 90."
