"""The transfer plan, its one-time execution, reminders and revisits through the API."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from baton.customers.models import Customer, OwnershipChange
from baton.offboarding.models import HandoverItem, OffboardingCase, Revisit, TransferLine
from baton.offboarding.testing import open_case

pytestmark = pytest.mark.django_db

CASES = "/api/v1/offboarding/cases/"
REVISITS = "/api/v1/revisits/"


def url(case: OffboardingCase, tail: str = "") -> str:
    return f"{CASES}{case.pk}/{tail}"


def post(client: Client, path: str, body: dict | None = None, **extra):
    return client.post(path, body or {}, content_type="application/json", **extra)


def put(client: Client, path: str, body: dict):
    return client.put(path, body, content_type="application/json")


def error(response) -> dict:
    return response.json()["error"]


def to_successor(org, employee_no: str = "S1102") -> dict:
    return {"strategy": "one_successor", "successor": org.employees[employee_no].pk}


def executed(crm, case: OffboardingCase) -> Client:
    """HR saves a plan giving everything to S1102 and executes it; returns HR's client."""
    hr = crm.org.client_for("H0001")
    assert put(hr, url(case, "transfer-plan/"), to_successor(crm.org)).status_code == 200
    assert post(hr, url(case, "transfer-plan/execute/")).json()["executed_now"] is True
    return hr


# --- The plan ------------------------------------------------------------------------------


def test_the_preview_lists_each_customer_with_its_figures_and_recommends_successors(case, crm):
    hr = crm.org.client_for("H0001")

    body = hr.get(url(case, "transfer-plan/")).json()

    assert body["plan"] is None
    line = body["lines"][0]
    assert line["customer"] == {"id": crm.customers["c1"].pk, "name": "广州华南精密制造有限公司"}
    assert (line["revenue_12m"], line["open_orders"], line["receivables_open"]) == ("12800.00", 1, "0.00")
    assert body["totals"]["customers"] == 1 and body["totals"]["revenue_12m"] == "12800.00"
    names = [r["employee_no"] for r in body["recommendations"]]
    assert "S1101" not in names and names[0] in {"S1100", "S1102"}
    assert body["recommendations"][0]["reasons"]


def test_saving_a_plan_shows_where_each_customer_goes(case, crm):
    org = crm.org
    hr = org.client_for("H0001")
    c1 = str(crm.customers["c1"].pk)

    saved = put(hr, url(case, "transfer-plan/"), to_successor(org))
    assert saved.status_code == 200
    assert saved.json()["plan"]["strategy"] == "one_successor"
    assert saved.json()["lines"][0]["to_employee"]["employee_no"] == "S1102"

    overridden = post(
        hr,
        url(case, "transfer-plan/"),
        to_successor(org) | {"overrides": {c1: {"destination": "public_pool"}}},
    )
    line = overridden.json()["lines"][0]
    assert (line["destination"], line["to_employee"], line["overridden"]) == ("public_pool", None, True)
    assert overridden.json()["totals"]["to_public_pool"] == 1


def test_only_hr_or_the_department_head_plans_and_bad_plans_are_refused(case, crm):
    org = crm.org
    path = url(case, "transfer-plan/")

    assert put(org.client_for("S1101"), path, to_successor(org)).status_code == 403  # no change grant
    assert error(put(org.client_for("S1100"), path, to_successor(org)))["code"] == "hr_or_head_only"
    assert put(org.client_for("S1000"), path, to_successor(org)).status_code == 200
    hr = org.client_for("H0001")
    assert "successor" in error(put(hr, path, {"strategy": "one_successor"}))["fields"]
    assert "successor" in error(put(hr, path, to_successor(org, "S1101")))["fields"]
    foreign = {"overrides": {str(crm.customers["c3"].pk): {"destination": "team_pool"}}}
    assert error(put(hr, path, to_successor(org) | foreign))["code"] == "not_on_list"
    assert put(org.client_for("S1201"), path, to_successor(org)).status_code == 403


def test_executing_without_a_plan_is_refused(case, crm):
    response = post(crm.org.client_for("H0001"), url(case, "transfer-plan/execute/"))

    assert response.status_code == 409 and error(response)["code"] == "plan_missing"


