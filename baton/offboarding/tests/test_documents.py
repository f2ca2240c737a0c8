"""The separation certificate (离职证明) and the compliance evidence package of a departure."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from baton.audit.models import AuditEvent
from baton.core.errors import Conflict, Forbidden
from baton.core.testing import MatrixCase, assert_matrix
from baton.offboarding.documents import case_number, certificate_pdf, evidence_package_pdf
from baton.offboarding.models import HandoverEvidence, HandoverItem, TransferLine
from baton.offboarding.services import approval_decide, case_complete, plan_execute, plan_save
from baton.offboarding.testing import complete_all_items

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squeezed(text: str) -> str:
    """The text without whitespace: table cells wrap, so values are compared without it."""
    return "".join(text.split())


@pytest.fixture
def completed(case, crm):
    """S1101's case, every item done, signed off by all three parties, customers transferred to
    S1102, completed by HR."""
    org = crm.org
    complete_all_items(case, org)
    for no in ("S1000", "H0001", "F0001"):
        approval_decide(actor=org.users[no], case=case, decision="approved", comment=f"{no} 核对无误，同意")
    plan_save(actor=org.users["H0001"], case=case, strategy="one_successor", successor=org.employees["S1102"])
    plan_execute(actor=org.users["H0001"], case=case)
    return case_complete(actor=org.users["H0001"], case=case)


def generated(action: str, case) -> AuditEvent:
    return AuditEvent.objects.get(action=action, object_id=str(case.pk))


# --- the certificate ----------------------------------------------------------------------------


def test_hr_issues_the_certificate_of_a_completed_case_in_chinese(completed, crm):
    org = crm.org
    with translation.override("en"):  # a legal document: Chinese whatever the interface says
        data = certificate_pdf(actor=org.users["H0001"], case=completed)

    text = pdf_text(data)
    flat = squeezed(text)
    assert data.startswith(b"%PDF")
    assert "离职证明" in text and "顺达物流有限公司" in text
    assert "张伟" in text and "S1101" in text and "华南区销售部" in text and "客户经理" in text
    assert "2016年3月1日" in text
    last_day = completed.last_working_day
    assert f"{last_day.year}年{last_day.month}月{last_day.day}日" in text
    assert "兹证明张伟（工号：S1101）自2016年3月1日至" in flat
    assert "解除劳动合同" in flat and flat.count("特此证明") == 1
    assert "公司盖章" in text and "第 1 页 / 共 1 页" in text
    assert "身份证" not in text  # no ID numbers on the certificate
    event = generated("offboarding.certificate_generated", completed)
    assert event.actor_label == "H0001"
    assert event.changes["sha256"] == hashlib.sha256(data).hexdigest()


def test_the_certificate_waits_for_the_completed_case_and_is_for_hr_only(case, crm):
    org = crm.org
    with pytest.raises(Conflict) as err:
        certificate_pdf(actor=org.users["H0001"], case=case)
    assert err.value.code == "wrong_case_state"
    with pytest.raises(Forbidden):
        certificate_pdf(actor=org.users["S1000"], case=case)
    refusals = AuditEvent.objects.filter(action="offboarding.document_refused", result="denied")
    assert sorted(refusals.values_list("actor_label", flat=True)) == ["H0001", "S1000"]
    assert not AuditEvent.objects.filter(action="offboarding.certificate_generated").exists()


# --- the evidence package -------------------------------------------------------------------------


def test_the_evidence_package_holds_what_a_compliance_officer_looks_for(completed, crm):
    org = crm.org
    chain_length = AuditEvent.objects.count()
    with translation.override("en"):
        data = evidence_package_pdf(actor=org.users["H0001"], case=completed)

    text = pdf_text(data)
    flat = squeezed(text)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    number = case_number(completed)
    assert "张伟（S1101）" in text
    for title in HandoverItem.objects.filter(case=completed).values_list("title", flat=True):
        assert squeezed(title) in flat, title
    hashes = set(HandoverEvidence.objects.filter(item__case=completed).values_list("sha256", flat=True))
    assert hashes and all(sha in flat for sha in hashes)
    for party, no in (("Department head", "S1000"), ("HR", "H0001"), ("Finance", "F0001")):
        assert squeezed(f"{party} Approved {no}") in flat
        assert f"{no} 核对无误，同意" in text
    customers = TransferLine.objects.filter(plan__case=completed).values_list("customer__name", flat=True)
    assert customers and all(name in text for name in customers)
    assert "刘洋（S1102）" in text  # the new owner
    assert f"Audit chain verified: all {chain_length} events intact" in text
    assert "offboarding.case_completed" in text and "offboarding.sign_off_decided" in text
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert text.count(f"Case {number} · generated by 工号 H0001") == pages
    event = generated("offboarding.evidence_package_generated", completed)
    assert event.changes["sha256"] == hashlib.sha256(data).hexdigest()
    assert event.changes["chain_ok"] is True and event.changes["chain_count"] == chain_length


@pytest.mark.parametrize("no", ["S1000", "M0001", "admin"])
def test_the_department_head_management_and_admin_take_the_package(completed, crm, no):
    assert pdf_text(evidence_package_pdf(actor=crm.org.users[no], case=completed)).strip()


@pytest.mark.parametrize("no", ["S1100", "S1101", "S1102"])
def test_the_team_lead_the_leaver_and_colleagues_do_not(case, crm, no):
    with pytest.raises(Forbidden):
        evidence_package_pdf(actor=crm.org.users[no], case=case)
    assert AuditEvent.objects.filter(action="offboarding.document_refused", actor_label=no).exists()


# --- the downloads ---------------------------------------------------------------------------------


def assert_pdf_attachment(response, filename: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")


def test_the_pages_answer_pdf_attachments_in_scope(completed, crm):
    org = crm.org
    number = case_number(completed)
    for name, url in (
        (f"separation-certificate-{number}.pdf", f"/offboarding/cases/{completed.pk}/certificate.pdf"),
        (f"evidence-package-{number}.pdf", f"/offboarding/cases/{completed.pk}/evidence.pdf"),
    ):
        assert_pdf_attachment(org.client_for("H0001").get(url), name)
        assert_matrix(
            org, MatrixCase(url=url, permitted="H0001", no_permission="X0001", out_of_scope="S1201")
        )
    assert org.client_for("S1000").get(f"/offboarding/cases/{completed.pk}/evidence.pdf").status_code == 200
    # The successor sees the case, not its evidence package.
    assert org.client_for("S1102").get(f"/offboarding/cases/{completed.pk}/evidence.pdf").status_code == 404
    assert (
        org.client_for("S1000").get(f"/offboarding/cases/{completed.pk}/certificate.pdf").status_code == 403
    )


def test_the_leaver_and_the_team_lead_get_no_evidence_package(case, crm):
    for no in ("S1101", "S1100"):
        response = crm.org.client_for(no).get(f"/offboarding/cases/{case.pk}/evidence.pdf")
        assert response.status_code == 404
    assert AuditEvent.objects.filter(result="denied", changes__reason="out_of_scope").count() == 2


def test_a_certificate_asked_for_too_early_goes_back_to_the_case(case, crm):
    response = crm.org.client_for("H0001").get(f"/offboarding/cases/{case.pk}/certificate.pdf")
    assert response.status_code == 302 and response["Location"] == f"/offboarding/cases/{case.pk}/"


def test_the_api_answers_pdf_attachments_in_scope(completed, crm):
    org = crm.org
    number = case_number(completed)
    base = f"/api/v1/offboarding/cases/{completed.pk}"
    assert_pdf_attachment(
        org.client_for("H0001").get(f"{base}/certificate/"), f"separation-certificate-{number}.pdf"
    )
    assert_pdf_attachment(
        org.client_for("S1000").get(f"{base}/evidence-package/", HTTP_ACCEPT="application/pdf"),
        f"evidence-package-{number}.pdf",
    )
    for path in ("certificate/", "evidence-package/"):
        assert_matrix(
            org,
            MatrixCase(
                url=f"{base}/{path}", permitted="H0001", no_permission="X0001", out_of_scope="S1201", api=True
            ),
        )
    assert org.client_for("S1000").get(f"{base}/certificate/").json()["error"]["code"] == "hr_only"


def test_the_api_refuses_the_certificate_of_an_open_case(case, crm):
    response = crm.org.client_for("H0001").get(f"/api/v1/offboarding/cases/{case.pk}/certificate/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "wrong_case_state"
