"""The transfer planner (preview with HTMX, execute once) and the revisits page."""

from __future__ import annotations

import pytest

from baton.core.testing import MatrixCase, assert_matrix
from baton.customers.models import Customer
from baton.offboarding.models import Revisit, RevisitOutcome, TransferPlan
from baton.offboarding.services import plan_execute, plan_save

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def plan_url(case, suffix=""):
    return f"/offboarding/cases/{case.pk}/plan/{suffix}"


def test_planner_matrix(crm, case):
    assert_matrix(crm.org, MatrixCase(plan_url(case), permitted="H0001", no_permission="F0001"))
    assert crm.org.client_for("S1000").get(plan_url(case)).status_code == 200


def test_the_planner_shows_recommendations_with_reasons_and_the_customers(crm, case):
    html = crm.org.client_for("H0001").get(plan_url(case)).content.decode()
    assert "Recommended successors" in html and "same team" in html
    assert "广州华南精密制造有限公司" in html
    assert "Total" in html


def test_a_change_of_the_form_saves_the_plan_and_returns_the_preview(crm, case):
    successor = crm.org.employees["S1102"]
    # when HR picks a successor, HTMX posts the form
    response = crm.org.client_for("H0001").post(
        plan_url(case),
        {"strategy": "one_successor", "successor": successor.pk, "rest_to": "team_pool"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    # then only the preview fragment comes back, with the destination
    assert response.status_code == 200
    assert "<html" not in html and 'id="plan-preview"' in html
    assert "刘洋" in html and "The plan was saved." in html
    assert TransferPlan.objects.get(case=case).successor_id == successor.pk


def test_a_per_customer_override_shows_in_the_preview(crm, case):
    c1 = crm.customer("c1")
    response = crm.org.client_for("H0001").post(
        plan_url(case),
        {
            "strategy": "one_successor",
            "successor": crm.org.employees["S1102"].pk,
            "rest_to": "team_pool",
            f"o_{c1.pk}": "public_pool",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Public pool" in html and "changed" in html
    assert TransferPlan.objects.get(case=case).overrides == {str(c1.pk): {"destination": "public_pool"}}


def test_one_successor_without_a_successor_is_refused_and_the_choice_kept(crm, case):
    response = crm.org.client_for("H0001").post(
        plan_url(case), {"strategy": "one_successor", "successor": "", "rest_to": "public_pool"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose the successor." in html
    assert 'value="public_pool" selected' in html
    assert not TransferPlan.objects.exists()


def test_execute_needs_the_confirmation(crm, case):
    plan_save(
        actor=crm.org.users["H0001"],
        case=case,
        strategy="one_successor",
        successor=crm.org.employees["S1102"],
    )
    response = crm.org.client_for("H0001").post(plan_url(case, "execute/"), {})
    assert response.status_code == 200
    assert "Tick the box to confirm the transfer." in response.content.decode()
    assert Customer.objects.get(pk=crm.customer("c1").pk).owner_id == case.employee_id


def test_execute_moves_the_customers_and_the_page_turns_read_only(crm, case):
    plan_save(
        actor=crm.org.users["H0001"],
        case=case,
        strategy="one_successor",
        successor=crm.org.employees["S1102"],
    )
    client = crm.org.client_for("H0001")
    response = client.post(plan_url(case, "execute/"), {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == plan_url(case)
    assert Customer.objects.get(pk=crm.customer("c1").pk).owner == crm.org.employees["S1102"]
    html = client.get(plan_url(case)).content.decode()
    assert "Executed on" in html and "Customers moved" in html
    assert "hx-post" not in html and "Execute" not in html.split("Executed on")[1]


def test_revisits_page_and_recording_an_outcome(crm, case):
    # given the transfer scheduled revisits of the key customers
    crm.customer("c1").__class__.objects.filter(pk=crm.customer("c1").pk).update(is_key_account=True)
    hr = crm.org.users["H0001"]
    plan_save(actor=hr, case=case, strategy="one_successor", successor=crm.org.employees["S1102"])
    plan_execute(actor=hr, case=case)
    revisit = Revisit.objects.filter(assignee=crm.org.employees["S1102"]).get()
    assert_matrix(crm.org, MatrixCase("/offboarding/revisits/", permitted="S1102", no_permission="F0001"))
    client = crm.org.client_for("S1102")
    assert "Record the outcome" in client.get("/offboarding/revisits/").content.decode()
    # when the outcome is "at risk" without notes, it is refused and kept
    refused = client.post(f"/offboarding/revisits/{revisit.pk}/record/", {"outcome": "at_risk", "notes": ""})
    assert refused.status_code == 200 and "Say what happened." in refused.content.decode()
    assert 'value="at_risk" selected' in refused.content.decode()
    # when it is recorded with notes, then it shows as done
    done = client.post(
        f"/offboarding/revisits/{revisit.pk}/record/", {"outcome": "at_risk", "notes": "客户在比价"}
    )
    assert done.status_code == 302
    revisit.refresh_from_db()
    assert revisit.outcome == RevisitOutcome.AT_RISK and revisit.done_at is not None
    # and someone of another team cannot reach it
    other = crm.org.client_for("S1201").post(
        f"/offboarding/revisits/{revisit.pk}/record/", {"outcome": "lost"}
    )
    assert other.status_code == 404
