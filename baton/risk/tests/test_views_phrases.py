"""The sensitive-word dictionary page: the company's phrases by category; management adds,
changes, switches off and removes them, and R10 matches the dictionary as it now stands."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baton.accounts.models import User
from baton.alerts.models import Alert
from baton.audit.models import AuditEvent
from baton.authz.models import Role, RoleAssignment
from baton.core import clock
from baton.core.testing import MatrixCase, assert_matrix
from baton.customers.services import interaction_record
from baton.org.models import Company, Department, Employee, EmployeeStatus
from baton.risk.models import PhraseCategory, SensitivePhrase
from baton.risk.phrases import DEFAULT_PHRASES, matcher_cache_clear, matcher_for
from baton.risk.services_phrases import phrase_add, phrases_install_defaults

pytestmark = pytest.mark.django_db

URL = "/risk/phrases/"


@pytest.fixture(autouse=True)
def _fresh_matchers():
    # Automatons are cached per company id, and ids come round again between tests.
    matcher_cache_clear()
    yield
    matcher_cache_clear()


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


def add_outsider(org, employee_no="Z0001"):
    """A manager of another company (``risk_rule.change`` there), signed in as ``employee_no``:
    the phrases of ``org.company`` are out of their scope."""
    other = Company.objects.create(name="别家物流有限公司", short_name="别家物流")
    department = Department.objects.create(company=other, name="总经办")
    department.path = f"/{department.pk}/"
    department.save(update_fields=["path"])
    user = User.objects.create_user(employee_no, "x", display_name="外人")
    Employee.objects.create(
        company=other,
        employee_no=employee_no,
        name="外人",
        department=department,
        hire_date=dt.date(2020, 1, 1),
        status=EmployeeStatus.ACTIVE,
        user=user,
    )
    RoleAssignment.objects.create(user=user, role=Role.objects.get(code="management"))
    org.users[employee_no] = user
    return other


@pytest.fixture
def phrase(org):
    phrases_install_defaults(company_id=org.company.pk)
    return SensitivePhrase.objects.get(company=org.company, phrase="私下联系")


def phrase_url(phrase, suffix=""):
    return f"{URL}{phrase.pk}/{suffix}"


def add(client, **fields):
    return client.post(URL, {"phrase": "走私单", "category": PhraseCategory.PRIVATE_PAYMENT, **fields})


def edit(client, row, **fields):
    data = {"phrase": row.phrase, "category": row.category, "active": "on", **fields}
    return client.post(phrase_url(row), {k: v for k, v in data.items() if v is not None})


# --- Who may do what -------------------------------------------------------------------------


def test_dictionary_page_matrix(org):
    assert_matrix(org, MatrixCase(url=URL, permitted="S1100", no_permission="S1101"))


def test_adding_needs_the_change_grant(org):
    # The team lead reads the dictionary, may not change it
    assert_matrix(
        org,
        MatrixCase(
            url=URL,
            method="post",
            data={"phrase": "走私单", "category": "other"},
            permitted="M0001",
            no_permission="S1100",
            ok_status=302,
        ),
    )


def test_editing_a_phrase_matrix(org, phrase):
    add_outsider(org)
    assert_matrix(
        org,
        MatrixCase(url=phrase_url(phrase), permitted="M0001", no_permission="S1100", out_of_scope="Z0001"),
    )
    data = {"phrase": "私下联系", "category": "private_channel"}
    assert_matrix(
        org,
        MatrixCase(
            url=phrase_url(phrase),
            method="post",
            data=data,
            permitted="M0001",
            no_permission="S1100",
            out_of_scope="Z0001",
            ok_status=302,
        ),
    )


def test_removing_a_phrase_matrix(org, phrase):
    add_outsider(org)
    assert_matrix(
        org,
        MatrixCase(
            url=phrase_url(phrase, "delete/"),
            permitted="M0001",
            no_permission="S1100",
            out_of_scope="Z0001",
        ),
    )
    assert_matrix(
        org,
        MatrixCase(
            url=phrase_url(phrase, "delete/"),
            method="post",
            data={},
            permitted="M0001",
            no_permission="S1100",
            ok_status=302,
        ),
    )


def test_another_companys_phrase_is_404_and_the_attempt_is_recorded(org, phrase):
    add_outsider(org)
    client = org.client_for("Z0001")

    assert client.post(phrase_url(phrase, "delete/")).status_code == 404
    assert edit(client, phrase, phrase="改掉了").status_code == 404

    # Then nothing changed, and the attempts are in the audit log as out of scope
    phrase.refresh_from_db()
    assert phrase.phrase == "私下联系"
    denied = AuditEvent.objects.filter(action="access.denied", object_id=str(phrase.pk))
    assert {e.changes["reason"] for e in denied} == {"out_of_scope"}


# --- Reading ---------------------------------------------------------------------------------


def test_the_page_lists_the_defaults_by_category_with_their_switch(org, english):
    page = org.client_for("M0001").get(URL)

    # The defaults are installed on first sight, grouped in the categories' order
    groups = page.context["groups"]
    assert [g.category for g in groups] == [
        "private_channel",
        "private_payment",
        "departure",
        "competitor",
    ]
    assert sum(len(g.phrases) for g in groups) == len(DEFAULT_PHRASES)
    body = page.content.decode()
    assert "Private channel" in body and "加我私人微信" in body and "顺丰速运" in body
    assert 'id="phrase-add"' in body and 'name="phrase"' in body and 'maxlength="100"' in body


def test_a_team_lead_sees_the_dictionary_without_the_forms(org, phrase):
    page = org.client_for("S1100").get(URL)

    assert page.context["can_change"] is False
    body = page.content.decode()
    assert "私下联系" in body
    assert 'id="phrase-add"' not in body and phrase_url(phrase) not in body


def test_the_list_takes_the_same_queries_however_long_the_dictionary(org):
    client = org.client_for("M0001")
    client.get(URL)  # the defaults installed

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(30):
        phrase_add(actor=None, company_id=org.company.pk, phrase=f"暗语{i}", category="other")
    assert count() == before
    assert before <= 20


# --- Adding ----------------------------------------------------------------------------------


def test_management_adds_a_phrase(org, phrase):
    response = add(org.client_for("M0001"), phrase="  走私单 ")

    added = SensitivePhrase.objects.get(company=org.company, phrase="走私单")
    assert response.status_code == 302 and response["Location"] == f"{URL}#phrase-{added.pk}"
    assert (added.category, added.active) == ("private_payment", True)
    event = AuditEvent.objects.get(action="risk.phrase_added")
    assert event.actor_label == "M0001" and event.changes == {
        "phrase": "走私单",
        "category": "private_payment",
    }


def test_an_htmx_add_answers_the_dictionary_fragment(org, phrase, english):
    response = org.client_for("M0001").post(
        URL, {"phrase": "走私单", "category": "other"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response.templates[0].name == "risk/_phrase_dictionary.html"
    body = response.content.decode()
    assert "<html" not in body and 'id="phrase-dictionary"' in body
    assert "“走私单” was added to the dictionary." in body and "走私单" in body


def test_an_htmx_add_with_bad_input_answers_the_fragment_with_the_error(org, phrase, english):
    response = org.client_for("M0001").post(
        URL, {"phrase": "私人微信", "category": "other"}, HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "This phrase is in the dictionary already." in body and 'value="私人微信"' in body


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "该字段是必填项。"),
        ("   ", "该字段是必填项。"),
        ("长" * 101, "确保该变量包含不超过 100 字符 (目前字符数 101)。"),
    ],
)
def test_bad_input_shows_the_translated_error_and_keeps_what_was_typed(org, phrase, typed, message):
    # Given the default language (Simplified Chinese)
    response = add(org.client_for("M0001"), phrase=typed, category="competitor")

    # Then the page comes back with the error in Chinese, the input kept, and nothing saved
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert '<option value="competitor" selected>' in body
    if typed.strip():
        assert f'value="{typed}"' in body
    assert not AuditEvent.objects.filter(action="risk.phrase_added").exists()


def test_a_phrase_in_the_dictionary_already_is_refused(org, phrase, english):
    # Compared as matched: Latin letters ignore case
    client = org.client_for("M0001")
    add(client, phrase="WeChat")

    response = add(client, phrase="wechat", category="private_channel")

    assert response.status_code == 200
    body = response.content.decode()
    assert "This phrase is in the dictionary already." in body and 'value="wechat"' in body
    assert SensitivePhrase.objects.filter(company=org.company, phrase__iexact="wechat").count() == 1


def test_an_unknown_category_is_refused(org, phrase, english):
    response = add(org.client_for("M0001"), category="gossip")

    assert response.status_code == 200 and "Select a valid choice." in response.content.decode()
    assert not SensitivePhrase.objects.filter(phrase="走私单").exists()


# --- Changing and removing -------------------------------------------------------------------


def test_management_changes_a_phrase_and_switches_it_off(org, phrase):
    client = org.client_for("M0001")
    page = client.get(phrase_url(phrase))
    assert 'value="私下联系"' in page.content.decode()

    response = edit(client, phrase, phrase="私下联系我", category="other", active=None)

    assert response.status_code == 302 and response["Location"] == f"{URL}#phrase-{phrase.pk}"
    phrase.refresh_from_db()
    assert (phrase.phrase, phrase.category, phrase.active) == ("私下联系我", "other", False)
    event = AuditEvent.objects.get(action="risk.phrase_changed")
    assert event.changes["active"] == {"before": True, "after": False}
    assert event.changes["phrase"] == {"before": "私下联系", "after": "私下联系我"}


def test_the_lists_switch_answers_the_fragment_over_htmx(org, phrase):
    client = org.client_for("M0001")

    # The list's switch posts the phrase as it is, without "active"
    response = client.post(
        phrase_url(phrase), {"phrase": phrase.phrase, "category": phrase.category}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200 and 'id="phrase-dictionary"' in response.content.decode()
    phrase.refresh_from_db()
    assert phrase.active is False


def test_changing_to_another_phrases_wording_is_refused_and_keeps_the_input(org, phrase, english):
    response = edit(org.client_for("M0001"), phrase, phrase="私人微信")

    assert response.status_code == 200
    body = response.content.decode()
    assert "This phrase is in the dictionary already." in body and 'value="私人微信"' in body
    phrase.refresh_from_db()
    assert phrase.phrase == "私下联系"


def test_a_too_long_change_is_refused(org, phrase):
    response = edit(org.client_for("M0001"), phrase, phrase="长" * 101)

    assert response.status_code == 200 and "确保该变量包含不超过 100 字符" in response.content.decode()
    phrase.refresh_from_db()
    assert phrase.phrase == "私下联系"


def test_removing_asks_first_then_removes(org, phrase, english):
    client = org.client_for("M0001")

    confirm = client.get(phrase_url(phrase, "delete/"))
    assert "Remove “私下联系” (Private channel) from the dictionary?" in confirm.content.decode()
    assert SensitivePhrase.objects.filter(pk=phrase.pk).exists()

    response = client.post(phrase_url(phrase, "delete/"))

    assert response.status_code == 302 and response["Location"] == URL
    assert not SensitivePhrase.objects.filter(pk=phrase.pk).exists()
    assert AuditEvent.objects.get(action="risk.phrase_deleted").changes["phrase"] == "私下联系"


def test_an_unknown_phrase_is_404(org, phrase):
    client = org.client_for("M0001")

    assert client.get(f"{URL}999999/").status_code == 404
    assert client.post(f"{URL}999999/delete/").status_code == 404


# --- What R10 matches ------------------------------------------------------------------------


def record(crm, django_capture_on_commit_callbacks, content):
    with django_capture_on_commit_callbacks(execute=True):
        interaction, _new = interaction_record(
            actor=crm.org.users["S1101"],
            customer=crm.customer("c1"),
            channel="wechat",
            occurred_at=clock.now() - dt.timedelta(minutes=5),
            content=content,
        )
    return Alert.objects.filter(rule="R10", subject_id=str(interaction.pk)).first()


def test_a_phrase_added_on_the_page_raises_r10_on_the_next_interaction(
    crm, django_capture_on_commit_callbacks
):
    org = crm.org
    client = org.client_for("M0001")
    assert record(crm, django_capture_on_commit_callbacks, "回扣的事我们当面谈") is None

    add(client, phrase="回扣", category="private_payment")

    alert = record(crm, django_capture_on_commit_callbacks, "回扣的事我们当面谈")
    assert alert is not None
    assert (alert.details["phrase"], alert.details["category"]) == ("回扣", "private_payment")


def test_a_phrase_switched_off_or_removed_on_the_page_matches_no_more(org, phrase):
    client = org.client_for("M0001")
    other = SensitivePhrase.objects.get(company=org.company, phrase="我准备离职")
    found = [m.phrase for m in matcher_for(company_id=org.company.pk).find("私下联系吧，我准备离职了")]
    assert found == ["私下联系", "我准备离职"]

    edit(client, phrase, active=None)
    client.post(phrase_url(other, "delete/"))

    assert matcher_for(company_id=org.company.pk).find("私下联系吧，我准备离职了") == []


# --- The menu --------------------------------------------------------------------------------


def test_the_menu_offers_the_dictionary_to_who_may_change_it(org):
    def menu(who):
        return [item["name"] for item in org.client_for(who).get("/").context["nav_items"]]

    assert "risk:phrase_list" in menu("M0001")
    assert "risk:phrase_list" not in menu("S1100")
