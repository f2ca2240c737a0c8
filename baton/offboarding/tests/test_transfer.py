"""The transfer plan: strategies, recommendations, and an execution that moves everything once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from baton.audit.models import AuditEvent
from baton.core import clock
from baton.core.errors import Conflict, Forbidden, InvalidInput
from baton.customers.models import (
    Contract,
    Customer,
    CustomerCollaborator,
    FollowUpTask,
    Order,
    OwnershipChange,
    PoolKind,
    Receivable,
)
from baton.customers.services import customer_create, order_create, receivable_add, task_create
from baton.offboarding.models import Destination, Revisit, TransferLine
from baton.offboarding.recommend import successors_recommended
from baton.offboarding.services import plan_execute, plan_preview, plan_save, revisit_record
from baton.offboarding.services.revisits import revisits_overdue_run

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return clock.local_date(clock.now())


@pytest.fixture
def book(case, crm):
    """S1101 owns c1 (an open order), c6 (nothing open, small), c7 (a receivable, key account)."""
    org = crm.org
    s1101 = org.employees["S1101"]
    extra = {}
    for key, name, key_account in (
        ("c6", "东莞小件快运有限公司", False),
        ("c7", "中山家电集团有限公司", True),
    ):
        extra[key] = customer_create(
            actor=None,
            company=org.company,
            name=name,
            region="south",
            industry="manufacturing",
            tier="medium",
            owner=s1101,
        )
        if key_account:
            Customer.objects.filter(pk=extra[key].pk).update(is_key_account=True)
    old = order_create(
        actor=None,
        customer=extra["c7"],
        number="SO-OLD-7",
        order_date=today() - dt.timedelta(days=40),
        route_from="中山",
        route_to="杭州",
        amount=Decimal("30000"),
        status="delivered",
        taken_by=s1101,
    )
    receivable_add(
        actor=None, customer=extra["c7"], order=old, amount="30000", due_on=today() + dt.timedelta(days=20)
    )
    task_create(
        actor=None,
        customer=crm.customer("c1"),
        assignee=s1101,
        title="确认十二月运力",
        due_at=clock.now() + dt.timedelta(days=3),
    )
    Contract.objects.create(
        customer=crm.customer("c1"),
        number="HT-2026-01",
        title="年度运输框架合同",
        starts_on=today() - dt.timedelta(days=100),
        ends_on=today() + dt.timedelta(days=200),
        owner=s1101,
    )
    return {**crm.customers, **extra}


def test_progress_sends_active_business_to_the_successor_and_the_rest_to_the_team_pool(case, crm, book):
    org = crm.org
    plan_save(actor=org.users["H0001"], case=case, strategy="progress", successor=org.employees["S1102"].pk)
    lines = {line.name: line for line in plan_preview(case=case)}
    assert lines["广州华南精密制造有限公司"].to_employee == org.employees["S1102"]
    assert lines["中山家电集团有限公司"].to_employee == org.employees["S1102"]
    assert lines["东莞小件快运有限公司"].destination == Destination.TEAM_POOL
    assert lines["广州华南精密制造有限公司"].open_orders == 1
    assert lines["中山家电集团有限公司"].receivables_open == Decimal("30000.00")
    assert lines["中山家电集团有限公司"].revenue_12m == Decimal("30000.00")


def test_progress_can_send_the_rest_to_the_public_pool_and_overrides_win(case, crm, book):
    org = crm.org
    plan_save(
        actor=org.users["S1000"],
        case=case,
        strategy="progress",
        successor=org.employees["S1102"].pk,
        rest_to="public_pool",
        overrides={str(book["c7"].pk): {"destination": "employee", "employee": org.employees["S1100"].pk}},
    )
    lines = {line.customer_id: line for line in plan_preview(case=case)}
    assert lines[book["c6"].pk].destination == Destination.PUBLIC_POOL
    assert lines[book["c7"].pk].to_employee == org.employees["S1100"] and lines[book["c7"].pk].overridden


def test_balanced_spreads_by_current_load(case, crm, book, org):
    from baton.core.testing import PASSWORD  # noqa: F401  (org people exist)
    from baton.org.models import Employee

    south1 = org.teams["south1"]
    extra = Employee.objects.create(
        company=org.company,
        employee_no="S1103",
        name="黄磊",
        department=org.departments["south"],
        team=south1,
        team_role="customer_manager",
        hire_date=dt.date(2020, 1, 1),
        status="active",
    )
    plan_save(actor=org.users["H0001"], case=case, strategy="balanced")
    owners = [line.to_employee for line in plan_preview(case=case)]
    assert set(owners) == {extra}  # the only other customer manager in the team
    with pytest.raises(InvalidInput):
        plan_save(actor=org.users["H0001"], case=case, strategy="one_successor")


def test_plans_are_for_hr_or_the_department_head_and_validate_their_input(case, crm, book):
    org = crm.org
    with pytest.raises(Forbidden):
        plan_save(actor=org.users["S1100"], case=case, strategy="team_lead")
    assert AuditEvent.objects.filter(action="offboarding.case_refused", result="denied").exists()
    with pytest.raises(InvalidInput):
        plan_save(actor=org.users["H0001"], case=case, strategy="everything_to_me")
    with pytest.raises(InvalidInput):
        plan_save(
            actor=org.users["H0001"], case=case, strategy="one_successor", successor=org.employees["S1101"].pk
        )
    with pytest.raises(InvalidInput) as err:
        plan_save(
            actor=org.users["H0001"],
            case=case,
            strategy="team_lead",
            overrides={str(book["c3"].pk): {"destination": "public_pool"}},
        )
    assert err.value.code == "not_on_list"


def test_execute_moves_customers_and_all_open_work_with_history(case, crm, book):
    org = crm.org
    s1101, s1102, lead = org.employees["S1101"], org.employees["S1102"], org.employees["S1100"]
    plan_save(actor=org.users["H0001"], case=case, strategy="progress", successor=s1102.pk)
    plan, executed = plan_execute(actor=org.users["H0001"], case=case)
    assert executed is True
    assert not Customer.objects.filter(owner=s1101).exists()
    c6 = Customer.objects.select_related("pool").get(pk=book["c6"].pk)
    assert c6.owner is None and c6.pool.kind == PoolKind.TEAM and c6.pool.team_id == org.teams["south1"].pk
    assert Customer.objects.get(pk=book["c1"].pk).owner == s1102
    assert Order.objects.get(number="SO-2026-0001").taken_by == s1102
    delivered = Order.objects.get(number="SO-OLD-7")
    # Delivered: the money is collected by the successor, who took the order stays on record.
    assert (delivered.receivable_owner, delivered.taken_by) == (s1102, s1101)
    assert Receivable.objects.get(customer=book["c7"]).owner == s1102
    assert Contract.objects.get(number="HT-2026-01").owner == s1102
    assert FollowUpTask.objects.get(title="确认十二月运力").assignee == s1102
    # S1101 followed c2 (S1102's own customer): the role ends, nothing is duplicated.
    assert not CustomerCollaborator.objects.filter(employee=s1101).exists()
    assert OwnershipChange.objects.filter(from_owner=s1101, kind="transferred").count() == 3
    assert TransferLine.objects.filter(plan=plan).count() == 3
    assert plan.summary["customers"] == 3 and plan.summary["to_team_pool"] == 1
    assert lead.pk not in set(Customer.objects.values_list("owner_id", flat=True))


def test_executing_twice_has_the_effect_of_once(case, crm, book):
    org = crm.org
    plan_save(
        actor=org.users["H0001"], case=case, strategy="one_successor", successor=org.employees["S1102"].pk
    )
    first, executed = plan_execute(actor=org.users["H0001"], case=case)
    again, executed_again = plan_execute(actor=org.users["H0001"], case=case)
    assert (executed, executed_again) == (True, False)
    assert first.pk == again.pk
    assert OwnershipChange.objects.filter(kind="transferred", reason__contains=str(case.pk)).count() == 3
    assert AuditEvent.objects.filter(action="offboarding.transfer_executed").count() == 1
    with pytest.raises(Conflict):
        plan_save(actor=org.users["H0001"], case=case, strategy="team_lead")


def test_execute_needs_a_saved_plan(case, crm):
    with pytest.raises(Conflict) as err:
        plan_execute(actor=crm.org.users["H0001"], case=case)
    assert err.value.code == "plan_missing"


def test_key_customers_get_revisits_for_the_successor_and_the_team_lead(case, crm, book):
    org = crm.org
    plan_save(
        actor=org.users["H0001"], case=case, strategy="one_successor", successor=org.employees["S1102"].pk
    )
    plan_execute(actor=org.users["H0001"], case=case)
    revisits = Revisit.objects.filter(case=case)
    # top 5 by revenue (c7 30,000, c1 12,800) plus the key account c7; c6 has no revenue.
    assert {r.customer_id for r in revisits} == {book["c1"].pk, book["c7"].pk}
    assert {r.assignee.employee_no for r in revisits} == {"S1102", "S1100"}
    assert all(r.due_on == today() + dt.timedelta(days=14) for r in revisits)


def test_a_revisit_outcome_is_recorded_and_an_overdue_one_alerts(case, crm, book):
    from baton.alerts.models import Alert

    org = crm.org
    plan_save(
        actor=org.users["H0001"], case=case, strategy="one_successor", successor=org.employees["S1102"].pk
    )
    plan_execute(actor=org.users["H0001"], case=case)
    first, *rest = Revisit.objects.filter(case=case).order_by("pk")
    with pytest.raises(InvalidInput):
        revisit_record(actor=org.users["S1102"], revisit=first, outcome="lost")
    revisit_record(
        actor=org.users["S1102"], revisit=first, outcome="at_risk", notes="客户在比价，需要主管出面。"
    )
    assert Alert.objects.filter(rule="revisit_outcome", subject_id=str(first.customer_id)).exists()
    later = clock.now() + dt.timedelta(days=15)
    assert revisits_overdue_run(now=later) == len(rest)  # the recorded one is not overdue
    assert revisits_overdue_run(now=later) == len(rest)  # the recorded one is not overdue
    assert Alert.objects.filter(rule="revisit_overdue").count() == len(rest)


def test_successors_are_ranked_with_reasons(case, crm, book):
    with translation.override("en"):
        ranked = successors_recommended(case=case)
    assert ranked[0].employee.employee_no in {"S1102", "S1100"}
    assert any("same team" in reason for reason in ranked[0].reasons)
    assert ranked == sorted(ranked, key=lambda r: (-r.score, r.load, r.employee.pk))


def test_saving_an_unchanged_plan_writes_nothing(case, crm, book):
    org = crm.org
    for _ in range(3):  # the planner saves on every change of the form
        plan_save(actor=org.users["H0001"], case=case, strategy="team_lead")
    plan_save(actor=org.users["H0001"], case=case, strategy="progress", successor=org.employees["S1102"].pk)
    assert AuditEvent.objects.filter(action="offboarding.plan_saved").count() == 2
