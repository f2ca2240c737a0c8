"""The report API, "what if X leaves", and the report files (watermarked, audited, refused during
the handover period). Data set: ``test_reports.data``."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from baton.audit.models import AuditEvent
from baton.core import clock
from baton.core.testing import MatrixCase, assert_matrix
from baton.org.models import EmployeeStatus
from baton.risk.tests.test_reports import NOW, build_data

pytestmark = pytest.mark.django_db

API = "/api/v1/reports/concentration/"


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def data(crm):
    return build_data(crm)


def pdf_text(content: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_the_concentration_api_answers_json_in_scope(data):
    org = data.org
    assert Client().get(API).status_code == 401
    assert org.client_for("S1101").get(API).status_code == 403
    body = org.client_for("S1000").get(API, {"quarter": "2026Q3"}).json()
    assert body["quarter"] == "2026Q3" and body["window"] == {"from": "2025-10-01", "to": "2026-09-30"}
    assert body["company_revenue"] == "270000.00" and body["source"] == "live"
    assert [r["employee_no"] for r in body["employees"]] == ["S1101", "S1201", "S1102"]
    assert body["employees"][0]["share"] == "0.4630" and body["total"]["lagging"] == 2
    assert Decimal(body["hhi_employees"]) > 0 and body["trend"][-1]["quarter"] == "2026Q3"


@pytest.mark.parametrize("quarter", ["2026Q5", "third", "2030Q1"])
def test_a_bad_quarter_is_a_400_with_a_translated_message(data, quarter):
    client = data.org.client_for("M0001")
    answer = client.get(API, {"quarter": quarter}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "invalid_quarter" and "quarter" in error["fields"]
    english = client.get(API, {"quarter": quarter}, HTTP_ACCEPT_LANGUAGE="en")
    assert "quarter" in english.json()["error"]["message"].lower()


def test_departure_impact_is_scoped(data):
    org = data.org
    e = org.employees
    url = f"/api/v1/employees/{e['S1101'].pk}/departure-impact/"
    assert_matrix(
        org,
        MatrixCase(
            url=f"/api/v1/employees/{e['E2001'].pk}/departure-impact/",
            permitted="M0001",
            no_permission="S1101",
            out_of_scope="S1000",
            api=True,
        ),
    )
    assert AuditEvent.objects.filter(
        action="access.denied", object_id=str(e["E2001"].pk), changes__reason="out_of_scope"
    ).exists()
    body = org.client_for("S1000").get(url).json()
    # The last 12 months up to 2026-10-15: c1 100,000 + 12,800 and c6 25,000 of the company's 277,800.
    assert (body["customers"], body["key_customers"]) == (2, 1)
    assert body["revenue_12m"] == "137800.00" and body["company_revenue_12m"] == "277800.00"
    assert body["share"] == "0.4960" and body["open_orders"] == 1 and body["open_orders_amount"] == "12800.00"
    assert [c["name"] for c in body["key_customer_list"]] == ["广州华南精密制造有限公司"]
    assert body["top_customers"][0]["revenue_12m"] == "112800.00"
    assert body["successors"] and all(s["reasons"] for s in body["successors"])
    assert "S1101" not in [s["employee_no"] for s in body["successors"]]
    assert org.client_for("S1000").get("/api/v1/employees/999999/departure-impact/").status_code == 404


def test_the_departure_page(data):
    org = data.org
    e = org.employees
    assert_matrix(
        org,
        MatrixCase(
            url=f"/risk/reports/departure/{e['E2001'].pk}/",
            permitted="M0001",
            no_permission="S1101",
            out_of_scope="S1000",
        ),
    )
    html = org.client_for("S1000").get(f"/risk/reports/departure/{e['S1101'].pk}/").content.decode()
    assert "广州华南精密制造有限公司" in html and "49.60%" in html and 'id="successors"' in html


def _exported(client: Client, url: str) -> tuple[bytes, AuditEvent]:
    answer = client.get(url)
    assert answer.status_code == 200, answer.content[:300]
    assert answer["Cache-Control"] == "no-store, private"
    content = b"".join(answer) if answer.streaming else answer.content
    event = AuditEvent.objects.filter(action="risk.report_exported").latest("seq")
    assert event.changes["sha256"] == hashlib.sha256(content).hexdigest()
    return content, event


def test_the_concentration_report_exports_as_xlsx_and_pdf(data):
    client = data.org.client_for("M0001")
    content, event = _exported(client, "/risk/reports/concentration/export/?quarter=2026Q3&format=xlsx")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["概览", "员工", "团队", "部门", "趋势"]
    sheet = book["员工"]
    assert "工号 M0001" in sheet["A1"].value and event.changes["export"] in sheet["A1"].value
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == [
        "S1101",
        "S1201",
        "S1102",
        "E2001",
    ]
    assert book.properties.creator == "M0001"
    assert event.changes["report"] == "concentration:2026Q3" and event.changes["format"] == "xlsx"

    content, event = _exported(client, f"{API}export/?quarter=2026Q3&format=pdf")
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "工号M0001" in text and "客户资源集中度报表" in text and event.changes["export"] in text


def test_the_departure_report_exports_as_files(data):
    org = data.org
    s1101 = org.employees["S1101"].pk
    content, event = _exported(
        org.client_for("S1000"), f"/api/v1/employees/{s1101}/departure-impact/export/?format=pdf"
    )
    assert "工号S1000" in pdf_text(content) and event.object_id == str(s1101)
    content, _event = _exported(
        org.client_for("S1000"), f"/risk/reports/departure/{s1101}/export/?format=xlsx"
    )
    book = load_workbook(io.BytesIO(content))
    assert "工号 S1000" in book["推荐接任者"]["A1"].value
    out_of_scope = org.client_for("S1000").get(
        f"/api/v1/employees/{org.employees['E2001'].pk}/departure-impact/export/?format=pdf"
    )
    assert out_of_scope.status_code == 404
    assert org.client_for("S1000").get(f"{API}export/?quarter=2026Q3&format=doc").status_code == 400


def test_exports_are_refused_without_the_grant_and_during_the_handover(data):
    org = data.org
    assert (
        org.client_for("S1100").get(f"{API}export/?quarter=2026Q3&format=pdf").status_code == 403
    )  # view only
    head = org.employees["S1000"]
    head.status = EmployeeStatus.RESIGNING
    head.save(update_fields=["status"])
    refused = org.client_for("S1000").get(f"{API}export/?quarter=2026Q3&format=xlsx")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "export_blocked_handover"
    page = org.client_for("S1000").get("/risk/reports/concentration/export/?quarter=2026Q3&format=pdf")
    assert page.status_code == 403
    assert (
        AuditEvent.objects.filter(
            action="access.denied", object_type="risk_report", changes__reason="export_blocked_handover"
        ).count()
        == 2
    )
    assert not AuditEvent.objects.filter(action="risk.report_exported").exists()
