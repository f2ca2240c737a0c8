"""R10: sensitive phrases in interactions, and the dictionary it matches."""

from __future__ import annotations

import datetime as dt

import pytest

from baton.alerts.models import Alert, AlertStatus
from baton.alerts.services import alert_transition
from baton.audit.models import AuditEvent
from baton.core import clock
from baton.core.errors import InvalidInput
from baton.customers.models import Interaction
from baton.customers.services import interaction_record
from baton.notifications.models import Notification
from baton.risk import registry
from baton.risk.models import PhraseDictionary, SensitivePhrase
from baton.risk.phrases import DEFAULT_PHRASES, Matcher, matcher_cache_clear, matcher_for
from baton.risk.services import risk_scan, rule_setting_update
from baton.risk.services_phrases import (
    phrase_add,
    phrase_delete,
    phrase_dictionary,
    phrase_update,
    phrases_install_defaults,
)

pytestmark = pytest.mark.django_db

PRIVATE = (
    "{who}，跟您说一下，我这边工作后面可能会有些变动。以后直接加我私人微信联系，"
    "号码就是我手机号，您那边的货我照样安排。"
)


@pytest.fixture(autouse=True)
def _fresh_matchers():
    # Automatons are cached per company id, and ids come round again between tests.
    matcher_cache_clear()
    yield
    matcher_cache_clear()


def record(crm, django_capture_on_commit_callbacks, *, content="", next_step="", by="S1101", customer="c1"):
    with django_capture_on_commit_callbacks(execute=True):
        interaction, _new = interaction_record(
            actor=crm.org.users[by],
            customer=crm.customer(customer),
            channel="wechat",
            occurred_at=clock.now() - dt.timedelta(minutes=5),
            content=content,
            next_step=next_step,
        )
    return interaction


def r10_for(interaction):
    return Alert.objects.filter(
        rule="R10", subject_type="customers.interaction", subject_id=str(interaction.pk)
    )


# --- On the event ----------------------------------------------------------------------------


def test_a_private_wechat_request_alerts_the_team_lead_with_the_phrase_in_context(
    crm, django_capture_on_commit_callbacks
):
    interaction = record(crm, django_capture_on_commit_callbacks, content=PRIVATE.format(who="王经理"))
    alert = r10_for(interaction).get()
    assert (alert.category, alert.severity) == ("compliance", "medium")
    # The longest phrase at the place wins: 加我私人微信 rather than 私人微信 inside it.
    assert alert.details["phrase"] == "加我私人微信" and alert.details["category"] == "private_channel"
    assert alert.details["field"] == "content"
    assert alert.details["snippet"] == (
        "王经理，跟您说一下，我这边工作后面可能会有些变动。以后直接【加我私人微信】联系，号码就是我手机号，您那边的货我照样安排。"
    )
    assert alert.details["employee"] == "S1101" and alert.details["customer"] == crm.customers["c1"].pk
    assert "加我私人微信" in alert.title and crm.customers["c1"].name in alert.title
    # For the writer's team lead; the writer is not its owner, so it stays off their own list.
    assert alert.team_id == crm.org.teams["south1"].pk and alert.owner_id is None
    told = Notification.objects.filter(key=f"alert:{alert.pk}").values_list(
        "recipient__employee_no", flat=True
    )
    assert list(told) == ["S1100"]


def test_the_snippet_is_thirty_characters_either_side_of_the_match(crm, django_capture_on_commit_callbacks):
    before, after = "甲" * 40, "乙" * 40
    interaction = record(crm, django_capture_on_commit_callbacks, content=f"{before}我准备离职{after}")
    details = r10_for(interaction).get().details
    assert details["snippet"] == f"…{'甲' * 30}【我准备离职】{'乙' * 30}…"
    assert details["category"] == "departure"


