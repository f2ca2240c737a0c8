"""Editing checklist templates and the offboarding settings: validated, audited, HR only, and
never reaching into cases already opened."""

from __future__ import annotations

import pytest

from baton.audit.models import AuditEvent
from baton.core.errors import Forbidden, InvalidInput
from baton.offboarding.models import ChecklistTemplateItem, HandoverItem, OffboardingPolicy
from baton.offboarding.services import templates_install_defaults
from baton.offboarding.services.templates import (
    offboarding_policy_update,
    template_item_create,
    template_item_delete,
    template_item_update,
    template_update,
)
from baton.offboarding.testing import open_case

pytestmark = pytest.mark.django_db

NEW_ITEM = {
    "title": "门禁卡归还",
    "description": "交回门禁卡与工牌。",
    "evidence": "none",
    "system_check": "",
    "verifier": "hr",
    "due_offset_days": 1,
    "required": True,
}


@pytest.fixture
def sales_template(org):
    return next(t for t in templates_install_defaults(company_id=org.company.pk) if t.for_sales)


def test_hr_adds_an_item_at_the_end_and_it_is_audited(org, sales_template):
    item = template_item_create(actor=org.users["H0001"], template=sales_template, **NEW_ITEM)
    assert item.position == 10 and item.code == "item-11" and item.title == "门禁卡归还"
    event = AuditEvent.objects.get(action="offboarding.template_item_created")
    assert event.actor_label == "H0001" and event.changes["template"] == sales_template.pk


def test_a_system_item_must_name_its_check_and_others_none(org, sales_template):
    with pytest.raises(InvalidInput) as no_check:
        template_item_create(
            actor=org.users["H0001"], template=sales_template, **{**NEW_ITEM, "evidence": "system"}
        )
    assert "system_check" in no_check.value.fields
    with pytest.raises(InvalidInput) as stray:
        template_item_create(
            actor=org.users["H0001"],
            template=sales_template,
            **{**NEW_ITEM, "system_check": "customers_confirmed"},
        )
    assert "system_check" in stray.value.fields


def test_bad_values_are_refused_field_by_field(org, sales_template):
    with pytest.raises(InvalidInput) as refused:
        template_item_create(
            actor=org.users["H0001"],
            template=sales_template,
            **{**NEW_ITEM, "title": " ", "verifier": "boss", "due_offset_days": 400},
        )
    assert set(refused.value.fields) == {"title", "verifier", "due_offset_days"}
    assert not AuditEvent.objects.filter(action="offboarding.template_item_created").exists()


def test_only_template_editors_of_the_company_change_templates(org, sales_template):
    for no in ("S1000", "S1101", "F0001"):
        with pytest.raises(Forbidden):
            template_item_create(actor=org.users[no], template=sales_template, **NEW_ITEM)
    assert AuditEvent.objects.filter(action="offboarding.template_refused", result="denied").count() == 3


def test_editing_and_removing_items_leave_open_cases_alone(crm):
    org = crm.org
    case = open_case(org)
    template = case.template
    statement = template.items.get(code="competitor_statement")
    # when HR renames one item and removes another
    template_item_update(actor=org.users["H0001"], item=statement, title="竞业情况说明", due_offset_days=6)
    template_item_delete(actor=org.users["H0001"], item=template.items.get(code="phone_returned"))
    # then the template changed, and the open case kept its copy
    statement.refresh_from_db()
    assert statement.title == "竞业情况说明" and statement.due_offset_days == 6
    assert not ChecklistTemplateItem.objects.filter(template=template, code="phone_returned").exists()
    assert HandoverItem.objects.get(case=case, code="competitor_statement").title == "竞争对手接触情况说明"
    assert HandoverItem.objects.filter(case=case, code="phone_returned").exists()
    changed = AuditEvent.objects.get(action="offboarding.template_item_changed")
    assert changed.changes["title"] == {"before": "竞争对手接触情况说明", "after": "竞业情况说明"}
    assert AuditEvent.objects.filter(action="offboarding.template_item_deleted").exists()


def test_an_update_with_an_unknown_field_is_refused(org, sales_template):
    with pytest.raises(InvalidInput):
        template_item_update(actor=org.users["H0001"], item=sales_template.items.first(), code="x")


def test_the_sign_off_becomes_sequential_in_a_new_order(org, sales_template):
    template = template_update(
        actor=org.users["H0001"],
        template=sales_template,
        approval_mode="sequential",
        approval_order=["finance", "hr"],
    )
    assert template.approval_mode == "sequential" and template.approval_order == ["finance", "hr"]
    assert AuditEvent.objects.filter(action="offboarding.template_changed").exists()


def test_a_party_named_twice_or_unknown_is_refused(org, sales_template):
    for order in (["hr", "hr"], ["ceo"], []):
        with pytest.raises(InvalidInput) as refused:
            template_update(actor=org.users["H0001"], template=sales_template, approval_order=order)
        assert "approval_order" in refused.value.fields


def test_hr_changes_the_notice(org):
    policy = offboarding_policy_update(actor=org.users["H0001"], company_id=org.company.pk, notice_days=45)
    assert policy.notice_days == 45
    event = AuditEvent.objects.get(action="offboarding.policy_changed")
    assert event.changes["notice_days"] == {"before": 30, "after": 45}


def test_settings_out_of_range_are_refused_and_nothing_changes(org):
    with pytest.raises(InvalidInput) as refused:
        offboarding_policy_update(
            actor=org.users["H0001"],
            company_id=org.company.pk,
            notice_days=10,
            revisit_top_n=500,
        )
    assert set(refused.value.fields) == {"revisit_top_n"}
    with pytest.raises(InvalidInput) as longer:
        offboarding_policy_update(
            actor=org.users["H0001"], company_id=org.company.pk, notice_days=10, probation_notice_days=20
        )
    assert set(longer.value.fields) == {"probation_notice_days"}
    assert not OffboardingPolicy.objects.filter(company=org.company, notice_days=10).exists()


def test_only_hr_changes_the_settings(org):
    with pytest.raises(Forbidden):
        offboarding_policy_update(actor=org.users["S1000"], company_id=org.company.pk, notice_days=10)
