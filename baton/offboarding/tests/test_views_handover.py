"""The leaver's handover page, uploads through the page, sign-off on the case page, evidence downloads."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from baton.audit.models import AuditEvent
from baton.core.testing import MatrixCase, assert_matrix
from baton.offboarding.models import (
    Approval,
    CaseStatus,
    Decision,
    HandoverConfirmation,
    HandoverEvidence,
    ItemStatus,
)
from baton.offboarding.testing import PDF_BYTES, complete_all_items, item, pdf_upload

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00" + b"\x00" * 64
STATEMENT = "与竞争对手无私下接触，所有客户资料均已录入系统并当面移交。"


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


# --- The page ------------------------------------------------------------------------------------


def test_my_handover_lists_what_is_left_with_due_times_and_evidence(crm, case):
    html = crm.org.client_for("S1101").get("/offboarding/my/").content.decode()
    assert "10 items left" in html
    assert "客户资料移交" in html and "Checked by the system" in html and "File upload" in html
    assert "Confirm selected" in html and "Confirm all" in html
    assert "广州华南精密制造有限公司" in html  # the generated customer list
    assert "Waiting for: Finance" in html


def test_someone_without_a_case_is_offered_the_resignation(crm):
    response = crm.org.client_for("S1102").get("/offboarding/my/")
    assert response.status_code == 200
    assert "/offboarding/resign/" in response.content.decode()


def test_my_handover_asks_for_sign_in(crm):
    from django.test import Client

    anonymous = Client().get("/offboarding/my/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


# --- Statements and files ------------------------------------------------------------------------


def test_a_short_statement_is_refused_and_kept(crm, case):
    target = item(case, "competitor_statement")
    response = crm.org.client_for("S1101").post(
        f"/offboarding/items/{target.pk}/complete/", {"statement": "没有接触"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Write at least 20 characters." in html and "没有接触" in html
    target.refresh_from_db()
    assert target.status == ItemStatus.PENDING


def test_a_statement_completes_the_item(crm, case):
    target = item(case, "competitor_statement")
    response = crm.org.client_for("S1101").post(
        f"/offboarding/items/{target.pk}/complete/", {"statement": STATEMENT}
    )
    assert response.status_code == 302 and response["Location"] == "/offboarding/my/"
    target.refresh_from_db()
    assert target.status == ItemStatus.DONE and target.statement == STATEMENT


def test_several_files_are_uploaded_in_one_go(crm, case, tmp_path):
    target = item(case, "contract_scans")
    response = crm.org.client_for("S1101").post(
        f"/offboarding/items/{target.pk}/complete/",
        {"statement": "", "evidence_files": [pdf_upload("合同一.pdf"), pdf_upload("合同二.pdf")]},
    )
    assert response.status_code == 302
    assert sorted(HandoverEvidence.objects.filter(item=target).values_list("name", flat=True)) == [
        "合同一.pdf",
        "合同二.pdf",
    ]
    assert len(stored_files(tmp_path)) == 2


def test_a_disguised_file_is_refused_and_nothing_is_stored(crm, case, tmp_path):
    target = item(case, "contract_scans")
    disguised = SimpleUploadedFile("合同.pdf", EXE, content_type="application/pdf")
    response = crm.org.client_for("S1101").post(
        f"/offboarding/items/{target.pk}/complete/",
        {"statement": "扫描件", "evidence_files": [pdf_upload(), disguised]},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This kind of file is not accepted here" in html
    assert 'enctype="multipart/form-data"' in html and "扫描件" in html
    assert not HandoverEvidence.objects.exists()
    assert stored_files(tmp_path) == []


def test_a_file_item_without_a_file_says_so(crm, case):
    target = item(case, "contract_scans")
    response = crm.org.client_for("S1101").post(f"/offboarding/items/{target.pk}/complete/", {})
    assert response.status_code == 200
    assert "Upload the evidence file." in response.content.decode()


def test_another_sales_person_cannot_reach_the_leavers_item(crm, case):
    target = item(case, "competitor_statement")
    response = crm.org.client_for("S1201").post(
        f"/offboarding/items/{target.pk}/complete/", {"statement": STATEMENT}
    )
    assert response.status_code == 404


# --- System lists --------------------------------------------------------------------------------


def test_confirm_all_completes_the_customer_item(crm, case):
    target = item(case, "customer_files")
    response = crm.org.client_for("S1101").post(
        f"/offboarding/items/{target.pk}/confirm/", {"everything": "1", "note": ""}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == ItemStatus.DONE
    assert HandoverConfirmation.objects.filter(item=target, customer=crm.customer("c1")).exists()


def test_confirming_nothing_selected_is_refused(crm, case):
    target = item(case, "open_orders")
    response = crm.org.client_for("S1101").post(f"/offboarding/items/{target.pk}/confirm/", {"note": ""})
    assert response.status_code == 200
    assert "Choose open orders on the list." in response.content.decode()


def test_confirming_selected_open_orders(crm, case):
    from baton.offboarding.selectors import open_orders_of

    target = item(case, "open_orders")
    order = open_orders_of(case=case).get()
    response = crm.org.client_for("S1101").post(
        f"/offboarding/items/{target.pk}/confirm/", {"selected": [order.pk], "note": "已与客户确认"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == ItemStatus.DONE


def test_a_follow_up_record_covers_the_selected_customers(crm, case):
    target = item(case, "follow_up_records")
    client = crm.org.client_for("S1101")
    if f"/offboarding/items/{target.pk}/follow-up/" not in client.get("/offboarding/my/").content.decode():
        pytest.skip("every customer has a recent interaction in this data")
    response = client.post(
        f"/offboarding/items/{target.pk}/follow-up/",
        {"customers": [crm.customer("c1").pk], "file": pdf_upload("拜访记录.pdf")},
    )
    assert response.status_code == 302
    evidence = HandoverEvidence.objects.get(item=target)
    assert list(evidence.customers.all()) == [crm.customer("c1")]
    target.refresh_from_db()
    assert target.status == ItemStatus.DONE


def test_a_disguised_follow_up_record_is_refused(crm, case):
    target = item(case, "follow_up_records")
    response = crm.org.client_for("S1101").post(
        f"/offboarding/items/{target.pk}/follow-up/",
        {"customers": [crm.customer("c1").pk], "file": SimpleUploadedFile("记录.pdf", EXE)},
    )
    assert response.status_code == 200
    assert "This kind of file is not accepted here" in response.content.decode()
    assert not HandoverEvidence.objects.exists()


# --- Sign-off on the case page -------------------------------------------------------------------


def signing(case, crm):
    complete_all_items(case, crm.org)
    case.refresh_from_db()
    assert case.status == CaseStatus.SIGN_OFF
    return case


def test_an_approver_approves_on_the_case_page(crm, case):
    case = signing(case, crm)
    client = crm.org.client_for("H0001")
    assert "Submit decision" in client.get(f"/offboarding/cases/{case.pk}/").content.decode()
    response = client.post(f"/offboarding/cases/{case.pk}/decide/", {"decision": "approved", "role": "hr"})
    assert response.status_code == 302
    assert Approval.objects.get(case=case, role="hr").decision == Decision.APPROVED


def test_a_rejection_without_a_comment_is_refused_and_kept(crm, case):
    case = signing(case, crm)
    target = item(case, "contract_scans")
    response = crm.org.client_for("S1000").post(
        f"/offboarding/cases/{case.pk}/decide/",
        {"decision": "rejected", "comment": "", "reopen_items": [target.pk], "role": "department_head"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Say what must be corrected." in html
    assert re.search(rf'value="{target.pk}"[^>]*checked', html)  # the item ticked to redo stays ticked


def test_a_rejection_reopens_items_and_the_leaver_sees_why(crm, case):
    case = signing(case, crm)
    target = item(case, "contract_scans")
    response = crm.org.client_for("S1000").post(
        f"/offboarding/cases/{case.pk}/decide/",
        {
            "decision": "rejected",
            "comment": "合同扫描件不清晰",
            "reopen_items": [target.pk],
            "role": "department_head",
        },
    )
    assert response.status_code == 302
    html = crm.org.client_for("S1101").get("/offboarding/my/").content.decode()
    assert "合同扫描件不清晰" in html and "Why it was sent back" in html
    assert f"/offboarding/items/{target.pk}/complete/" in html


def test_the_inbox_lists_sign_offs_waiting(crm, case):
    case = signing(case, crm)
    assert_matrix(crm.org, MatrixCase("/offboarding/inbox/", permitted="F0001", no_permission="S1101"))
    html = crm.org.client_for("F0001").get("/offboarding/inbox/").content.decode()
    assert "张伟" in html and f"/offboarding/cases/{case.pk}/" in html


# --- Evidence downloads --------------------------------------------------------------------------


def an_evidence(crm, case):
    from baton.offboarding.services import handover_item_complete

    handover_item_complete(
        actor=crm.org.users["S1101"], item=item(case, "contract_scans"), files=[pdf_upload()]
    )
    return HandoverEvidence.objects.get()


def test_evidence_download_matrix(crm, case):
    evidence = an_evidence(crm, case)
    url = f"/offboarding/evidence/{evidence.pk}/"
    assert_matrix(crm.org, MatrixCase(url, permitted="H0001", no_permission="X0001", out_of_scope="S1201"))


def test_an_evidence_download_is_an_attachment_and_is_audited(crm, case):
    evidence = an_evidence(crm, case)
    html = crm.org.client_for("S1100").get(f"/offboarding/cases/{case.pk}/").content.decode()
    assert f"/offboarding/evidence/{evidence.pk}/" in html

    response = crm.org.client_for("S1100").get(f"/offboarding/evidence/{evidence.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="offboarding.evidence_downloaded")
    assert event.actor_label == "S1100" and event.changes["case"] == case.pk
    assert event.changes["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    timeline = crm.org.client_for("H0001").get(f"/offboarding/cases/{case.pk}/").content.decode()
    assert "Evidence uploaded" in timeline and "Evidence downloaded" in timeline