def test_the_next_step_is_read_too_and_every_phrase_is_listed(crm, django_capture_on_commit_callbacks):
    interaction = record(
        crm,
        django_capture_on_commit_callbacks,
        content="客户说德邦快递报价更低",
        next_step="私下联系采购，货款打到我个人账户",
    )
    details = r10_for(interaction).get().details
    assert (details["phrase"], details["category"], details["field"]) == ("德邦快递", "competitor", "content")
    assert [(m["phrase"], m["field"]) for m in details["matches"]] == [
        ("德邦快递", "content"),
        ("私下联系", "next_step"),
        ("打到我个人账户", "next_step"),
    ]


def test_ordinary_notes_and_a_customer_named_like_a_competitor_raise_nothing(
    crm, django_capture_on_commit_callbacks
):
    # c2 is 佛山顺丰五金制品有限公司: competitors are listed by full trading name (顺丰速运).
    record(
        crm,
        django_capture_on_commit_callbacks,
        content="佛山顺丰五金制品有限公司确认下周发货，私人订制的包装已备好",
    )
    record(
        crm, django_capture_on_commit_callbacks, content="周五前回复报价", next_step="月底前寄对账单和发票"
    )
    assert not Alert.objects.filter(rule="R10").exists()
    interaction = record(crm, django_capture_on_commit_callbacks, content="客户在比较顺丰速运的价格")
    assert r10_for(interaction).get().details["category"] == "competitor"


def test_a_switched_off_r10_raises_nothing(crm, django_capture_on_commit_callbacks):
    rule_setting_update(actor=None, company_id=crm.org.company.pk, code="R10", enabled=False)
    record(crm, django_capture_on_commit_callbacks, content="以后直接找我就行")
    assert not Alert.objects.filter(rule="R10").exists()


# --- The daily scan --------------------------------------------------------------------------


def _imported(crm, content, *, ago=dt.timedelta(hours=2)):
    """An interaction stored without the event (as a bulk import does)."""
    now = clock.now()
    return Interaction.objects.create(
        customer=crm.customers["c2"],
        employee=crm.org.employees["S1102"],
        channel="call",
        occurred_at=now - ago,
        content=content,
        created_at=now - ago,
    )


def test_the_daily_scan_reads_the_last_day_once(crm):
    fresh = _imported(crm, "他说以后直接找我，不用走公司")
    _imported(crm, "我准备离职了", ago=dt.timedelta(days=2))  # recorded before the last day
    _imported(crm, "正常跟进")
    assert risk_scan(codes=["R10"]) == {"R10": 1}
    alert = r10_for(fresh).get()
    assert alert.details["phrase"] == "以后直接找我"
    assert alert.details["snippet"] == "他说【以后直接找我】，不用走公司"
    assert risk_scan(codes=["R10"]) == {"R10": 0}
    alert_transition(actor=crm.org.users["S1100"], alert=alert, status=AlertStatus.RESOLVED, note="已谈话")
    assert risk_scan(codes=["R10"]) == {"R10": 0}  # a closed alert is not raised again
    assert Alert.objects.filter(rule="R10").count() == 1


def test_the_scan_costs_a_fixed_number_of_queries(crm, django_assert_max_num_queries):
    for i in range(30):
        _imported(crm, f"第{i}次沟通：以后直接找我" if i % 3 == 0 else f"第{i}次沟通")
    rule = registry.get("R10")
    now = clock.now()
    # the dictionary version, the day's texts, the alerts seen, the matching interactions' rows
    with django_assert_max_num_queries(4):
        findings = list(rule.scan(company=crm.org.company, now=now, params={}))
    assert len(findings) == 10


# --- The dictionary --------------------------------------------------------------------------


def test_defaults_are_installed_once_and_audited(org):
    company = org.company.pk
    assert phrases_install_defaults(company_id=company) == len(DEFAULT_PHRASES)
    assert phrases_install_defaults(company_id=company) == 0
    assert SensitivePhrase.objects.filter(company_id=company).count() == len(DEFAULT_PHRASES)
    assert AuditEvent.objects.filter(action="risk.phrases_installed").count() == 1
    phrase_delete(actor=org.users["admin"], phrase=SensitivePhrase.objects.get(phrase="我准备离职"))
    assert phrases_install_defaults(company_id=company) == 0  # a removed default stays removed
    assert not SensitivePhrase.objects.filter(phrase="我准备离职").exists()


