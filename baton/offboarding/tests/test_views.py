"""The offboarding pages: who may open what, the board, opening a case, and the case page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver

from baton.core import clock
from baton.core.navigation import menu_for
from baton.core.policy import Policy
from baton.core.testing import MatrixCase, assert_matrix
from baton.offboarding.models import CaseStatus, ExitInterview, OffboardingCase
from baton.offboarding.testing import item, open_case, pdf_upload
from baton.org.models import EmployeeStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def today() -> dt.date:
    return clock.local_date(clock.now())


def page(case: OffboardingCase, suffix: str = "") -> str:
    return f"/offboarding/cases/{case.pk}/{suffix}"


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- Routes and menu -----------------------------------------------------------------------------


def test_every_offboarding_route_declares_a_policy():
    from baton.offboarding import urls

    assert get_resolver().resolve("/offboarding/").url_name == "board"
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        assert isinstance(pattern.callback.view_class.policy, Policy), pattern.name


def test_the_menu_shows_each_party_its_offboarding_entries(org):
    def names(no: str) -> set[str]:
        return {
            entry["name"] for entry in menu_for(org.users[no]) if entry["name"].startswith("offboarding:")
        }

    assert names("H0001") == {
        "offboarding:board",
        "offboarding:inbox",
        "offboarding:revisits",
        "offboarding:templates",
    }
    assert names("F0001") == {"offboarding:board", "offboarding:inbox"}
    assert names("S1101") == {"offboarding:board", "offboarding:revisits"}
    assert names("X0001") == set()


# --- The board -----------------------------------------------------------------------------------


def test_board_matrix(crm, case):
    assert_matrix(crm.org, MatrixCase("/offboarding/", permitted="H0001", no_permission="X0001"))


def test_board_shows_progress_overdue_waiting_and_blocked_reasons(crm, case):
    # given HR opened S1101's case
    # when HR opens the board
    html = crm.org.client_for("H0001").get("/offboarding/").content.decode()
    # then the case shows with its employee, kind, progress, whom it waits on and why it is blocked
    assert "张伟" in html and "Resignation" in html
    assert "0 of 10" in html
    assert "The leaver" in html and "Finance" in html
    assert "The transfer plan has not been executed." in html
    assert "The leaver still owns 1 customers." in html


def test_board_filters_open_and_all_cases(crm, case):
    # given a withdrawn case and an open one
    from baton.offboarding.services import case_withdraw

    case_withdraw(actor=crm.org.users["H0001"], case=case, reason="留任")
    open_case(crm.org, employee_no="S1102")
    client = crm.org.client_for("H0001")
    # when HR looks at the open cases, then at all
    open_only = client.get("/offboarding/").content.decode()
    everything = client.get("/offboarding/?show=all").content.decode()
    # then the withdrawn one shows only among all
    assert "刘洋" in open_only and "张伟" not in open_only
    assert "张伟" in everything and "Withdrawn" in everything


def test_the_board_shows_a_sales_person_only_their_own_case(crm, case):
    open_case(crm.org, employee_no="S1201")
    html = crm.org.client_for("S1101").get("/offboarding/").content.decode()
    assert "张伟" in html and "赵敏" not in html


def test_board_query_count_does_not_grow_with_cases(crm, case):
    client = crm.org.client_for("H0001")
    one = queries_for(client, "/offboarding/")
    open_case(crm.org, employee_no="S1102")
    open_case(crm.org, employee_no="S1201")
    client = crm.org.client_for("H0001")
    assert queries_for(client, "/offboarding/") == one


# --- Opening a case ------------------------------------------------------------------------------


def test_hr_opens_a_case_and_sees_the_notice_rule(crm):
    client = crm.org.client_for("H0001")
    # given the form shows the company's notice rule
    assert "Notice period: 30 days, 3 days in probation" in client.get("/offboarding/new/").content.decode()
    # when HR records S1102's resignation
    response = client.post(
        "/offboarding/new/",
        {
            "employee": crm.org.employees["S1102"].pk,
            "kind": "resignation",
            "reason": "家庭原因",
            "last_working_day": (today() + dt.timedelta(days=30)).isoformat(),
        },
    )
    # then the case opens and HR lands on its page
    case = OffboardingCase.objects.get(employee=crm.org.employees["S1102"])
    assert response.status_code == 302 and response["Location"] == page(case)


def test_a_last_day_in_the_past_is_refused_on_the_form_and_the_input_kept(crm):
    response = crm.org.client_for("H0001").post(
        "/offboarding/new/",
        {
            "employee": crm.org.employees["S1102"].pk,
            "kind": "dismissal",
            "reason": "严重违纪的记录",
            "last_working_day": (today() - dt.timedelta(days=5)).isoformat(),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The last working day cannot be before the submission." in html
    assert "严重违纪的记录" in html
    assert not OffboardingCase.objects.exists()


def test_a_leaving_employee_is_not_offered_for_a_second_case(crm, case):
    html = crm.org.client_for("H0001").get("/offboarding/new/").content.decode()
    assert "S1102" in html and "S1101" not in html


def test_the_open_page_offers_only_employees_in_the_heads_scope(crm):
    html = crm.org.client_for("S1000").get("/offboarding/new/").content.decode()
    assert "S1101" in html and "E2001" not in html and "H0001" not in html


def test_an_employee_resigns_with_enough_notice(crm):
    # given the resignation page shows the earliest last day
    client = crm.org.client_for("S1102")
    earliest = today() + dt.timedelta(days=30)
    assert earliest.isoformat() in client.get("/offboarding/resign/").content.decode()
    # when they submit it
    response = client.post(
        "/offboarding/resign/", {"reason": "个人发展", "last_working_day": earliest.isoformat()}
    )
    # then their handover page follows
    assert response.status_code == 302 and response["Location"] == "/offboarding/my/"
    crm.org.employees["S1102"].refresh_from_db()
    assert crm.org.employees["S1102"].status == EmployeeStatus.RESIGNING


def test_a_resignation_with_too_little_notice_is_refused_on_the_form(crm):
    too_soon = (today() + dt.timedelta(days=10)).isoformat()
    response = crm.org.client_for("X0001").post(
        "/offboarding/resign/", {"reason": "想换个城市生活", "last_working_day": too_soon}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "At least 30 days after submission." in html
    assert "想换个城市生活" in html and too_soon in html
    assert not OffboardingCase.objects.exists()


def test_the_dashboard_links_a_leaver_to_their_handover(crm, case):
    assert "/offboarding/my/" in crm.org.client_for("S1101").get("/").content.decode()
    assert "/offboarding/my/" not in crm.org.client_for("S1102").get("/").content.decode()


# --- The case page -------------------------------------------------------------------------------


def test_case_page_matrix(crm, case):
    assert_matrix(crm.org, MatrixCase(page(case), "H0001", "X0001", out_of_scope="S1201"))
    for no in ("S1101", "S1100", "S1000", "F0001", "M0001"):
        assert crm.org.client_for(no).get(page(case)).status_code == 200, no


def test_case_page_shows_impact_items_sign_off_and_timeline(crm, case):
    html = crm.org.client_for("H0001").get(page(case)).content.decode()
    assert "张伟" in html and "customers (0 key accounts)" in html
    assert "客户资料移交" in html and "合同扫描件上传" in html
    assert 'id="sign-off"' in html and "Department head" in html
    assert "Case opened" in html  # the timeline
    assert "Record the exit interview" in html and "Complete the case" in html


def test_case_page_query_count_does_not_grow_with_items_and_files(crm, case):
    client = crm.org.client_for("H0001")
    before = queries_for(client, page(case))
    # given the leaver completed two file items with several files each
    from baton.offboarding.services import handover_item_complete

    leaver = crm.org.users["S1101"]
    for code in ("contract_scans", "chat_export"):
        handover_item_complete(actor=leaver, item=item(case, code), files=[pdf_upload(), pdf_upload("b.pdf")])
    client = crm.org.client_for("H0001")
    assert queries_for(client, page(case)) == before


def test_a_verifier_completes_their_item_on_the_case_page(crm, case):
    # given finance sees the receivables item's form
    client = crm.org.client_for("F0001")
    target = item(case, "receivables")
    assert f"/offboarding/items/{target.pk}/complete/" in client.get(page(case)).content.decode()
    # when finance confirms it
    response = client.post(f"/offboarding/items/{target.pk}/complete/", {"statement": ""})
    # then it is done and finance is back on the case page
    assert response.status_code == 302 and response["Location"] == page(case)
    target.refresh_from_db()
    assert target.status == "done"


def test_nobody_else_completes_finances_item(crm, case):
    target = item(case, "receivables")
    response = crm.org.client_for("S1100").post(f"/offboarding/items/{target.pk}/complete/", {})
    assert response.status_code == 200
    assert "This item is completed by: Finance." in response.content.decode()


def test_hr_records_the_exit_interview(crm, case):
    response = crm.org.client_for("H0001").post(
        page(case, "interview/"),
        {"main_reason": "career", "would_return": "on", "feedback": "希望有晋升通道"},
    )
    assert response.status_code == 302 and response["Location"] == page(case) + "#interview"
    interview = ExitInterview.objects.get(case=case)
    assert interview.would_return and interview.feedback == "希望有晋升通道"
    assert "Career development" in crm.org.client_for("H0001").get(page(case)).content.decode()


def test_an_exit_interview_without_a_reason_keeps_the_feedback(crm, case):
    response = crm.org.client_for("H0001").post(page(case, "interview/"), {"feedback": "希望有晋升通道"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert "希望有晋升通道" in response.content.decode()


def test_completing_a_blocked_case_shows_why(crm, case):
    response = crm.org.client_for("H0001").post(page(case, "complete/"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Checklist items not done" in html and "The transfer plan has not been executed." in html
    case.refresh_from_db()
    assert case.status == CaseStatus.HANDOVER


def test_hr_withdraws_a_case_and_a_reason_is_required(crm, case):
    client = crm.org.client_for("H0001")
    refused = client.post(page(case, "withdraw/"), {"reason": ""})
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    done = client.post(page(case, "withdraw/"), {"reason": "员工决定留任"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED


def test_the_team_lead_may_not_withdraw(crm, case):
    response = crm.org.client_for("S1100").post(page(case, "withdraw/"), {"reason": "员工决定留任"})
    assert response.status_code == 200
    assert "Only HR or the department head can do this." in response.content.decode()


def test_hr_names_the_successor(crm, case):
    successor = crm.org.employees["S1102"]
    response = crm.org.client_for("H0001").post(page(case, "successor/"), {"successor": successor.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.successor_id == successor.pk


def test_the_case_actions_answer_404_out_of_scope(crm, case):
    client = crm.org.client_for("S1201")
    assert client.post(page(case, "successor/"), {"successor": 1}).status_code in (403, 404)
    assert crm.org.client_for("S1100").post(page(case, "decide/"), {}).status_code == 403
