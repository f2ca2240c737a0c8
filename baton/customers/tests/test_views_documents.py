"""The document pages of the 360° profile: adding contracts with scans, attaching files to
interactions, resolving complaints, recording payments, and the scoped, audited downloads."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from baton.audit.models import AuditEvent
from baton.core.testing import MatrixCase, assert_matrix
from baton.customers.models import Contract, InteractionAttachment
from baton.customers.services import receivable_add
from baton.customers.tests.test_api_documents import (
    EXE,
    PDF,
    a_complaint,
    a_contract,
    an_attachment,
    an_interaction,
    stored_files,
)

pytestmark = pytest.mark.django_db


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


def profile(crm, key):
    return f"/customers/{crm.customers[key].pk}/"


def contract_form(number="HT-2026-020", scan=PDF, name="扫描件.pdf"):
    return {
        "number": number,
        "title": "年度运输框架协议",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "amount": "500000",
        "scan": SimpleUploadedFile(name, scan),
    }


def test_profile_offers_the_document_actions(crm):
    contract = a_contract(crm, "c1")
    attachment = an_attachment(crm, "c1")
    complaint = a_complaint(crm, "c1")
    receivable = receivable_add(
        actor=None, customer=crm.customers["c1"], amount="1000", due_on=dt.date(2026, 12, 1)
    )
    page = crm.org.client_for("S1101").get(profile(crm, "c1")).content.decode()

    assert f"/customers/{crm.customers['c1'].pk}/contracts/new/" in page
    assert 'enctype="multipart/form-data"' in page
    assert f"/customers/contracts/{contract.pk}/scan/" in page
    assert f"/customers/attachments/{attachment.pk}/download/" in page
    assert f"/customers/interactions/{attachment.interaction_id}/attach/" in page
    assert f"/customers/complaints/{complaint.pk}/resolve/" in page
    assert f"/customers/receivables/{receivable.pk}/payment/" in page  # sales holds order.change (own)


def test_management_sees_documents_but_no_forms(crm):
    a_contract(crm, "c1")
    a_complaint(crm, "c1")
    receivable = receivable_add(
        actor=None, customer=crm.customers["c1"], amount="1000", due_on=dt.date(2026, 12, 1)
    )
    page = crm.org.client_for("M0001").get(profile(crm, "c1")).content.decode()
    assert "/scan/" in page
    assert "/contracts/new/" not in page and "/resolve/" not in page and "/attach/" not in page
    assert f"/receivables/{receivable.pk}/payment/" not in page


def test_contract_add_page_matrix(crm):
    assert_matrix(
        crm.org,
        MatrixCase(
            f"{profile(crm, 'c1')}contracts/new/",
            permitted="S1101",
            no_permission="X0001",
            out_of_scope="S1201",
        ),
    )


def test_adding_a_contract_with_a_scan(crm, tmp_path):
    response = crm.org.client_for("S1101").post(f"{profile(crm, 'c1')}contracts/new/", contract_form())
    assert response.status_code == 302 and response["Location"] == profile(crm, "c1")
    contract = Contract.objects.get()
    assert contract.scan_sha256 == hashlib.sha256(PDF).hexdigest()
    assert contract.amount == Decimal("500000.00")
    assert [p.read_bytes() for p in stored_files(tmp_path)] == [PDF]


def test_a_disguised_scan_shows_on_the_form_and_nothing_is_stored(crm, tmp_path):
    response = crm.org.client_for("S1101").post(
        f"{profile(crm, 'c1')}contracts/new/", contract_form(scan=EXE, name="合同.pdf")
    )
    assert response.status_code == 200
    assert "This kind of file is not accepted here" in response.content.decode()
    assert 'enctype="multipart/form-data"' in response.content.decode()
    assert not Contract.objects.exists()
    assert stored_files(tmp_path) == []


def test_scan_and_attachment_download_matrix(crm):
    contract = a_contract(crm, "c3")
    attachment = an_attachment(crm, "c3")
    for url in (
        f"/customers/contracts/{contract.pk}/scan/",
        f"/customers/attachments/{attachment.pk}/download/",
    ):
        assert_matrix(
            crm.org, MatrixCase(url, permitted="S1201", no_permission="X0001", out_of_scope="S1101")
        )


def test_a_download_from_the_profile_is_the_file_and_is_audited(crm):
    attachment = an_attachment(crm, "c1", data=b"\xff\xd8\xff\xe0 a photo", name="签收单.jpg")
    response = crm.org.client_for("S1101").get(f"/customers/attachments/{attachment.pk}/download/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8\xff\xe0 a photo"
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="customers.document_downloaded")
    assert event.actor_label == "S1101"
    assert event.changes["sha256"] == hashlib.sha256(b"\xff\xd8\xff\xe0 a photo").hexdigest()


def test_attaching_a_file_to_an_interaction(crm, tmp_path):
    interaction = an_interaction(crm, "c1")
    url = f"/customers/interactions/{interaction.pk}/attach/"
    assert_matrix(crm.org, MatrixCase(url, permitted="S1101", no_permission="X0001", out_of_scope="S1201"))
    client = crm.org.client_for("S1101")

    refused = client.post(url, {"file": SimpleUploadedFile("纪要.pdf", EXE)})
    assert refused.status_code == 200 and not InteractionAttachment.objects.exists()
    assert stored_files(tmp_path) == []

    response = client.post(url, {"file": SimpleUploadedFile("通话录音.mp3", b"ID3\x03\x00 recording")})
    assert response.status_code == 302 and response["Location"] == f"{profile(crm, 'c1')}#timeline"
    attachment = InteractionAttachment.objects.get()
    assert attachment.content_type == "audio/mpeg" and attachment.interaction == interaction


def test_resolving_a_complaint(crm):
    complaint = a_complaint(crm, "c1")
    url = f"/customers/complaints/{complaint.pk}/resolve/"
    assert_matrix(crm.org, MatrixCase(url, permitted="S1101", no_permission="X0001", out_of_scope="S1201"))
    response = crm.org.client_for("S1101").post(url, {"resolution": "补偿运费10%"})
    assert response.status_code == 302 and response["Location"] == f"{profile(crm, 'c1')}#complaints"
    complaint.refresh_from_db()
    assert complaint.status == "resolved" and complaint.resolution == "补偿运费10%"
    page = crm.org.client_for("S1101").get(profile(crm, "c1")).content.decode()
    assert "补偿运费10%" in page and f"/complaints/{complaint.pk}/resolve/" not in page


def test_finance_records_a_payment_and_sales_of_another_team_cannot(crm):
    receivable = receivable_add(
        actor=None, customer=crm.customers["c1"], amount="1000", due_on=dt.date(2026, 12, 1)
    )
    url = f"/customers/receivables/{receivable.pk}/payment/"
    assert_matrix(crm.org, MatrixCase(url, permitted="F0001", no_permission="X0001", out_of_scope="S1201"))
    assert crm.org.client_for("S1201").post(url, {"amount": "10"}).status_code == 404

    finance = crm.org.client_for("F0001")
    page = finance.get(url).content.decode()
    assert "1,000.00" in page and f'href="{profile(crm, "c1")}"' not in page  # no profile for finance
    response = finance.post(url, {"amount": "1000"})
    assert response.status_code == 302 and response["Location"] == url
    receivable.refresh_from_db()
    assert receivable.status == "paid" and receivable.paid_amount == Decimal("1000.00")
    assert AuditEvent.objects.filter(action="customers.receivable_paid", actor_label="F0001").exists()

    closed = finance.post(url, {"amount": "1"})
    assert closed.status_code == 200 and "This receivable is not open." in closed.content.decode()


def test_sales_records_a_payment_from_the_profile(crm):
    receivable = receivable_add(
        actor=None, customer=crm.customers["c1"], amount="1000", due_on=dt.date(2026, 12, 1)
    )
    response = crm.org.client_for("S1101").post(
        f"/customers/receivables/{receivable.pk}/payment/", {"amount": "400"}
    )
    assert response.status_code == 302 and response["Location"] == f"{profile(crm, 'c1')}#receivables"
    receivable.refresh_from_db()
    assert receivable.paid_amount == Decimal("400.00") and receivable.status == "open"


def test_anonymous_downloads_go_to_sign_in(crm):
    contract = a_contract(crm, "c1")
    response = Client().get(f"/customers/contracts/{contract.pk}/scan/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not AuditEvent.objects.filter(action="customers.document_downloaded").exists()