def test_phrases_are_validated(org):
    admin, company = org.users["admin"], org.company.pk
    cases = [
        ({"phrase": "  "}, "phrase"),
        ({"phrase": "长" * 101}, "phrase"),
        ({"phrase": "私人微信"}, "phrase"),  # a default already
        ({"phrase": "WeChat", "category": "nope"}, "category"),
    ]
    for kwargs, field in cases:
        with pytest.raises(InvalidInput) as err:
            phrase_add(actor=admin, company_id=company, **kwargs)
        assert set(err.value.fields) == {field}
    phrase_add(actor=admin, company_id=company, phrase="WeChat", category="private_channel")
    with pytest.raises(InvalidInput):
        phrase_add(actor=admin, company_id=company, phrase="wechat")  # unique as matched
    assert phrase_add(actor=admin, company_id=company, phrase="长" * 100).phrase == "长" * 100


def test_every_change_is_audited(org):
    admin, company = org.users["admin"], org.company.pk
    row = phrase_add(actor=admin, company_id=company, phrase=" 返点给我 ", category="private_payment")
    assert row.phrase == "返点给我"
    phrase_update(actor=admin, phrase=row, text="返点打给我", active=False)
    phrase_update(actor=admin, phrase=row, active=False)  # no change, no event
    phrase_delete(actor=admin, phrase=row)
    events = list(
        AuditEvent.objects.filter(action__startswith="risk.phrase_")
        .order_by("seq")
        .values_list("action", "changes")
    )
    assert [a for a, _c in events] == ["risk.phrase_added", "risk.phrase_changed", "risk.phrase_deleted"]
    assert events[1][1] == {
        "phrase": {"before": "返点给我", "after": "返点打给我"},
        "active": {"before": True, "after": False},
    }


def test_a_switched_off_phrase_matches_nothing(crm, django_capture_on_commit_callbacks):
    admin = crm.org.users["admin"]
    for row in phrase_dictionary(company_id=crm.org.company.pk).filter(phrase__contains="私人微信"):
        phrase_update(actor=admin, phrase=row, active=False)
    interaction = record(crm, django_capture_on_commit_callbacks, content=PRIVATE.format(who="王经理"))
    assert not r10_for(interaction).exists()
    interaction = record(crm, django_capture_on_commit_callbacks, content="以后直接找我")
    assert r10_for(interaction).exists()


def test_the_automaton_is_cached_and_rebuilt_after_a_change(org, django_assert_num_queries):
    company = org.company.pk
    phrases_install_defaults(company_id=company)
    first = matcher_for(company_id=company)
    with django_assert_num_queries(1):  # the version only
        assert matcher_for(company_id=company) is first
    assert not first.find("客户问能不能开阴阳合同")
    phrase_add(actor=org.users["admin"], company_id=company, phrase="阴阳合同", category="other")
    rebuilt = matcher_for(company_id=company)
    assert rebuilt is not first
    assert [m.phrase for m in rebuilt.find("客户问能不能开阴阳合同")] == ["阴阳合同"]
    assert PhraseDictionary.objects.get(company_id=company).version == 2


def test_a_company_without_a_dictionary_matches_the_defaults(org):
    matcher = matcher_for(company_id=org.company.pk)
    assert matcher.size == len(DEFAULT_PHRASES)
    assert not PhraseDictionary.objects.exists()  # matching never writes


def test_matching_ignores_latin_case_and_keeps_offsets():
    matcher = Matcher([("WeChat", "private_channel"), ("私人微信", "private_channel")])
    found = matcher.find("加我WECHAT或私人微信")
    assert [(m.phrase, m.start, m.end) for m in found] == [("WeChat", 2, 8), ("私人微信", 9, 13)]
    assert found[0].snippet("加我WECHAT或私人微信") == "加我【WECHAT】或私人微信"
