"""R1: a customer owner's contact with customers drops off."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baton.alerts.models import Alert
from baton.customers.models import Customer, Interaction
from baton.notifications.models import Notification
from baton.org.models import Employee, EmployeeStatus, TeamRole
from baton.risk import registry
from baton.risk.services import risk_scan

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 18, 2, 0, tzinfo=dt.UTC)  # a Wednesday, 10:00 in Shanghai
DAY = dt.timedelta(days=1)


def log(customer: Customer, employee: Employee, *, last_week: int, baseline_weeks: list[int]) -> None:
    """``last_week`` interactions in the 7 days before NOW; ``baseline_weeks[w]`` in week w+1 before."""
    moments = [NOW - DAY * (1 + i % 6) for i in range(last_week)]
    for week, count in enumerate(baseline_weeks, start=1):
        moments += [NOW - 7 * week * DAY - DAY * (1 + i % 6) for i in range(count)]
    Interaction.objects.bulk_create(
        Interaction(customer=customer, employee=employee, channel="call", occurred_at=m, created_at=m)
        for m in moments
    )


def r1_alerts():
    return Alert.objects.filter(rule="R1")


def test_five_a_week_then_one_alerts_the_team_lead_once(crm):
    # Given S1101 logged 5 interactions a week for 8 weeks, then 1 in the last 7 days
    s1101 = crm.org.employees["S1101"]
    log(crm.customer("c1"), s1101, last_week=1, baseline_weeks=[5] * 8)
    # When the daily scan runs (twice)
    assert risk_scan(now=NOW, codes=["R1"]) == {"R1": 1}
    assert risk_scan(now=NOW, codes=["R1"]) == {"R1": 0}
    # Then one alert on him, in his team, told to his team lead
    alert = r1_alerts().get()
    assert (alert.subject_type, alert.subject_id) == ("org.employee", str(s1101.pk))
    assert alert.owner_id == s1101.pk and alert.team_id == crm.org.teams["south1"].pk
    assert alert.category == "engagement"
    assert "张伟" in alert.title and "S1101" in alert.title
    assert alert.details["last_week"] == 1 and alert.details["baseline_per_week"] == "5.0"
    assert alert.details["drop_percent"] == "80.0"
    told = Notification.objects.filter(key=f"alert:{alert.pk}").values_list(
        "recipient__employee_no", flat=True
    )
    assert list(told) == ["S1100"]


def test_five_a_week_then_two_is_not_enough(crm):
    # 2 last week is above "at most 1", and a 60% drop is below 70%
    log(crm.customer("c1"), crm.org.employees["S1101"], last_week=2, baseline_weeks=[5] * 8)
    assert risk_scan(now=NOW, codes=["R1"]) == {"R1": 0}


def test_a_drop_of_exactly_70_percent_alerts_and_60_does_not(crm):
    # S1101: 10 a week, then 3 (70% less); S1201: 10 a week, then 4 (60% less)
    log(crm.customer("c1"), crm.org.employees["S1101"], last_week=3, baseline_weeks=[10] * 8)
    log(crm.customer("c3"), crm.org.employees["S1201"], last_week=4, baseline_weeks=[10] * 8)
    assert risk_scan(now=NOW, codes=["R1"]) == {"R1": 1}
    assert r1_alerts().get().subject_id == str(crm.org.employees["S1101"].pk)


def test_a_baseline_of_exactly_five_counts_and_interactions_outside_the_window_do_not(crm):
    # 40 in the 8 weeks (5.0 a week) but 8 more in week 9, which is outside the baseline
    s1101 = crm.org.employees["S1101"]
    log(crm.customer("c1"), s1101, last_week=1, baseline_weeks=[5] * 8 + [8])
    assert risk_scan(now=NOW, codes=["R1"]) == {"R1": 1}
    assert r1_alerts().get().details["baseline_per_week"] == "5.0"


def test_people_who_own_no_customers_are_not_watched(crm):
    # The team lead S1100 owns no customer; their interactions stop
    log(crm.customer("c1"), crm.org.employees["S1100"], last_week=0, baseline_weeks=[5] * 8)
    assert risk_scan(now=NOW, codes=["R1"]) == {"R1": 0}


def test_thresholds_come_from_the_company_settings(crm):
    from baton.risk.services import rule_setting_update

    log(crm.customer("c1"), crm.org.employees["S1101"], last_week=2, baseline_weeks=[5] * 8)
    rule_setting_update(
        actor=crm.org.users["admin"], company_id=crm.org.company.pk, code="R1", params={"last_week_max": 2}
    )
    assert risk_scan(now=NOW, codes=["R1"]) == {"R1": 1}


def _owners(crm, first: int, n: int) -> None:
    team = crm.org.teams["south1"]
    for i in range(first, first + n):
        emp = Employee.objects.create(
            company=crm.org.company,
            employee_no=f"S19{i:02d}",
            name=f"销售{i}",
            department=team.department,
            team=team,
            team_role=TeamRole.CUSTOMER_MANAGER,
            hire_date=dt.date(2020, 1, 1),
            status=EmployeeStatus.ACTIVE,
        )
        customer = Customer.objects.create(
            company=crm.org.company,
            name=f"测试客户{i}有限公司",
            normalized_name=f"测试客户{i}",
            region="south",
            industry="manufacturing",
            tier="small",
            pool=crm.pools["south1"],
            team=team,
            owner=emp,
            created_at=NOW - 400 * DAY,
        )
        log(customer, emp, last_week=i % 3, baseline_weeks=[5] * 8)


def test_the_scan_is_one_query_however_many_people(crm):
    rule = registry.get("R1")
    params = rule.defaults()
    counts = []
    for first, n in ((0, 2), (2, 8)):  # 2 then 10 salespeople with customers and history
        _owners(crm, first, n)
        with CaptureQueriesContext(connection) as ctx:
            found = list(rule.scan(company=crm.org.company, now=NOW, params=params))
        counts.append(len(ctx.captured_queries))
    assert len(found) == 7  # the three with 2 last week (60% less) are fine
    assert counts == [1, 1]
