"""R5: a resignation above the revenue line alerts management at once, with the impact."""

from __future__ import annotations

from decimal import Decimal

import pytest

from baton.alerts.models import Alert
from baton.core import clock
from baton.customers.services import order_create
from baton.notifications.models import Notification
from baton.offboarding.testing import open_case
from baton.risk.services import risk_event, rule_setting_update

pytestmark = pytest.mark.django_db


def company_revenue_with(crm, amount):
    """c1 (S1101's) holds 12,800; another customer's order makes up the rest."""
    order_create(
        actor=None,
        customer=crm.customer("c3"),
        number="SO-R5-1",
        order_date=clock.local_date(clock.now()),
        route_from="深圳",
        route_to="武汉",
        amount=Decimal(amount),
    )


def impact_notices(case):
    return Notification.objects.filter(key=f"offboarding:{case.pk}:impact")


def test_a_leaver_holding_exactly_the_line_alerts_management_with_the_impact(crm):
    company_revenue_with(crm, "115200")  # 12,800 of 128,000: exactly 10%
    case = open_case(crm.org)
    s1101 = crm.org.employees["S1101"]
    alert = Alert.objects.get(rule="R5")
    assert (alert.subject_type, alert.subject_id) == ("org.employee", str(s1101.pk))
    assert (alert.category, alert.severity) == ("departure", "high")
    assert alert.company_id == crm.org.company.pk and alert.team_id == s1101.team_id
    assert alert.details["case"] == case.pk and alert.details["employee"] == "S1101"
    assert alert.details["share"] == "0.1000" and Decimal(alert.details["revenue_12m"]) == Decimal("12800")
    assert "notice_short" not in alert.details
    # Management hears it once, from the case, with the impact in the message.
    notice = impact_notices(case).get(recipient=crm.org.users["M0001"])
    assert notice.severity == "high" and "10.0%" in notice.title
    assert not Notification.objects.filter(key=f"alert:{alert.pk}").exists()


def test_one_fen_below_the_line_raises_nothing(crm):
    company_revenue_with(crm, "115200.01")
    case = open_case(crm.org)
    assert not Alert.objects.filter(rule="R5").exists()
    assert not impact_notices(case).exists()


def test_the_line_is_r5s_own_setting(crm):
    company_revenue_with(crm, "50000")  # c1 holds 20.4%
    rule_setting_update(
        actor=crm.org.users["M0001"], company_id=crm.org.company.pk, code="R5", params={"share": "0.25"}
    )
    case = open_case(crm.org)
    assert not Alert.objects.filter(rule="R5").exists() and not impact_notices(case).exists()


def test_a_switched_off_r5_alerts_nobody_but_the_case_is_still_announced(crm):
    rule_setting_update(actor=None, company_id=crm.org.company.pk, code="R5", enabled=False)
    case = open_case(crm.org)  # c1 holds all of the company's revenue
    assert not Alert.objects.filter(rule="R5").exists() and not impact_notices(case).exists()
    assert Notification.objects.filter(key=f"offboarding:{case.pk}:opened").exists()


def test_the_event_is_answered_once_and_only_for_the_company_of_the_case(crm):
    case = open_case(crm.org)
    assert Alert.objects.filter(rule="R5").count() == 1
    payload = {"case": case.pk, "employee": case.employee_id}
    assert risk_event(event="resignation", company_id=crm.org.company.pk, payload=payload) == 0
    from baton.org.models import Company

    other = Company.objects.create(name="别家公司")
    assert risk_event(event="resignation", company_id=other.pk, payload=payload) == 0
    assert Alert.objects.filter(rule="R5").count() == 1


def test_r5_reads_the_stored_impact_in_a_few_queries(crm, django_assert_max_num_queries):
    from baton.risk import registry

    case = open_case(crm.org)
    rule = registry.get("R5")
    with django_assert_max_num_queries(1):
        findings = list(
            rule.on_event(
                company=crm.org.company,
                now=clock.now(),
                params=rule.defaults(),
                event="resignation",
                payload={"case": case.pk},
            )
        )
    assert len(findings) == 1