def test_a_plan_executes_once_and_the_second_call_says_so(case, crm):
    c1 = crm.customers["c1"]
    hr = executed(crm, case)

    again = post(hr, url(case, "transfer-plan/execute/"))

    assert again.status_code == 200
    assert again.json()["executed_now"] is False
    assert again.json()["plan"]["summary"]["customers"] == 1
    assert Customer.objects.get(pk=c1.pk).owner.employee_no == "S1102"
    assert OwnershipChange.objects.filter(customer=c1, kind="transferred").count() == 1
    assert TransferLine.objects.count() == 1
    assert error(put(hr, url(case, "transfer-plan/"), to_successor(crm.org)))["code"] == "plan_executed"
    detail = hr.get(url(case)).json()
    assert detail["plan"]["executed_at"] and "The leaver still owns" not in " ".join(
        detail["blocking_reasons"]
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_executions_transfer_once(case, crm):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    org = crm.org
    hr, head = org.client_for("H0001"), org.client_for("S1000")
    assert put(hr, url(case, "transfer-plan/"), to_successor(org)).status_code == 200
    answers: list[int | bool] = []
    start = threading.Barrier(2)

    def execute(client: Client) -> None:
        try:
            start.wait()
            response = post(client, url(case, "transfer-plan/execute/"))
            answers.append(
                response.json()["executed_now"] if response.status_code == 200 else response.status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=execute, args=(c,)) for c in (hr, head)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(answers) == [False, True]
    assert TransferLine.objects.count() == 1
    assert OwnershipChange.objects.filter(customer=crm.customers["c1"], kind="transferred").count() == 1


# --- Reminders and escalation --------------------------------------------------------------


def run_at(moment: dt.datetime) -> None:
    call_command("run_due_jobs", "--now", moment.isoformat(), stdout=io.StringIO())


def reminders_seen(org, employee_no: str, kind: str = "offboarding.reminder") -> list[dict]:
    rows = org.client_for(employee_no).get("/api/v1/notifications/", {"page_size": 500}).json()["results"]
    return [n for n in rows if n["kind"] == kind]


def test_overdue_items_remind_once_per_period_and_escalate_after_48_hours(case, crm):
    org = crm.org
    due = HandoverItem.objects.filter(case=case).order_by("due_at").first().due_at

    run_at(due + dt.timedelta(hours=1))
    for employee_no in ("S1101", "S1000", "H0001"):
        seen = reminders_seen(org, employee_no)
        assert len(seen) == 1 and seen[0]["link"] == f"/offboarding/cases/{case.pk}/", employee_no
    assert reminders_seen(org, "M0001") == []

    run_at(due + dt.timedelta(hours=1))  # the same moment again
    run_at(due + dt.timedelta(hours=3))  # later, inside the same period
    assert len(reminders_seen(org, "S1101")) == 1
    assert reminders_seen(org, "M0001", "offboarding.escalation") == []

    run_at(due + dt.timedelta(hours=49))
    escalated = reminders_seen(org, "M0001", "offboarding.escalation")
    assert len(escalated) == 1 and escalated[0]["severity"] == "high"
    run_at(due + dt.timedelta(hours=50))
    assert len(reminders_seen(org, "M0001", "offboarding.escalation")) == 1


# --- Revisits ------------------------------------------------------------------------------


def test_revisits_are_listed_in_scope(case, crm):
    org = crm.org
    executed(crm, case)

    def listed(employee_no: str, **query) -> list[tuple[str, str]]:
        rows = org.client_for(employee_no).get(REVISITS, query).json()["results"]
        return sorted((r["assignee"]["employee_no"], r["customer"]["name"]) for r in rows)

    c1 = "广州华南精密制造有限公司"
    assert listed("S1102") == [("S1102", c1)]
    assert listed("S1100") == [("S1100", c1), ("S1102", c1)]
    assert listed("S1000") == listed("S1100")
    assert listed("S1201") == [] and listed("E2001") == []
    assert org.client_for("X0001").get(REVISITS).status_code == 403


def test_the_assignee_records_the_outcome_once(case, crm):
    org = crm.org
    executed(crm, case)
    revisit = Revisit.objects.get(assignee=org.employees["S1102"])
    path = f"{REVISITS}{revisit.pk}/outcome/"
    client = org.client_for("S1102")

    assert post(org.client_for("S1201"), path, {"outcome": "continuing"}).status_code == 404
    assert post(org.client_for("H0001"), path, {"outcome": "continuing"}).status_code == 403
    assert error(post(client, path, {"outcome": "at_risk"}))["code"] == "notes_required"
    response = post(client, path, {"outcome": "at_risk", "notes": "客户在比价，下月再访"})

    assert response.status_code == 200
    assert response.json()["outcome"] == "at_risk" and response.json()["done_at"]
    assert error(post(client, path, {"outcome": "continuing"}))["code"] == "revisit_done"
    assert client.get(REVISITS, {"open": "true"}).json()["count"] == 0
    assert client.get(REVISITS, {"open": "false"}).json()["count"] == 1


def test_another_case_in_progress_does_not_show_up_in_revisits(case, crm):
    org = crm.org
    open_case(org, employee_no="S1201")
    executed(crm, case)

    rows = org.client_for("S1000").get(REVISITS).json()["results"]

    assert {r["leaver"]["employee_no"] for r in rows} == {"S1101"}
