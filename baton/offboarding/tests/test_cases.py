"""Opening a case: notice rules, status, checklist, impact, notifications and the handover restrictions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from baton.alerts.models import Alert
from baton.audit.models import AuditEvent
from baton.core import clock
from baton.core.errors import Conflict, Forbidden, InvalidInput
from baton.customers.models import Customer, Order
from baton.customers.services import (
    contact_remove,
    contact_reveal,
    customer_claim,
    customer_release,
    order_create,
)
from baton.notifications.models import Notification
from baton.offboarding.models import Approval, CaseStatus, HandoverItem, OffboardingCase
from baton.offboarding.services import case_open, case_withdraw, successor_set
from baton.offboarding.testing import open_case
from baton.org.models import EmployeeStatus

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return clock.local_date(clock.now())


def new_order(actor, customer, number, amount="100"):
    return order_create(
        actor=actor,
        customer=customer,
        number=number,
        order_date=today(),
        route_from="广州",
        route_to="成都",
        amount=amount,
    )


def test_opening_makes_the_employee_resigning_with_the_sales_checklist(crm):
    org = crm.org
    case = open_case(org)
    case.employee.refresh_from_db()
    assert case.employee.status == EmployeeStatus.RESIGNING
    assert case.status == CaseStatus.HANDOVER
    items = list(HandoverItem.objects.filter(case=case).values_list("title", flat=True))
    assert len(items) == 10
    assert items[0] == "客户资料移交" and "客户交接会谈纪要" in items
    assert sorted(Approval.objects.filter(case=case).values_list("role", flat=True)) == [
        "department_head",
        "finance",
        "hr",
    ]
    assert case.notice_days_required == 30 and case.notice_days_given == 30
    assert case.impact["customers"] == 1 and case.impact["open_orders"] == 1
    assert AuditEvent.objects.filter(action="offboarding.case_opened", object_id=str(case.pk)).exists()


def test_team_lead_department_head_and_hr_are_told_and_the_leaver_is_not(crm):
    org = crm.org
    case = open_case(org)
    told = set(
        Notification.objects.filter(key=f"offboarding:{case.pk}:opened").values_list(
            "recipient__employee_no", flat=True
        )
    )
    assert {"S1100", "S1000", "H0001"} <= told
    assert "S1101" not in told


def test_a_leaver_above_the_revenue_line_alerts_management_with_the_impact(crm):
    org = crm.org
    # c1 (S1101's) holds 12,800 of 12,800 + 50,000: 20.4% of company revenue.
    new_order(None, crm.customer("c3"), "SO-X-1", Decimal("50000"))
    case = open_case(org)
    alert = Alert.objects.get(rule="R5", subject_id=str(org.employees["S1101"].pk))
    assert alert.severity == "high" and alert.details["customers"] == 1
    assert Decimal(alert.details["share"]) == Decimal("0.2038")
    assert Notification.objects.filter(
        key=f"offboarding:{case.pk}:impact", recipient=org.users["M0001"], severity="high"
    ).exists()


def test_a_leaver_below_the_line_raises_no_alert(crm):
    org = crm.org
    order_create(
        actor=None,
        customer=crm.customer("c3"),
        number="SO-X-2",
        order_date=today(),
        route_from="深圳",
        route_to="武汉",
        amount=Decimal("115200.01"),  # c1's 12,800 is then just under 10%
    )
    open_case(org)
    assert not Alert.objects.filter(rule="R5").exists()


def test_an_employee_resigning_themselves_must_give_the_notice(crm):
    org = crm.org
    with pytest.raises(InvalidInput) as err:
        case_open(
            actor=org.users["S1101"],
            employee=org.employees["S1101"],
            kind="resignation",
            reason="个人原因",
            last_working_day=today() + dt.timedelta(days=29),
        )
    assert err.value.code == "notice_too_short"
    assert (today() + dt.timedelta(days=30)).isoformat() in str(err.value.message)
    case = case_open(
        actor=org.users["S1101"],
        employee=org.employees["S1101"],
        kind="resignation",
        reason="个人原因",
        last_working_day=today() + dt.timedelta(days=30),
    )
    assert case.notice_days_given == 30


def test_probation_needs_three_days(crm):
    org = crm.org
    emp = org.employees["S1102"]
    emp.status = EmployeeStatus.PROBATION
    emp.save(update_fields=["status"])
    with pytest.raises(InvalidInput):
        case_open(
            actor=org.users["S1102"],
            employee=emp,
            kind="resignation",
            reason="x",
            last_working_day=today() + dt.timedelta(days=2),
        )
    case = case_open(
        actor=org.users["S1102"],
        employee=emp,
        kind="resignation",
        reason="x",
        last_working_day=today() + dt.timedelta(days=3),
    )
    assert case.notice_days_required == 3


def test_hr_may_record_a_shorter_notice_and_it_is_flagged(crm):
    case = open_case(crm.org, days=5)
    assert case.impact["notice_short"] is True


def test_only_a_resignation_for_oneself_and_nobody_outside_scope(crm):
    org = crm.org
    with pytest.raises(InvalidInput):
        case_open(
            actor=org.users["S1101"],
            employee=org.employees["S1101"],
            kind="dismissal",
            reason="x",
            last_working_day=today() + dt.timedelta(days=30),
        )
    with pytest.raises(Forbidden):
        case_open(
            actor=org.users["S1101"],
            employee=org.employees["S1102"],
            kind="resignation",
            reason="x",
            last_working_day=today() + dt.timedelta(days=30),
        )
    assert AuditEvent.objects.filter(action="offboarding.case_refused", result="denied").exists()
    assert not OffboardingCase.objects.exists()


def test_a_second_open_case_is_refused(crm):
    open_case(crm.org)
    with pytest.raises(Conflict):
        open_case(crm.org)


def test_bad_dates_are_refused_with_field_errors(crm):
    org = crm.org
    with pytest.raises(InvalidInput) as err:
        case_open(
            actor=org.users["H0001"],
            employee=org.employees["S1101"],
            kind="resignation",
            reason="",
            last_working_day=today() - dt.timedelta(days=1),
        )
    assert set(err.value.fields) == {"reason", "last_working_day"}


def test_in_handover_the_leaver_cannot_take_orders_claim_reveal_or_remove(crm):
    org = crm.org
    open_case(org)
    leaver = org.users["S1101"]
    leaver.refresh_from_db()
    c1 = crm.customer("c1")
    with pytest.raises(Forbidden) as err:
        new_order(leaver, c1, "SO-N-1", "100")
    assert err.value.code == "handover_in_progress"
    with translation.override("en"):
        assert str(err.value.message) == "New orders cannot be taken during the handover period."
    contact = c1.contacts.get()
    for call in (
        lambda: customer_claim(actor=leaver, customer=crm.customer("c5")),
        lambda: contact_reveal(actor=leaver, contact=contact),
        lambda: contact_remove(actor=leaver, contact=contact),
        lambda: customer_release(actor=leaver, customer=c1, reason="不跟了"),
    ):
        with pytest.raises(Forbidden) as err:
            call()
        assert err.value.code == "handover_in_progress"
    assert not Order.objects.filter(number="SO-N-1").exists()
    assert AuditEvent.objects.filter(action="offboarding.handover_refused").count() == 5
    assert Customer.objects.get(pk=c1.pk).owner_id == org.employees["S1101"].pk


def test_the_refusal_message_is_translated(crm, settings):
    from django.utils import translation

    org = crm.org
    open_case(org)
    org.users["S1101"].refresh_from_db()
    with translation.override("zh-hans"), pytest.raises(Forbidden) as err:
        new_order(org.users["S1101"], crm.customer("c1"), "SO-N-2", "100")
    with translation.override("zh-hans"):
        assert str(err.value.message) == "离职交接期间不能接单"


def test_orders_for_the_leavers_customers_go_to_the_team_lead_then_to_the_successor(crm):
    org = crm.org
    case = open_case(org)
    first = new_order(org.users["S1000"], crm.customer("c1"), "SO-H-1", "5000")
    assert first.handover_flag is True
    assert first.taken_by_id == first.receivable_owner_id == org.employees["S1100"].pk
    successor_set(actor=org.users["H0001"], case=case, successor=org.employees["S1102"])
    second = new_order(org.users["S1000"], crm.customer("c1"), "SO-H-2", "5000")
    assert second.taken_by_id == second.receivable_owner_id == org.employees["S1102"].pk
    other = new_order(org.users["S1000"], crm.customer("c3"), "SO-H-3", "5000")
    assert other.handover_flag is False


def test_the_leaver_still_reads_their_customers(crm):
    from baton.customers.selectors import customers_visible_to

    org = crm.org
    open_case(org)
    user = org.users["S1101"]
    user.refresh_from_db()
    assert crm.customers["c1"].pk in set(customers_visible_to(user=user).values_list("pk", flat=True))


def test_full_freeze_setting_freezes_the_account_at_once(crm):
    from baton.offboarding.selectors import policy_for

    org = crm.org
    policy = policy_for(org.company.pk)
    policy.full_freeze = True
    policy.save()
    open_case(org)
    org.users["S1101"].refresh_from_db()
    assert org.users["S1101"].is_frozen


def test_withdrawing_makes_the_employee_active_again(crm):
    org = crm.org
    case = open_case(org)
    with pytest.raises(InvalidInput):
        case_withdraw(actor=org.users["H0001"], case=case, reason="")
    with pytest.raises(Forbidden):
        case_withdraw(actor=org.users["S1102"], case=case, reason="留下")
    case = case_withdraw(actor=org.users["H0001"], case=case, reason="员工决定留任")
    assert case.status == CaseStatus.CANCELLED
    org.employees["S1101"].refresh_from_db()
    assert org.employees["S1101"].status == EmployeeStatus.ACTIVE
    order = new_order(org.users["S1101"], crm.customer("c1"), "SO-W-1", "100")
    assert order.handover_flag is False


def test_the_successor_must_be_a_current_colleague(crm):
    org = crm.org
    case = open_case(org)
    with pytest.raises(InvalidInput):
        successor_set(actor=org.users["H0001"], case=case, successor=org.employees["S1101"])
