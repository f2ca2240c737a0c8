"""The sensitive-word dictionary over the API: list, add, change, switch off, remove (audited),
within the caller's company, and R10 matching the dictionary as it now stands."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baton.alerts.models import Alert
from baton.audit.models import AuditEvent
from baton.core import clock
from baton.core.testing import MatrixCase, assert_matrix
from baton.customers.services import interaction_record
from baton.risk.models import PhraseDictionary, SensitivePhrase
from baton.risk.phrases import DEFAULT_PHRASES, matcher_cache_clear, matcher_for
from baton.risk.services_phrases import phrase_add, phrases_install_defaults
from baton.risk.tests.test_views_phrases import add_outsider

pytestmark = pytest.mark.django_db

PHRASES = "/api/v1/risk-phrases/"


@pytest.fixture(autouse=True)
def _fresh_matchers():
    # Automatons are cached per company id, and ids come round again between tests.
    matcher_cache_clear()
    yield
    matcher_cache_clear()


@pytest.fixture
def phrase(org):
    phrases_install_defaults(company_id=org.company.pk)
    return SensitivePhrase.objects.get(company=org.company, phrase="私下联系")


def post(client, data):
    return client.post(PHRASES, data, content_type="application/json")


def patch(client, row, data):
    return client.patch(f"{PHRASES}{row.pk}/", data, content_type="application/json")


def fields_of(response):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    return error["fields"]


# --- Who may do what -------------------------------------------------------------------------


def test_matrix(org, phrase):
    add_outsider(org)
    one = f"{PHRASES}{phrase.pk}/"
    # Team leads read the dictionary; they may not change it
    assert_matrix(org, MatrixCase(PHRASES, permitted="S1100", no_permission="S1101", api=True))
    assert_matrix(
        org, MatrixCase(one, permitted="S1100", no_permission="S1101", out_of_scope="Z0001", api=True)
    )
    assert_matrix(
        org,
        MatrixCase(
            PHRASES,
            method="post",
            data={"phrase": "走私单"},
            permitted="M0001",
            no_permission="S1100",
            api=True,
            ok_status=201,
        ),
    )
    assert_matrix(
        org,
        MatrixCase(
            one,
            method="patch",
            data={"active": False},
            permitted="M0001",
            no_permission="S1100",
            out_of_scope="Z0001",
            api=True,
        ),
    )
    assert_matrix(
        org,
        MatrixCase(one, method="delete", permitted="M0001", no_permission="S1100", api=True, ok_status=204),
    )


def test_another_companys_phrase_answers_404_and_stays_as_it_was(org, phrase):
    other = add_outsider(org)
    client = org.client_for("Z0001")

    for response in (
        client.get(f"{PHRASES}{phrase.pk}/"),
        patch(client, phrase, {"phrase": "改掉了"}),
        client.delete(f"{PHRASES}{phrase.pk}/"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"

    phrase.refresh_from_db()
    assert phrase.phrase == "私下联系"
    # The outsider's list is their own company's dictionary
    listed = {row["phrase"] for row in client.get(PHRASES).json()["results"]}
    assert listed == {p for p, _c in DEFAULT_PHRASES}
    assert SensitivePhrase.objects.filter(company=other).count() == len(DEFAULT_PHRASES)
    denied = AuditEvent.objects.filter(action="access.denied")
    assert {e.changes["reason"] for e in denied} == {"out_of_scope"}


# --- Reading ---------------------------------------------------------------------------------


def test_list_installs_the_defaults_and_gives_each_phrase(org):
    response = org.client_for("S1100").get(PHRASES, HTTP_ACCEPT_LANGUAGE="en")

    body = response.json()
    assert body["count"] == len(DEFAULT_PHRASES)
    row = next(r for r in body["results"] if r["phrase"] == "加我私人微信")
    assert set(row) == {"id", "phrase", "category", "category_label", "active", "created_at"}
    assert (row["category"], row["category_label"], row["active"]) == (
        "private_channel",
        "Private channel",
        True,
    )


def test_list_filters_by_category_and_switch(org, phrase):
    client = org.client_for("M0001")
    patch(client, phrase, {"active": False})

    competitors = client.get(PHRASES, {"category": "competitor"}).json()["results"]
    off = client.get(PHRASES, {"active": "false"}).json()["results"]

    assert {r["category"] for r in competitors} == {"competitor"} and len(competitors) == 6
    assert [r["phrase"] for r in off] == ["私下联系"]


def test_the_list_takes_the_same_queries_however_long_the_dictionary(org):
    client = org.client_for("M0001")
    client.get(PHRASES)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(PHRASES).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(30):
        phrase_add(actor=None, company_id=org.company.pk, phrase=f"暗语{i}", category="other")
    assert count() == before
    assert before <= 12


# --- Adding ----------------------------------------------------------------------------------


def test_post_adds_a_phrase(org, phrase):
    version = PhraseDictionary.objects.get(company=org.company).version

    response = post(org.client_for("M0001"), {"phrase": " 走私单 ", "category": "private_payment"})

    assert response.status_code == 201
    body = response.json()
    assert (body["phrase"], body["category"], body["active"]) == ("走私单", "private_payment", True)
    added = SensitivePhrase.objects.get(pk=body["id"], company=org.company)
    assert added.phrase == "走私单"
    assert PhraseDictionary.objects.get(company=org.company).version == version + 1
    event = AuditEvent.objects.get(action="risk.phrase_added")
    assert event.actor_label == "M0001" and event.object_id == str(added.pk)


def test_the_category_defaults_to_other(org):
    response = post(org.client_for("M0001"), {"phrase": "走私单"})

    assert response.json()["category"] == "other"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"phrase": ""}, "phrase", "Enter a phrase."),
        ({"phrase": "   "}, "phrase", "Enter a phrase."),
        ({"phrase": "长" * 101}, "phrase", "At most 100 characters."),
        ({"phrase": "私人微信"}, "phrase", "This phrase is in the dictionary already."),
        ({"phrase": "加我私人微信".upper()}, "phrase", "This phrase is in the dictionary already."),
        ({}, "phrase", "This field is required."),
        ({"phrase": "走私单", "category": "gossip"}, "category", None),
        ({"phrase": "走私单", "weight": 3}, "weight", "Unknown field."),
    ],
)
def test_bad_input_is_refused_in_the_error_envelope(org, phrase, data, field, message):
    response = org.client_for("M0001").post(
        PHRASES, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    fields = fields_of(response)
    assert field in fields
    if message:
        assert fields[field] == [message]
    assert SensitivePhrase.objects.filter(company=org.company).count() == len(DEFAULT_PHRASES)
    assert not AuditEvent.objects.filter(action="risk.phrase_added").exists()


def test_a_duplicate_speaks_the_callers_language(org, phrase):
    client = org.client_for("M0001")

    chinese = fields_of(post(client, {"phrase": "私人微信"}))["phrase"][0]
    in_english = client.post(
        PHRASES, {"phrase": "私人微信"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    english = fields_of(in_english)["phrase"][0]

    assert english == "This phrase is in the dictionary already."
    assert chinese != english


def test_an_account_without_a_company_cannot_add(org, phrase):
    admin = org.users["admin"]
    admin.employee.delete()

    response = post(org.client_for("admin"), {"phrase": "走私单"})

    assert response.status_code == 400 and response.json()["error"]["code"] == "no_employee"


# --- Changing and removing -------------------------------------------------------------------


def test_patch_changes_wording_and_category_and_switches_off(org, phrase):
    response = patch(
        org.client_for("M0001"), phrase, {"phrase": "私下联系我", "category": "other", "active": False}
    )

    assert response.status_code == 200
    assert {k: response.json()[k] for k in ("phrase", "category", "active")} == {
        "phrase": "私下联系我",
        "category": "other",
        "active": False,
    }
    phrase.refresh_from_db()
    assert (phrase.phrase, phrase.category, phrase.active) == ("私下联系我", "other", False)
    event = AuditEvent.objects.get(action="risk.phrase_changed")
    assert event.changes["category"] == {"before": "private_channel", "after": "other"}


def test_patch_only_the_switch_keeps_the_rest(org, phrase):
    response = patch(org.client_for("M0001"), phrase, {"active": False})

    assert response.json()["phrase"] == "私下联系" and response.json()["active"] is False
    assert AuditEvent.objects.get(action="risk.phrase_changed").changes == {
        "active": {"before": True, "after": False}
    }


def test_a_patch_that_changes_nothing_is_not_audited(org, phrase):
    response = patch(org.client_for("M0001"), phrase, {"phrase": "私下联系", "active": True})

    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="risk.phrase_changed").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"phrase": ""}, "Enter a phrase."),
        ({"phrase": "长" * 101}, "At most 100 characters."),
        ({"phrase": "我准备离职"}, "This phrase is in the dictionary already."),
    ],
)
def test_bad_changes_are_refused_and_nothing_is_saved(org, phrase, data, message):
    response = org.client_for("M0001").patch(
        f"{PHRASES}{phrase.pk}/", data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert fields_of(response) == {"phrase": [message]}
    phrase.refresh_from_db()
    assert phrase.phrase == "私下联系"


def test_delete_removes_the_phrase(org, phrase):
    response = org.client_for("M0001").delete(f"{PHRASES}{phrase.pk}/")

    assert response.status_code == 204
    assert not SensitivePhrase.objects.filter(pk=phrase.pk).exists()
    assert AuditEvent.objects.get(action="risk.phrase_deleted").changes["phrase"] == "私下联系"


def test_an_unknown_phrase_is_404(org, phrase):
    client = org.client_for("M0001")

    assert client.get(f"{PHRASES}999999/").status_code == 404
    assert client.get(f"{PHRASES}nope/").status_code == 404
    assert client.delete(f"{PHRASES}999999/").status_code == 404


def test_put_is_not_offered(org, phrase):
    response = org.client_for("M0001").put(
        f"{PHRASES}{phrase.pk}/", {"phrase": "x"}, content_type="application/json"
    )

    assert response.status_code == 405


# --- What R10 matches ------------------------------------------------------------------------


def test_a_phrase_added_over_the_api_raises_r10_and_switched_off_no_more(
    crm, django_capture_on_commit_callbacks
):
    client = crm.org.client_for("M0001")

    def record(content):
        with django_capture_on_commit_callbacks(execute=True):
            interaction, _new = interaction_record(
                actor=crm.org.users["S1101"],
                customer=crm.customer("c1"),
                channel="wechat",
                occurred_at=clock.now() - dt.timedelta(minutes=5),
                content=content,
            )
        return Alert.objects.filter(rule="R10", subject_id=str(interaction.pk)).first()

    assert record("客户问能不能走私单") is None

    added = post(client, {"phrase": "走私单", "category": "private_payment"}).json()
    alert = record("客户问能不能走私单")
    assert alert is not None and alert.details["snippet"] == "客户问能不能【走私单】"

    patch(client, SensitivePhrase.objects.get(pk=added["id"]), {"active": False})
    assert record("客户又问能不能走私单") is None
    assert matcher_for(company_id=crm.org.company.pk).find("走私单") == []
