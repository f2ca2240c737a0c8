"""The checklist template and settings pages (HR edits; the department head reads)."""

from __future__ import annotations

import pytest

from baton.core.testing import MatrixCase, assert_matrix
from baton.offboarding.models import ChecklistTemplate, ChecklistTemplateItem, OffboardingPolicy
from baton.offboarding.services import templates_install_defaults

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def template(org):
    return next(t for t in templates_install_defaults(company_id=org.company.pk) if t.for_sales)


ITEM = {
    "title": "门禁卡归还",
    "description": "",
    "evidence": "none",
    "system_check": "",
    "verifier": "hr",
    "due_offset_days": "1",
    "required": "on",
}


def test_template_pages_matrix(org, template):
    for url in (
        "/offboarding/templates/",
        f"/offboarding/templates/{template.pk}/",
        "/offboarding/settings/",
    ):
        assert_matrix(org, MatrixCase(url, permitted="H0001", no_permission="S1101"))
        assert org.client_for("S1000").get(url).status_code == 200  # reads, may not save


def test_the_department_head_reads_but_cannot_save(org, template):
    client = org.client_for("S1000")
    assert "Add an item" not in client.get(f"/offboarding/templates/{template.pk}/").content.decode()
    assert client.post("/offboarding/settings/", {"notice_days": "10"}).status_code == 403
    assert client.post(f"/offboarding/templates/{template.pk}/items/new/", ITEM).status_code == 403


def test_a_company_without_templates_installs_the_defaults(org):
    client = org.client_for("H0001")
    assert "Install the default templates" in client.get("/offboarding/templates/").content.decode()
    assert client.post("/offboarding/templates/").status_code == 302
    assert ChecklistTemplate.objects.filter(company=org.company).count() == 2


def test_hr_adds_edits_and_removes_an_item(org, template):
    client = org.client_for("H0001")
    added = client.post(f"/offboarding/templates/{template.pk}/items/new/", ITEM)
    assert added.status_code == 302
    item = ChecklistTemplateItem.objects.get(template=template, title="门禁卡归还")
    edited = client.post(f"/offboarding/template-items/{item.pk}/", {**ITEM, "title": "工牌归还"})
    assert edited.status_code == 302
    item.refresh_from_db()
    assert item.title == "工牌归还"
    assert client.post(f"/offboarding/template-items/{item.pk}/delete/").status_code == 302
    assert not ChecklistTemplateItem.objects.filter(pk=item.pk).exists()


def test_a_system_item_without_a_check_is_refused_on_the_form(org, template):
    response = org.client_for("H0001").post(
        f"/offboarding/templates/{template.pk}/items/new/",
        {**ITEM, "evidence": "system", "title": "系统核对"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose what the system checks." in html and "系统核对" in html


def test_hr_makes_the_sign_off_sequential(org, template):
    response = org.client_for("H0001").post(
        f"/offboarding/templates/{template.pk}/",
        {
            "name": template.name,
            "approval_mode": "sequential",
            "sign_1": "hr",
            "sign_2": "finance",
            "sign_3": "",
        },
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.approval_mode == "sequential" and template.approval_order == ["hr", "finance"]


def test_a_party_named_twice_is_refused_on_the_form(org, template):
    response = org.client_for("H0001").post(
        f"/offboarding/templates/{template.pk}/",
        {"name": "新名称", "approval_mode": "parallel", "sign_1": "hr", "sign_2": "hr"},
    )
    assert response.status_code == 200
    assert "Name each party once" in response.content.decode() and "新名称" in response.content.decode()


def settings_form(**changes):
    return {
        "notice_days": "30",
        "probation_notice_days": "3",
        "revisit_top_n": "5",
        "revisit_due_days": "14",
        "reminder_period_hours": "24",
        "escalate_after_hours": "48",
        **changes,
    }


def test_hr_changes_the_settings(org):
    response = org.client_for("H0001").post("/offboarding/settings/", settings_form(notice_days="45"))
    assert response.status_code == 302
    assert OffboardingPolicy.objects.get(company=org.company).notice_days == 45


def test_a_probation_notice_longer_than_the_notice_is_refused_and_kept(org):
    response = org.client_for("H0001").post(
        "/offboarding/settings/", settings_form(notice_days="10", probation_notice_days="20")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "cannot be longer than the notice" in html and 'value="20"' in html


def test_templates_of_another_company_answer_404(org, template):
    from baton.org.models import Company

    other = Company.objects.create(name="别家公司")
    foreign = templates_install_defaults(company_id=other.pk)[0]
    assert org.client_for("H0001").get(f"/offboarding/templates/{foreign.pk}/").status_code == 404
