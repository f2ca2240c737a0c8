"""Offboarding cases through the API: who sees what, opening, the checklist with its evidence,
the sign-off and completion."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from baton.core import clock
from baton.core.testing import MatrixCase, assert_matrix
from baton.customers.models import Order
from baton.offboarding.models import HandoverEvidence, HandoverItem, OffboardingCase
from baton.offboarding.testing import PDF_BYTES, complete_all_items, item, open_case

pytestmark = pytest.mark.django_db

CASES = "/api/v1/offboarding/cases/"
STATEMENT = "本人与竞争对手无任何私下接触，客户均已按公司要求移交。"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def today() -> dt.date:
    return clock.local_date(clock.now())


def url(case: OffboardingCase, tail: str = "") -> str:
    return f"{CASES}{case.pk}/{tail}"


def item_url(case: OffboardingCase, code: str, tail: str) -> str:
    return url(case, f"items/{item(case, code).pk}/{tail}/")


def post(client: Client, path: str, body: dict | None = None, **extra):
    return client.post(path, body or {}, content_type="application/json", **extra)


def error(response) -> dict:
    return response.json()["error"]


def pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def resignation(org, employee_no: str, days: int) -> dict:
    return {
        "employee": org.employees[employee_no].pk,
        "kind": "resignation",
        "reason": "个人发展",
        "last_working_day": (today() + dt.timedelta(days=days)).isoformat(),
    }


# --- Who sees which case -------------------------------------------------------------------


def test_case_list_and_detail_matrix(case, crm):
    org = crm.org
    assert_matrix(org, MatrixCase(CASES, permitted="H0001", no_permission="X0001", api=True))
    assert_matrix(
        org, MatrixCase(url(case), permitted="S1100", no_permission="X0001", out_of_scope="S1201", api=True)
    )


def test_each_person_lists_the_cases_in_their_scope(case, crm):
    org = crm.org

    def listed(employee_no: str) -> set[int]:
        response = org.client_for(employee_no).get(CASES)
        return {row["id"] for row in response.json()["results"]}

    for employee_no in ("S1101", "S1100", "S1000", "H0001", "F0001", "M0001"):
        assert listed(employee_no) == {case.pk}, employee_no
    for employee_no in ("S1102", "S1201", "E2001"):
        assert listed(employee_no) == set(), employee_no


def test_the_list_shows_progress_and_filters_by_status(case, crm):
    client = crm.org.client_for("H0001")

    row = client.get(CASES, {"status": "handover"}).json()["results"][0]

    assert row["employee"]["employee_no"] == "S1101" and row["status"] == "handover"
    assert (row["items_done"], row["items_total"], row["approvals_done"]) == (0, 10, 0)
    assert client.get(CASES, {"status": "completed"}).json()["count"] == 0
    assert error(client.get(CASES, {"status": "nonsense"}))["code"] == "invalid"


def test_the_detail_shows_the_checklist_sign_offs_and_what_blocks(case, crm):
    body = crm.org.client_for("S1101").get(url(case)).json()

    assert body["employee"]["employee_no"] == "S1101" and body["employee"]["status"] == "resigning"
    assert body["notice"] == {"required_days": 30, "given_days": 30, "short": False}
    assert body["impact"]["customers"] == 1 and body["impact"]["revenue_12m"] == "12800.00"
    assert [i["code"] for i in body["items"]][:2] == ["customer_files", "open_orders"]
    assert body["items"][0]["verifier"] == "leaver" and body["items"][0]["due_at"].endswith("+08:00")
    assert sorted(a["role"] for a in body["approvals"]) == ["department_head", "finance", "hr"]
    assert any("客户资料移交" in reason for reason in body["blocking_reasons"])
    assert body["plan"] is None and body["waiting_on"]


# --- Opening -------------------------------------------------------------------------------


def test_an_employee_resigns_themselves_with_the_notice_period(crm):
    org = crm.org
    client = org.client_for("S1101")

    short = post(client, CASES, resignation(org, "S1101", 29), HTTP_ACCEPT_LANGUAGE="en")
    assert short.status_code == 400
    assert error(short)["code"] == "notice_too_short"
    assert (today() + dt.timedelta(days=30)).isoformat() in error(short)["message"]
    assert "last_working_day" in error(short)["fields"]

    opened = post(client, CASES, resignation(org, "S1101", 30))
    assert opened.status_code == 201
    assert opened.json()["status"] == "handover" and opened.json()["employee"]["status"] == "resigning"


def test_hr_may_record_a_short_notice_and_it_is_flagged(crm):
    org = crm.org

    response = post(org.client_for("H0001"), CASES, resignation(org, "S1102", 5))

    assert response.status_code == 201
    assert response.json()["notice"] == {"required_days": 30, "given_days": 5, "short": True}


def test_nobody_opens_a_case_for_someone_out_of_reach_and_missing_looks_the_same(crm):
    org = crm.org
    client = org.client_for("S1101")
    teammate = post(client, CASES, resignation(org, "S1102", 30))
    missing = post(client, CASES, resignation(org, "S1102", 30) | {"employee": 999999})

    assert teammate.status_code == missing.status_code == 403
    assert teammate.json() == missing.json()
    assert error(teammate)["code"] == "outside_scope"
    assert not OffboardingCase.objects.exists()


def test_opening_a_second_case_or_with_unknown_fields_is_refused(case, crm):
    org = crm.org
    client = org.client_for("H0001")

    again = post(client, CASES, resignation(org, "S1101", 30))
    assert again.status_code == 409 and error(again)["code"] == "wrong_employee_state"
    unknown = post(client, CASES, resignation(org, "S1102", 30) | {"salary": 1})
    assert unknown.status_code == 400 and "salary" in error(unknown)["fields"]


# --- Handover restrictions on the customers API ---------------------------------------------


def test_in_handover_the_leaver_cannot_take_an_order_and_others_take_it_for_the_team_lead(case, crm):
    org = crm.org
    order = {
        "customer": crm.customers["c1"].pk,
        "number": "SO-2026-0900",
        "order_date": today().isoformat(),
        "route_from": "广州",
        "route_to": "成都",
        "amount": "5000",
    }

    refused = post(org.client_for("S1101"), "/api/v1/orders/", order, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403
    assert error(refused)["code"] == "handover_in_progress"
    assert error(refused)["message"] == "New orders cannot be taken during the handover period."

    taken = post(org.client_for("S1000"), "/api/v1/orders/", order)
    assert taken.status_code == 201
    assert taken.json()["handover_flag"] is True
    assert taken.json()["taken_by"]["employee_no"] == "S1100"
    assert Order.objects.filter(number="SO-2026-0900").count() == 1


# --- Completing items ----------------------------------------------------------------------


def test_a_statement_item_needs_a_real_statement(case, crm):
    client = crm.org.client_for("S1101")
    path = item_url(case, "competitor_statement", "complete")

    thin = post(client, path, {"statement": "无"})
    assert thin.status_code == 400 and error(thin)["code"] == "evidence_missing"
    assert "statement" in error(thin)["fields"]

    done = post(client, path, {"statement": STATEMENT})
    assert done.status_code == 200
    assert done.json()["status"] == "done" and done.json()["statement"] == STATEMENT


def test_a_file_item_takes_several_files_and_refuses_missing_disguised_or_oversized_ones(case, crm, settings):
    from baton.core import uploads

    client = crm.org.client_for("S1101")
    path = item_url(case, "contract_scans", "complete")
    disguised = SimpleUploadedFile("合同.pdf", EXE, content_type="application/pdf")
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (uploads.MAX_DOCUMENT_BYTES + 1))

    assert error(client.post(path, {"statement": ""}))["code"] == "evidence_missing"
    assert error(client.post(path, {"files": [pdf(), disguised]}))["code"] == "file_type_refused"
    assert error(client.post(path, {"files": [big]}))["code"] == "file_too_large"
    assert not HandoverEvidence.objects.exists()  # a refused upload stores nothing

    done = client.post(path, {"files": [pdf("a.pdf"), pdf("b.pdf")], "statement": "两份在手合同"})
    assert done.status_code == 200
    files = done.json()["files"]
    assert [f["name"] for f in files] == ["a.pdf", "b.pdf"]
    assert files[0]["size"] == len(PDF_BYTES) and len(files[0]["sha256"]) == 64


def test_an_item_belongs_to_the_party_it_names(case, crm):
    org = crm.org
    receivables = item_url(case, "receivables", "complete")

    refused = post(org.client_for("S1101"), receivables, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403 and error(refused)["code"] == "not_your_item"
    assert "Finance" in error(refused)["message"]
    assert post(org.client_for("F0001"), receivables).json()["status"] == "done"


def test_an_item_of_another_case_or_out_of_scope_answers_404(case, crm):
    org = crm.org
    other = open_case(org, employee_no="S1201")
    foreign = url(case, f"items/{item(other, 'competitor_statement').pk}/complete/")

    assert post(org.client_for("S1101"), foreign, {"statement": STATEMENT}).status_code == 404
    assert post(org.client_for("S1201"), url(case, "items/1/complete/")).status_code == 404


def test_a_system_item_is_checked_not_ticked_and_names_what_is_missing(case, crm):
    client = crm.org.client_for("S1101")

    response = post(client, item_url(case, "customer_files", "complete"))

    assert response.status_code == 400 and error(response)["code"] == "check_failed"
    assert error(response)["fields"]["missing"] == ["广州华南精密制造有限公司"]


def test_customers_and_orders_are_confirmed_on_the_generated_list(case, crm):
    client = crm.org.client_for("S1101")
    customers = item_url(case, "customer_files", "checklist")
    c1 = crm.customers["c1"].pk

    listed = client.get(customers).json()
    assert listed["customers"] == [
        {"id": c1, "name": "广州华南精密制造有限公司", "is_key_account": False, "confirmed": False}
    ]
    assert error(post(client, customers, {"customers": [crm.customers["c3"].pk]}))["code"] == "not_on_list"
    confirmed = post(client, customers, {"customers": [c1]}).json()
    assert confirmed["result"]["ok"] is True and confirmed["item"]["status"] == "done"
    assert client.get(customers).json()["customers"][0]["confirmed"] is True

    orders = item_url(case, "open_orders", "checklist")
    order = client.get(orders).json()["orders"][0]
    assert (order["number"], order["amount"], order["confirmed"]) == ("SO-2026-0001", "12800.00", False)
    assert post(client, orders, {"orders": [order["id"]]}).json()["item"]["status"] == "done"


def test_a_follow_up_record_covers_customers_without_a_recent_one(case, crm):
    client = crm.org.client_for("S1101")
    checklist = item_url(case, "follow_up_records", "checklist")

    assert [c["name"] for c in client.get(checklist).json()["follow_ups_missing"]] == [
        "广州华南精密制造有限公司"
    ]
    refused = client.post(
        item_url(case, "follow_up_records", "follow-up"), {"customers": [crm.customers["c1"].pk]}
    )
    assert refused.status_code == 400 and "file" in error(refused)["fields"]
    response = client.post(
        item_url(case, "follow_up_records", "follow-up"),
        {"customers": [crm.customers["c1"].pk], "file": pdf("visit.pdf")},
    )

    assert response.status_code == 200
    assert (
        response.json()["result"]["ok"] is True and response.json()["item"]["files"][0]["name"] == "visit.pdf"
    )
    assert client.get(checklist).json()["follow_ups_missing"] == []


def test_a_withdrawn_case_takes_no_more_evidence(case, crm):
    org = crm.org
    withdrawn = post(org.client_for("H0001"), url(case, "withdraw/"), {"reason": "员工决定留任"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "cancelled"

    late = post(
        org.client_for("S1101"), item_url(case, "competitor_statement", "complete"), {"statement": STATEMENT}
    )

    assert late.status_code == 409 and error(late)["code"] == "wrong_case_state"


# --- Sign-off and completion ---------------------------------------------------------------


def approve(org, case: OffboardingCase, employee_no: str):
    return post(
        org.client_for(employee_no), url(case, "approvals/"), {"decision": "approved", "comment": "同意"}
    )


def test_only_signing_parties_decide_and_only_once_the_items_are_done(case, crm):
    org = crm.org
    early = approve(org, case, "H0001")
    assert early.status_code == 409 and error(early)["code"] == "wrong_case_state"
    complete_all_items(case, org)
    for employee_no in ("S1101", "S1100"):  # no approve grant at all
        assert approve(org, case, employee_no).status_code == 403
    listed = org.client_for("S1101").get(url(case, "approvals/")).json()
    assert all(a["requested_at"] and a["decision"] == "waiting" for a in listed)

    response = approve(org, case, "S1000")

    assert response.status_code == 200
    signed = {a["role"]: a for a in response.json()["approvals"]}
    assert signed["department_head"]["decision"] == "approved"
    assert signed["department_head"]["decided_by"]["employee_no"] == "S1000"
    assert error(approve(org, case, "S1000"))["code"] == "not_your_sign_off"


def test_a_rejection_reopens_the_named_items_and_withdraws_every_approval(case, crm):
    org = crm.org
    complete_all_items(case, org)
    approve(org, case, "S1000")
    statement = item(case, "competitor_statement")
    finance = org.client_for("F0001")
    bare = post(finance, url(case, "approvals/"), {"decision": "rejected", "reopen_items": [statement.pk]})
    assert bare.status_code == 400 and error(bare)["code"] == "comment_required"

    response = post(
        finance,
        url(case, "approvals/"),
        {"decision": "rejected", "comment": "说明过于简单，请补充细节。", "reopen_items": [statement.pk]},
    )

    body = response.json()
    assert response.status_code == 200 and body["status"] == "handover"
    reopened = next(i for i in body["items"] if i["id"] == statement.pk)
    assert reopened["status"] == "reopened" and "补充" in reopened["reopen_note"]
    assert {a["decision"] for a in body["approvals"]} == {"waiting"}
    assert all(a["requested_at"] is None for a in body["approvals"])
    redo = post(
        org.client_for("S1101"),
        item_url(case, "competitor_statement", "complete"),
        {"statement": STATEMENT * 2},
    )
    assert redo.status_code == 200
    assert org.client_for("H0001").get(url(case)).json()["status"] == "sign_off"


def test_completion_is_blocked_with_the_reasons(case, crm):
    response = post(crm.org.client_for("H0001"), url(case, "complete/"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409 and error(response)["code"] == "case_blocked"
    blocked = error(response)["fields"]["blocked"]
    assert any("客户资料移交" in r for r in blocked)
    assert "The transfer plan has not been executed." in blocked


def bearer_token(org, employee_no: str) -> str:
    body = {"employee_no": employee_no, "password": "correct horse battery staple"}
    if employee_no in org.totp_secrets:
        body["otp"] = org.otp(employee_no)
    response = Client().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    return response.json()["token"]


def test_a_finished_handover_completes_and_the_leavers_token_stops_working(case, crm):
    org = crm.org
    token = bearer_token(org, "S1101")
    leaver = Client(headers={"Authorization": f"Bearer {token}"})
    assert leaver.get(url(case)).status_code == 200
    complete_all_items(case, org)
    for employee_no in ("S1000", "H0001", "F0001"):
        assert approve(org, case, employee_no).status_code == 200
    hr = org.client_for("H0001")
    plan = {"strategy": "one_successor", "successor": org.employees["S1102"].pk}
    assert hr.put(url(case, "transfer-plan/"), plan, content_type="application/json").status_code == 200
    assert post(hr, url(case, "transfer-plan/execute/")).json()["executed_now"] is True

    response = post(hr, url(case, "complete/"))

    assert response.status_code == 200
    assert response.json()["status"] == "completed" and response.json()["blocking_reasons"] == []
    assert response.json()["employee"]["status"] == "left"
    assert leaver.get(url(case)).status_code == 401
    org.users["S1101"].refresh_from_db()
    assert org.users["S1101"].is_active is False


def test_only_hr_or_the_department_head_withdraws_names_a_successor_or_interviews(case, crm):
    org = crm.org
    lead, hr = org.client_for("S1100"), org.client_for("H0001")
    assert error(post(lead, url(case, "withdraw/"), {"reason": "留下"}))["code"] == "hr_or_head_only"
    named = post(org.client_for("S1000"), url(case, "successor/"), {"successor": org.employees["S1102"].pk})
    assert named.status_code == 200 and named.json()["successor"]["employee_no"] == "S1102"
    outside = post(hr, url(case, "successor/"), {"successor": 999999})
    assert outside.status_code == 400 and "successor" in error(outside)["fields"]

    interview = {"main_reason": "career", "would_return": True, "feedback": "希望有更多培训机会"}
    assert (
        error(
            org.client_for("S1000").put(
                url(case, "exit-interview/"), interview, content_type="application/json"
            )
        )["code"]
        == "hr_only"
    )
    recorded = hr.put(url(case, "exit-interview/"), interview, content_type="application/json")
    assert recorded.status_code == 200 and recorded.json()["would_return"] is True


# --- Query counts ----------------------------------------------------------------------------


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_list_reads_in_a_fixed_number_of_queries(case, crm):
    org = crm.org
    client = org.client_for("H0001")
    one = _queries(client, CASES)
    for employee_no in ("S1102", "S1201", "E2001"):
        open_case(org, employee_no=employee_no)
    assert client.get(CASES).json()["count"] == 4

    assert _queries(client, CASES) == one


def test_the_detail_reads_in_a_fixed_number_of_queries(case, crm):
    client = crm.org.client_for("H0001")
    bare = _queries(client, url(case))
    leaver = crm.org.client_for("S1101")
    leaver.post(item_url(case, "contract_scans", "complete"), {"files": [pdf("a.pdf"), pdf("b.pdf")]})
    leaver.post(item_url(case, "chat_export", "complete"), {"files": [pdf("c.pdf")]})
    post(leaver, item_url(case, "competitor_statement", "complete"), {"statement": STATEMENT})
    assert HandoverItem.objects.filter(case=case, status="done").count() == 3

    assert _queries(client, url(case)) == bare
