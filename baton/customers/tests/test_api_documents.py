"""Contracts with scans, receivables and payments, complaint resolution and interaction
attachments through the API: who may do what, what is stored, and what a download hands out."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from baton.audit.models import AuditEvent
from baton.core import clock
from baton.core.testing import MatrixCase, assert_matrix
from baton.customers.models import Contract, InteractionAttachment, Receivable
from baton.customers.services import (
    complaint_record,
    contract_add,
    interaction_record,
    receivable_add,
)

pytestmark = pytest.mark.django_db

CONTRACTS = "/api/v1/contracts/"
RECEIVABLES = "/api/v1/receivables/"
ATTACHMENTS = "/api/v1/attachments/"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


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


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def a_contract(crm, key="c1", number="HT-2026-001", scan=PDF):
    return contract_add(
        actor=None,
        customer=crm.customers[key],
        number=number,
        title="2026年度运输框架协议",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        amount="1200000",
        scan=SimpleUploadedFile("框架协议.pdf", scan) if scan is not None else None,
    )


def an_interaction(crm, key="c1"):
    now = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    with clock.frozen_at(now):
        interaction, _ = interaction_record(
            actor=None, customer=crm.customers[key], channel="visit", occurred_at=now, content="现场拜访"
        )
    return interaction


def an_attachment(crm, key="c1", data=PDF, name="报价单.pdf"):
    from baton.customers.services import attachment_add

    return attachment_add(
        actor=None, interaction=an_interaction(crm, key), upload=SimpleUploadedFile(name, data)
    )


def a_complaint(crm, key="c1"):
    return complaint_record(
        actor=None,
        customer=crm.customers[key],
        occurred_on=dt.date(2026, 11, 1),
        category="延误",
        severity="high",
        description="晚到一天",
    )


def upload_matrix(crm, url, make_data, *, permitted, no_permission="X0001", out_of_scope=None, ok=201):
    """assert_matrix for multipart uploads: a fresh file for every call."""
    assert Client().post(url, make_data()).status_code == 401
    assert crm.org.client_for(no_permission).post(url, make_data()).status_code == 403
    if out_of_scope:
        assert crm.org.client_for(out_of_scope).post(url, make_data()).status_code == 404
    response = crm.org.client_for(permitted).post(url, make_data())
    assert response.status_code == ok, response.content
    return response


# --- Contracts -------------------------------------------------------------------------------


def test_contract_list_and_detail_matrix(crm):
    contract = a_contract(crm, "c3")
    assert_matrix(crm.org, MatrixCase(CONTRACTS, permitted="S1201", no_permission="X0001", api=True))
    assert_matrix(
        crm.org,
        MatrixCase(
            f"{CONTRACTS}{contract.pk}/",
            permitted="S1201",
            no_permission="X0001",
            out_of_scope="S1101",
            api=True,
        ),
    )


def test_contract_list_is_scoped_and_filtered_by_customer(crm):
    mine, theirs = a_contract(crm, "c1", "HT-1"), a_contract(crm, "c3", "HT-3")
    lead = crm.org.client_for("S1100")
    assert ids(crm.org.client_for("S1101").get(CONTRACTS)) == {mine.pk}
    assert ids(crm.org.client_for("admin").get(CONTRACTS)) == {mine.pk, theirs.pk}
    assert ids(lead.get(CONTRACTS, {"customer": crm.customers["c3"].pk})) == set()
    assert ids(lead.get(CONTRACTS, {"customer": crm.customers["c1"].pk})) == {mine.pk}


def test_contract_create_matrix(crm):
    body = {
        "customer": crm.customers["c1"].pk,
        "number": "HT-2026-009",
        "title": "年度框架协议",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
    }
    assert_matrix(
        crm.org,
        MatrixCase(
            CONTRACTS,
            permitted="S1101",
            no_permission="X0001",
            out_of_scope="S1201",
            method="post",
            data=body,
            api=True,
            ok_status=201,
        ),
    )


def test_contract_with_a_scan_in_multipart(crm, tmp_path):
    response = crm.org.client_for("S1101").post(
        CONTRACTS,
        {
            "customer": crm.customers["c1"].pk,
            "number": "HT-2026-010",
            "title": "仓储服务合同",
            "starts_on": "2026-03-01",
            "ends_on": "2027-02-28",
            "amount": "86000.5",
            "scan": SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["has_scan"] is True and data["amount"] == "86000.50"
    assert data["scan_sha256"] == hashlib.sha256(PDF).hexdigest()
    assert data["customer"]["id"] == crm.customers["c1"].pk
    assert [p.read_bytes() for p in stored_files(tmp_path)] == [PDF]


def test_a_disguised_scan_is_refused_and_nothing_is_stored(crm, tmp_path):
    response = crm.org.client_for("S1101").post(
        CONTRACTS,
        {
            "customer": crm.customers["c1"].pk,
            "number": "HT-2026-011",
            "title": "仓储服务合同",
            "starts_on": "2026-03-01",
            "ends_on": "2027-02-28",
            "scan": SimpleUploadedFile("合同扫描件.pdf", EXE, content_type="application/pdf"),
        },
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_type_refused"
    assert "file" in response.json()["error"]["fields"]
    assert not Contract.objects.exists()
    assert stored_files(tmp_path) == []


def test_contract_fields_are_strict(crm):
    response = crm.org.client_for("S1101").post(
        CONTRACTS,
        {
            "customer": crm.customers["c1"].pk,
            "number": "HT-1",
            "title": "x",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "owner": 1,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "owner" in response.json()["error"]["fields"]


def test_scan_download_matrix(crm):
    contract = a_contract(crm, "c3")
    assert_matrix(
        crm.org,
        MatrixCase(
            f"{CONTRACTS}{contract.pk}/scan/",
            permitted="S1201",
            no_permission="X0001",
            out_of_scope="S1101",
            api=True,
        ),
    )
    denied = AuditEvent.objects.filter(action="access.denied", changes__reason="out_of_scope")
    assert denied.filter(actor_label="S1101").exists()


def test_scan_download_hands_out_the_exact_bytes_and_is_audited(crm):
    contract = a_contract(crm, "c1")
    response = crm.org.client_for("S1101").get(f"{CONTRACTS}{contract.pk}/scan/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "HT-2026-001.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="customers.document_downloaded")
    assert event.actor_label == "S1101"
    assert event.object_id == str(contract.pk)
    assert event.changes["sha256"] == hashlib.sha256(PDF).hexdigest()


def test_a_contract_without_scan_has_nothing_to_download(crm):
    contract = a_contract(crm, "c1", scan=None)
    response = crm.org.client_for("S1101").get(f"{CONTRACTS}{contract.pk}/scan/")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="customers.document_downloaded").exists()


# --- Receivables -----------------------------------------------------------------------------


def test_receivable_list_and_detail_matrix(crm):
    receivable = receivable_add(
        actor=None, customer=crm.customers["c1"], amount="1000", due_on=dt.date(2026, 12, 1)
    )
    assert_matrix(crm.org, MatrixCase(RECEIVABLES, permitted="F0001", no_permission="X0001", api=True))
    assert_matrix(
        crm.org,
        MatrixCase(
            f"{RECEIVABLES}{receivable.pk}/",
            permitted="S1101",
            no_permission="H0001",
            out_of_scope="S1201",
            api=True,
        ),
    )


def test_finance_sees_every_receivable_and_sales_only_their_customers(crm):
    c1 = receivable_add(actor=None, customer=crm.customers["c1"], amount="1000", due_on=dt.date(2026, 12, 1))
    c3 = receivable_add(actor=None, customer=crm.customers["c3"], amount="500", due_on=dt.date(2026, 12, 5))
    collected = receivable_add(
        actor=None,
        customer=crm.customers["c4"],
        amount="300",
        due_on=dt.date(2026, 12, 9),
        owner=crm.org.employees["S1201"],
    )
    assert ids(crm.org.client_for("F0001").get(RECEIVABLES)) == {c1.pk, c3.pk, collected.pk}
    seen_by_s1201 = ids(crm.org.client_for("S1201").get(RECEIVABLES))
    assert seen_by_s1201 == {c3.pk, collected.pk}  # its customer's, and the one it collects
    assert crm.org.client_for("S1201").get(f"{RECEIVABLES}{c1.pk}/").status_code == 404
    assert ids(crm.org.client_for("S1101").get(RECEIVABLES)) == {c1.pk}


def test_receivable_create_matrix(crm):
    body = {"customer": crm.customers["c1"].pk, "amount": "12800", "due_on": "2026-12-31"}
    assert_matrix(
        crm.org,
        MatrixCase(
            RECEIVABLES,
            permitted="S1101",
            no_permission="F0001",  # finance collects but does not book receivables
            out_of_scope="S1201",
            method="post",
            data=body,
            api=True,
            ok_status=201,
        ),
    )
    created = Receivable.objects.get()
    assert created.amount == Decimal("12800.00") and created.owner == crm.org.employees["S1101"]
    assert AuditEvent.objects.filter(action="customers.receivable_added", actor_label="S1101").exists()


def test_receivable_for_an_order_of_another_customer_is_refused(crm):
    from baton.customers.models import Order

    order = Order.objects.get(number="SO-2026-0001")  # c1's
    response = crm.org.client_for("S1100").post(
        RECEIVABLES,
        {"customer": crm.customers["c2"].pk, "amount": "10", "due_on": "2026-12-31", "order": order.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "order" in response.json()["error"]["fields"]


def test_payment_matrix_and_finance_records_payments(crm):
    receivable = receivable_add(
        actor=None, customer=crm.customers["c1"], amount="1000", due_on=dt.date(2026, 12, 1)
    )
    url = f"{RECEIVABLES}{receivable.pk}/payments/"
    assert_matrix(
        crm.org,
        MatrixCase(
            url,
            permitted="F0001",
            no_permission="X0001",
            out_of_scope="S1201",
            method="post",
            data={"amount": "400"},
            api=True,
        ),
    )
    finance = crm.org.client_for("F0001")
    too_much = finance.post(url, {"amount": "600.01"}, content_type="application/json")
    assert too_much.status_code == 400 and "amount" in too_much.json()["error"]["fields"]
    paid = finance.post(url, {"amount": "600"}, content_type="application/json")
    assert paid.status_code == 200
    assert paid.json()["status"] == "paid" and paid.json()["paid_amount"] == "1000.00"
    closed = finance.post(url, {"amount": "1"}, content_type="application/json")
    assert closed.json()["error"]["code"] == "receivable_closed"
    events = AuditEvent.objects.filter(action="customers.receivable_paid", actor_label="F0001")
    assert events.count() == 2


def test_receivables_filter_by_status_and_overdue(crm):
    late = receivable_add(actor=None, customer=crm.customers["c1"], amount="100", due_on=dt.date(2026, 10, 1))
    later = receivable_add(
        actor=None, customer=crm.customers["c1"], amount="100", due_on=dt.date(2026, 12, 1)
    )
    client = crm.org.client_for("F0001")
    with clock.frozen_at(dt.datetime(2026, 11, 1, 4, 0, tzinfo=dt.UTC)):
        assert ids(client.get(RECEIVABLES, {"overdue": "true"})) == {late.pk}
        assert ids(client.get(RECEIVABLES, {"overdue": "false"})) == {later.pk}
    assert ids(client.get(RECEIVABLES, {"status": "paid"})) == set()
    assert ids(client.get(RECEIVABLES, {"customer": crm.customers["c3"].pk})) == set()


# --- Complaints ------------------------------------------------------------------------------


def test_complaint_resolve_matrix(crm):
    complaint = a_complaint(crm, "c1")
    assert_matrix(
        crm.org,
        MatrixCase(
            f"/api/v1/complaints/{complaint.pk}/resolve/",
            permitted="S1101",
            no_permission="X0001",
            out_of_scope="S1201",
            method="post",
            data={"resolution": "补偿运费10%"},
            api=True,
        ),
    )
    complaint.refresh_from_db()
    assert complaint.status == "resolved" and complaint.resolution == "补偿运费10%"
    again = crm.org.client_for("S1101").post(
        f"/api/v1/complaints/{complaint.pk}/resolve/", {"resolution": "x"}, content_type="application/json"
    )
    assert again.json()["error"]["code"] == "complaint_resolved"


def test_management_sees_complaints_but_cannot_resolve(crm):
    complaint = a_complaint(crm, "c1")
    response = crm.org.client_for("M0001").post(
        f"/api/v1/complaints/{complaint.pk}/resolve/", {"resolution": "x"}, content_type="application/json"
    )
    assert response.status_code == 403


# --- Attachments -----------------------------------------------------------------------------


def test_attachment_upload_matrix_and_download(crm, tmp_path):
    interaction = an_interaction(crm, "c1")
    response = upload_matrix(
        crm,
        f"/api/v1/interactions/{interaction.pk}/attachments/",
        lambda: {"file": SimpleUploadedFile("报价单.pdf", PDF)},
        permitted="S1101",
        out_of_scope="S1201",
    )
    data = response.json()
    assert data["name"] == "报价单.pdf" and data["content_type"] == "application/pdf"
    assert data["sha256"] == hashlib.sha256(PDF).hexdigest() and data["size"] == len(PDF)
    assert InteractionAttachment.objects.count() == 1

    download = crm.org.client_for("S1100").get(f"{ATTACHMENTS}{data['id']}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]
    event = AuditEvent.objects.get(action="customers.document_downloaded")
    assert event.actor_label == "S1100" and event.changes["sha256"] == data["sha256"]
    assert event.changes["interaction"] == interaction.pk


def test_attachment_download_and_list_matrix(crm):
    attachment = an_attachment(crm, "c3")
    assert_matrix(
        crm.org,
        MatrixCase(
            f"{ATTACHMENTS}{attachment.pk}/download/",
            permitted="S1201",
            no_permission="X0001",
            out_of_scope="S1101",
            api=True,
        ),
    )
    assert_matrix(crm.org, MatrixCase(ATTACHMENTS, permitted="S1201", no_permission="X0001", api=True))
    assert ids(crm.org.client_for("S1101").get(ATTACHMENTS)) == set()
    assert ids(crm.org.client_for("S1201").get(ATTACHMENTS)) == {attachment.pk}


def test_a_disguised_attachment_is_refused_and_nothing_is_stored(crm, tmp_path):
    interaction = an_interaction(crm, "c1")
    response = crm.org.client_for("S1101").post(
        f"/api/v1/interactions/{interaction.pk}/attachments/",
        {"file": SimpleUploadedFile("会议纪要.pdf", EXE, content_type="application/pdf")},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_type_refused"
    assert not InteractionAttachment.objects.exists()
    assert stored_files(tmp_path) == []
    assert not AuditEvent.objects.filter(action="customers.attachment_added").exists()


# --- Query counts ----------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"page_size": 100}).status_code == 200
    return len(queries)


def test_contract_and_receivable_lists_read_in_a_fixed_number_of_queries(crm):
    client = crm.org.client_for("S1100")
    a_contract(crm, "c1", "HT-0", scan=None)
    receivable_add(actor=None, customer=crm.customers["c1"], amount="10", due_on=dt.date(2026, 12, 1))
    few = {url: _queries(client, url) for url in (CONTRACTS, RECEIVABLES)}
    for i in range(12):
        key = "c2" if i % 2 else "c1"
        a_contract(crm, key, f"HT-{i + 1}", scan=None)
        receivable_add(
            actor=None,
            customer=crm.customers[key],
            amount="10",
            due_on=dt.date(2026, 12, 1),
            owner=crm.org.employees["S1102"],
        )
    many = {url: _queries(client, url) for url in (CONTRACTS, RECEIVABLES)}
    assert many == few
