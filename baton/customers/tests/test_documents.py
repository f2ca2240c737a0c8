"""Contracts with scans, receivables and payments, complaint resolution, interaction attachments."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from baton.audit.models import AuditEvent
from baton.core import clock
from baton.core.errors import InvalidInput
from baton.customers.services import (
    attachment_add,
    complaint_record,
    complaint_resolve,
    contract_add,
    interaction_record,
    receivable_add,
    receivable_payment,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def test_contract_with_scan_keeps_its_hash_and_lives_outside_the_web_root(crm, tmp_path):
    contract = contract_add(
        actor=crm.org.user("S1101"),
        customer=crm.customers["c1"],
        number="HT-2026-001",
        title="2026年度运输框架协议",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        amount="1200000",
        scan=SimpleUploadedFile("ht.pdf", PDF),
    )
    assert contract.scan_sha256 == __import__("hashlib").sha256(PDF).hexdigest()
    assert contract.scan.name.startswith("contracts/") and "ht.pdf" not in contract.scan.name
    assert (tmp_path / contract.scan.name).read_bytes() == PDF
    assert contract.owner == crm.org.employees["S1101"]
    event = AuditEvent.objects.get(action="customers.contract_added")
    assert event.changes["scan_sha256"] == contract.scan_sha256


def test_contract_rules(crm):
    with pytest.raises(InvalidInput):
        contract_add(
            actor=None,
            customer=crm.customers["c1"],
            number="HT-1",
            title="x",
            starts_on=dt.date(2026, 2, 1),
            ends_on=dt.date(2026, 1, 1),
        )
    with pytest.raises(InvalidInput) as exc:
        contract_add(
            actor=None,
            customer=crm.customers["c1"],
            number="HT-2",
            title="x",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 2, 1),
            scan=SimpleUploadedFile("ht.pdf", b"MZ not a pdf"),
        )
    assert exc.value.code == "file_type_refused"


def test_receivable_payments_until_paid_and_no_overpaying(crm):
    receivable = receivable_add(
        actor=None, customer=crm.customers["c1"], amount="1000", due_on=dt.date(2026, 12, 1)
    )
    assert receivable.owner == crm.org.employees["S1101"]
    receivable_payment(actor=crm.org.user("F0001"), receivable=receivable, amount="400")
    with pytest.raises(InvalidInput):
        receivable_payment(actor=crm.org.user("F0001"), receivable=receivable, amount="600.01")
    paid = receivable_payment(actor=crm.org.user("F0001"), receivable=receivable, amount="600")
    assert paid.status == "paid" and paid.paid_amount == Decimal("1000.00")
    with pytest.raises(InvalidInput) as exc:
        receivable_payment(actor=crm.org.user("F0001"), receivable=receivable, amount="1")
    assert exc.value.code == "receivable_closed"


def test_complaint_resolution(crm):
    complaint = complaint_record(
        actor=None,
        customer=crm.customers["c1"],
        occurred_on=dt.date(2026, 11, 1),
        category="延误",
        severity="high",
        description="晚到一天",
    )
    with pytest.raises(InvalidInput):
        complaint_resolve(actor=crm.org.user("S1100"), complaint=complaint, resolution=" ")
    resolved = complaint_resolve(actor=crm.org.user("S1100"), complaint=complaint, resolution="补偿运费10%")
    assert resolved.status == "resolved"
    with pytest.raises(InvalidInput):
        complaint_resolve(actor=crm.org.user("S1100"), complaint=complaint, resolution="again")


def test_interaction_attachment(crm):
    now = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    with clock.frozen_at(now):
        interaction, _ = interaction_record(
            actor=crm.org.user("S1101"),
            customer=crm.customers["c1"],
            channel="visit",
            occurred_at=now,
            content="现场拜访",
        )
    attachment = attachment_add(
        actor=crm.org.user("S1101"), interaction=interaction, upload=SimpleUploadedFile("会议纪要.pdf", PDF)
    )
    assert attachment.content_type == "application/pdf" and attachment.name == "会议纪要.pdf"
    assert AuditEvent.objects.filter(
        action="customers.attachment_added", object_id=str(attachment.pk)
    ).exists()
