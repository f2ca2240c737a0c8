"""Exports: only what the exporter may export, watermarked and traceable to the audit trail,
approved by a department head above the threshold, never by someone in their handover period
or with a frozen account."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from baton.audit.models import AuditEvent
from baton.core.errors import Forbidden
from baton.exchange.models import ExportRequest, ExportStatus
from baton.exchange.services import export_request
from baton.org.models import EmployeeStatus

pytestmark = pytest.mark.django_db

EXPORTS = "/api/v1/exports/"


def request_export(client, fmt="xlsx", filters=None):
    return client.post(
        EXPORTS,
        {"format": fmt, "filters": filters or {}},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def download(client, export_id):
    return client.get(f"{EXPORTS}{export_id}/download/")


def content(response):
    return b"".join(response.streaming_content)


def test_the_xlsx_carries_a_watermark_and_metadata_that_lead_to_the_audit_trail(org, crm):
    client = org.client_for("S1100")
    created = request_export(client)
    body = created.json()

    response = download(client, body["id"])

    assert created.status_code == 201 and body["status"] == "ready" and body["customer_count"] == 2
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"customers-{body['number']}.xlsx" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    workbook = load_workbook(io.BytesIO(content(response)))
    props = workbook.properties
    number = body["number"]
    assert props.creator == "S1100" and props.identifier == number
    assert number in props.title and number in props.keywords and "S1100" in props.keywords
    assert f"exchange.exportrequest/{body['id']}" in props.description and "工号 S1100" in props.description
    sheet = workbook["客户"]
    first_row = sheet["A1"].value
    assert first_row.startswith("导出人 李娜 | 工号 S1100 | 时间 ") and f"导出编号 {number}" in first_row
    assert number in sheet.oddHeader.center.text and number in sheet.oddFooter.center.text
    assert [c.value for c in sheet[2]][:3] == ["客户名称", "统一社会信用代码", "区域"]
    names = sorted(row[0] for row in sheet.iter_rows(min_row=3, values_only=True))
    assert names == ["佛山顺丰五金制品有限公司", "广州华南精密制造有限公司"]
    generated = AuditEvent.objects.get(action="exchange.export_generated")
    assert (generated.object_type, generated.object_id) == ("exchange.exportrequest", str(body["id"]))
    assert generated.changes["export"] == number and generated.actor_label == "S1100"
    assert AuditEvent.objects.filter(action="exchange.export_downloaded", object_id=str(body["id"])).exists()


def test_phones_are_revealed_only_to_those_who_may_and_each_counts_as_a_reveal(org, crm):
    lead, management = org.client_for("S1100"), org.client_for("M0001")

    lead_file = load_workbook(io.BytesIO(content(download(lead, request_export(lead).json()["id"]))))
    m_export = request_export(management, filters={"region": "south", "q": "精密"}).json()
    m_file = load_workbook(io.BytesIO(content(download(management, m_export["id"]))))

    def wangli_phone(workbook):
        rows = workbook["联系人"].iter_rows(min_row=3, values_only=True)
        return next(row[4] for row in rows if row[2] == "王立")

    assert wangli_phone(lead_file) == "13812345678"  # team lead: customer.reveal over the team
    assert wangli_phone(m_file) == "138****5678"  # management: export without reveal
    reveals = AuditEvent.objects.filter(action="customers.contact_revealed")
    assert reveals.count() == 1 and reveals.get().actor_label == "S1100"
    assert reveals.get().changes["export"] == ExportRequest.objects.get(requested_by=org.user("S1100")).number
    assert m_export["customer_count"] == 1


def test_the_csv_starts_with_a_watermark_line(org, crm):
    client = org.client_for("S1100")
    body = request_export(client, "csv").json()

    response = download(client, body["id"])
    text = content(response).decode("utf-8-sig")

    first, header = text.splitlines()[:2]
    assert response["Content-Type"].startswith("text/csv") and response["X-Content-Type-Options"] == "nosniff"
    assert first.startswith("# 导出人 李娜 | 工号 S1100 | 时间 ") and f"导出编号 {body['number']}" in first
    assert header.startswith("客户名称,统一社会信用代码,区域,行业,规模")


def test_a_large_export_waits_for_a_department_heads_approval(org, crm, monkeypatch):
    monkeypatch.setattr("baton.exchange.services.exports.EXPORT_APPROVAL_THRESHOLD", 1)
    lead, head = org.client_for("S1100"), org.client_for("S1000")
    body = request_export(lead).json()

    early = download(lead, body["id"])
    lead_approves = lead.post(f"{EXPORTS}{body['id']}/approve/", {}, content_type="application/json")
    inbox = head.get("/exchange/approvals/")
    approved = head.post(
        f"{EXPORTS}{body['id']}/approve/", {"reason": "客户交接需要"}, content_type="application/json"
    )
    late = download(lead, body["id"])

    assert (body["status"], body["needs_approval"]) == ("pending", True)
    assert early.status_code == 400 and early.json()["error"]["code"] == "export_pending"
    assert lead_approves.status_code == 403  # a team lead holds no customer.approve
    assert body["number"] in inbox.content.decode()
    assert approved.status_code == 200 and approved.json()["status"] == "ready"
    assert approved.json()["decided_by"] == "S1000"
    assert late.status_code == 200
    event = AuditEvent.objects.get(action="exchange.export_approved")
    assert (event.actor_label, event.changes["export"], event.changes["reason"]) == (
        "S1000",
        body["number"],
        "客户交接需要",
    )


def test_rejection_needs_a_reason_and_stops_the_download(org, crm, monkeypatch):
    monkeypatch.setattr("baton.exchange.services.exports.EXPORT_APPROVAL_THRESHOLD", 1)
    lead, head = org.client_for("S1100"), org.client_for("S1000")
    export_id = request_export(lead).json()["id"]

    no_reason = head.post(f"{EXPORTS}{export_id}/reject/", {}, content_type="application/json")
    rejected = head.post(
        f"{EXPORTS}{export_id}/reject/", {"reason": "范围过大"}, content_type="application/json"
    )

    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    assert rejected.json()["status"] == "rejected"
    assert download(lead, export_id).json()["error"]["code"] == "export_rejected"
    assert AuditEvent.objects.get(action="exchange.export_rejected").changes["reason"] == "范围过大"


def test_nobody_approves_their_own_export_nor_one_beyond_their_scope(org, crm, monkeypatch):
    monkeypatch.setattr("baton.exchange.services.exports.EXPORT_APPROVAL_THRESHOLD", 1)
    head, management = org.client_for("S1000"), org.client_for("M0001")
    own = request_export(head).json()
    everything = request_export(management).json()  # includes the East and the public pool

    assert own["customer_count"] == 3 and everything["customer_count"] == 5
    assert head.post(f"{EXPORTS}{own['id']}/approve/").status_code == 404
    assert head.post(f"{EXPORTS}{everything['id']}/approve/").status_code == 404
    assert management.post(f"{EXPORTS}{own['id']}/approve/").status_code == 200
    assert org.client_for("admin").post(f"{EXPORTS}{everything['id']}/approve/").status_code == 200


def test_an_employee_in_the_handover_period_cannot_export(org, crm):
    employee = org.employees["S1100"]
    employee.status = EmployeeStatus.RESIGNING
    employee.save(update_fields=["status"])
    client = org.client_for("S1100")

    api = request_export(client)
    page = client.post("/exchange/exports/", {"format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")

    assert api.status_code == 403
    assert api.json()["error"]["code"] == "export_blocked_handover"
    assert "handover period" in api.json()["error"]["message"]
    assert page.status_code == 403 and "handover period" in page.content.decode()
    assert not ExportRequest.objects.exists()
    denied = AuditEvent.objects.filter(action="access.denied", changes__reason="export_blocked_handover")
    assert denied.count() == 2


def test_an_approved_export_cannot_be_downloaded_once_the_handover_starts(org, crm):
    client = org.client_for("S1100")
    export_id = request_export(client).json()["id"]
    employee = org.employees["S1100"]
    employee.status = EmployeeStatus.RESIGNING
    employee.save(update_fields=["status"])

    response = download(org.client_for("S1100"), export_id)

    assert response.status_code == 403 and response.json()["error"]["code"] == "export_blocked_handover"
    assert not ExportRequest.objects.get(pk=export_id).file


def test_a_frozen_account_cannot_export(org, crm):
    user = org.user("S1100")
    client = org.client_for("S1100")
    user.is_frozen = True
    user.save(update_fields=["is_frozen"])

    with pytest.raises(Forbidden) as refused:
        export_request(actor=user, format="xlsx")
    over_http = request_export(client)

    assert refused.value.code == "account_frozen" and str(refused.value.message)  # a translated message
    assert over_http.status_code == 401  # a frozen account is not even signed in any more
    assert not ExportRequest.objects.exists()


def test_export_filters_are_checked(org, crm):
    client = org.client_for("S1100")

    unknown = request_export(client, filters={"owner_phone": "138"})
    bad_choice = request_export(client, filters={"region": "mars"})
    nothing = request_export(client, filters={"region": "east"})

    assert unknown.status_code == 400 and "filters.owner_phone" in unknown.json()["error"]["fields"]
    assert bad_choice.status_code == 400 and "filters.region" in bad_choice.json()["error"]["fields"]
    assert nothing.status_code == 400 and nothing.json()["error"]["code"] == "nothing_to_export"


def test_the_list_shows_own_exports_and_those_to_decide(org, crm, monkeypatch):
    monkeypatch.setattr("baton.exchange.services.exports.EXPORT_APPROVAL_THRESHOLD", 1)
    lead_export = request_export(org.client_for("S1100")).json()
    head_export = request_export(org.client_for("S1000")).json()

    head_list = org.client_for("S1000").get(EXPORTS).json()["results"]
    lead_list = org.client_for("S1100").get(EXPORTS).json()["results"]

    assert {e["number"] for e in head_list} == {lead_export["number"], head_export["number"]}
    assert [e["number"] for e in lead_list] == [lead_export["number"]]
    assert ExportRequest.objects.get(pk=head_export["id"]).status == ExportStatus.PENDING
