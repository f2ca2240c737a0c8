"""Reminders, escalation and the last working day, run as of a given time through run_due_jobs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from baton.notifications.models import Notification
from baton.offboarding.models import CaseStatus, HandoverItem, OffboardingCase, ReminderLog
from baton.offboarding.services import approval_decide, case_complete, plan_execute, plan_save
from baton.offboarding.testing import complete_all_items
from baton.org.models import EmployeeStatus

pytestmark = pytest.mark.django_db


def run_at(moment: dt.datetime) -> None:
    call_command("run_due_jobs", "--now", moment.isoformat())


def first_due(case: OffboardingCase) -> dt.datetime:
    return HandoverItem.objects.filter(case=case).order_by("due_at").first().due_at


def reminded(case: OffboardingCase, level: str = "reminder") -> set[str]:
    return set(
        Notification.objects.filter(
            kind=f"offboarding.{level}", key__startswith=f"offboarding:{case.pk}:"
        ).values_list("recipient__employee_no", flat=True)
    )


def test_nothing_is_sent_before_anything_is_due(case):
    run_at(first_due(case) - dt.timedelta(minutes=1))
    assert not ReminderLog.objects.exists()


def test_an_overdue_item_reminds_the_leaver_the_department_head_and_hr_once_per_period(case):
    due = first_due(case)
    run_at(due + dt.timedelta(hours=1))
    assert {"S1101", "S1000", "H0001"} <= reminded(case)
    assert "M0001" not in reminded(case)
    count = Notification.objects.count()
    run_at(due + dt.timedelta(hours=1))  # the same moment again
    run_at(due + dt.timedelta(hours=1, minutes=20))  # later, inside the same period
    assert Notification.objects.count() == count
    assert ReminderLog.objects.filter(level="reminder").count() == 1


def test_the_next_period_reminds_again_and_after_48_hours_management_is_told(case):
    due = first_due(case)
    run_at(due + dt.timedelta(hours=1))
    run_at(due + dt.timedelta(hours=25, minutes=1))
    assert ReminderLog.objects.filter(level="reminder").count() == 2
    assert not reminded(case, "escalation")
    run_at(due + dt.timedelta(hours=49))
    assert reminded(case, "escalation") == {"M0001"}
    run_at(due + dt.timedelta(hours=49, minutes=30))
    assert ReminderLog.objects.filter(level="escalation").count() == 1


def test_an_overdue_sign_off_reminds_its_approvers(case, crm):
    org = crm.org
    complete_all_items(case, org)
    approval_decide(actor=org.users["S1000"], case=case, decision="approved")
    approval_decide(actor=org.users["H0001"], case=case, decision="approved")
    waiting = case.approvals.get(role="finance")
    HandoverItem.objects.filter(case=case).update(due_at=waiting.due_at + dt.timedelta(days=30))
    run_at(waiting.due_at + dt.timedelta(hours=2))
    assert "F0001" in reminded(case)


def test_on_the_last_working_day_access_ends_and_a_ready_case_completes(case, crm):
    org = crm.org
    complete_all_items(case, org)
    for who in ("S1000", "H0001", "F0001"):
        approval_decide(actor=org.users[who], case=case, decision="approved")
    plan_save(actor=org.users["H0001"], case=case, strategy="team_lead")
    plan_execute(actor=org.users["H0001"], case=case)
    from baton.core import clock

    run_at(clock.local_moment(case.last_working_day, 17, 59))
    assert OffboardingCase.objects.get(pk=case.pk).access_ended_at is None
    run_at(clock.local_moment(case.last_working_day, 18, 15))
    case = OffboardingCase.objects.select_related("employee__user").get(pk=case.pk)
    assert case.status == CaseStatus.COMPLETED and case.access_ended_at is not None
    assert case.employee.status == EmployeeStatus.LEFT
    assert case.employee.user.is_active is False


def test_a_blocked_case_still_ends_access_on_the_last_day_and_stays_open(case, crm):
    from baton.core import clock

    run_at(clock.local_moment(case.last_working_day, 18, 30))
    case = OffboardingCase.objects.select_related("employee__user").get(pk=case.pk)
    assert case.status == CaseStatus.HANDOVER and case.access_ended_at is not None
    assert case.employee.user.is_frozen is True
    assert case.employee.status == EmployeeStatus.RESIGNING


def test_hr_completes_an_unblocked_case_and_the_login_stops(case, crm):
    org = crm.org
    complete_all_items(case, org)
    for who in ("S1000", "H0001", "F0001"):
        approval_decide(actor=org.users[who], case=case, decision="approved")
    plan_save(
        actor=org.users["S1000"], case=case, strategy="one_successor", successor=org.employees["S1102"].pk
    )
    plan_execute(actor=org.users["S1000"], case=case)
    case_complete(actor=org.users["H0001"], case=case)
    from django.test import Client

    from baton.core.testing import PASSWORD

    response = Client().post(
        "/api/v1/auth/token/", {"employee_no": "S1101", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code in (400, 401, 403)
    assert "token" not in response.json()
