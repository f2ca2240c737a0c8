"""Churn rules: R2 orders falling, R3 complaints in a row, R6 key-contact churn, R7 health drop."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baton.alerts.models import Alert
from baton.core import clock
from baton.customers.models import (
    Complaint,
    Contact,
    Customer,
    Interaction,
    Order,
    OrderStatus,
    Receivable,
)
from baton.customers.services import complaint_record, contact_add, contact_remove
from baton.notifications.models import Notification
from baton.risk import registry
from baton.risk.models import HealthSnapshot
from baton.risk.rules.health import health_score
from baton.risk.services import risk_scan, rule_setting_update

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 18, 2, 0, tzinfo=dt.UTC)  # 10:00 on 18 November in Shanghai
TODAY = dt.date(2026, 11, 18)
DAY = dt.timedelta(days=1)
_numbers = itertools.count(1)


def order(
    customer: Customer, day: dt.date, amount: str = "1000.00", status: str = OrderStatus.CLOSED
) -> Order:
    return Order.objects.create(
        customer=customer,
        number=f"T-{next(_numbers):06d}",
        order_date=day,
        route_from="广州",
        route_to="上海",
        amount=Decimal(amount),
        status=status,
        created_at=NOW,
    )


def monthly(customer: Customer, counts: list[int], amount: str = "1000.00") -> None:
    """Orders in July, August, September and October 2026 (the window as of NOW), one per day."""
    for month, n in zip((7, 8, 9, 10), counts, strict=True):
        for i in range(n):
            order(customer, dt.date(2026, month, 1 + i), amount)


def told(alert: Alert) -> set[str]:
    return set(
        Notification.objects.filter(key=f"alert:{alert.pk}").values_list("recipient__employee_no", flat=True)
    )


def _customers(crm, first: int, n: int) -> list[Customer]:
    return [
        Customer.objects.create(
            company=crm.org.company,
            name=f"测试客户{i}有限公司",
            normalized_name=f"测试客户{i}",
            region="south",
            industry="manufacturing",
            tier="small",
            is_key_account=True,
            pool=crm.pools["south1"],
            team=crm.org.teams["south1"],
            owner=crm.org.employees["S1101"],
            created_at=NOW - 400 * DAY,
        )
        for i in range(first, first + n)
    ]


def queries_for(crm, code: str, make) -> list[int]:
    """Queries of one scan of the rule with 2, then 10 customers made by ``make(customers)``."""
    rule = registry.get(code)
    counts = []
    for first, n in ((0, 2), (2, 8)):
        make(_customers(crm, first, n))
        with CaptureQueriesContext(connection) as ctx:
            list(rule.scan(company=crm.org.company, now=NOW, params=rule.defaults()))
        counts.append(len(ctx.captured_queries))
    return counts


# --- R2 -----------------------------------------------------------------------------------------


def test_orders_falling_three_months_in_a_row_alert_owner_and_lead_once(crm):
    # Given c2 (S1102, team south1) ordered 4, 3, 2, 1 times from July to October, and more in November
    c2 = crm.customer("c2")
    monthly(c2, [4, 3, 2, 1])
    order(c2, dt.date(2026, 11, 3), "9000.00")
    # When the scan runs twice
    assert risk_scan(now=NOW, codes=["R2"]) == {"R2": 1}
    assert risk_scan(now=NOW, codes=["R2"]) == {"R2": 0}
    # Then one alert, with the four months' figures, to the owner and the team lead
    alert = Alert.objects.get(rule="R2")
    assert (alert.subject_type, alert.subject_id) == ("customers.customer", str(c2.pk))
    assert alert.owner_id == crm.org.employees["S1102"].pk and alert.category == "churn"
    assert c2.name in alert.title and "4 → 3 → 2 → 1" in alert.title
    assert alert.details["falling"] == ["orders", "amount"]
    assert alert.details["months"][0] == {"month": "2026-07", "orders": 4, "amount": "4000.00"}
    assert alert.details["months"][-1] == {"month": "2026-10", "orders": 1, "amount": "1000.00"}
    assert told(alert) == {"S1102", "S1100"}


def test_one_month_level_with_the_one_before_is_no_fall(crm):
    monthly(crm.customer("c3"), [4, 3, 3, 1])
    assert risk_scan(now=NOW, codes=["R2"]) == {"R2": 0}


def test_falling_amounts_alone_alert_and_cancelled_orders_do_not_count(crm):
    # Two orders each month, smaller each month; a cancelled big order in October changes nothing
    c3 = crm.customer("c3")
    for month, amount in ((7, "4000.00"), (8, "3000.00"), (9, "2000.00"), (10, "1999.99")):
        order(c3, dt.date(2026, month, 2), amount)
        order(c3, dt.date(2026, month, 3), amount)
    order(c3, dt.date(2026, 10, 5), "99999.00", status=OrderStatus.CANCELLED)
    assert risk_scan(now=NOW, codes=["R2"]) == {"R2": 1}
    assert Alert.objects.get(rule="R2").details["falling"] == ["amount"]


def test_small_customers_below_the_first_month_minimum_are_ignored(crm):
    monthly(crm.customer("c3"), [4, 3, 2, 1])  # 4,000.00 in July
    company = crm.org.company.pk
    rule_setting_update(
        actor=None, company_id=company, code="R2", params={"min_first_month_amount": "4000.01"}
    )
    assert risk_scan(now=NOW, codes=["R2"]) == {"R2": 0}
    rule_setting_update(
        actor=None, company_id=company, code="R2", params={"min_first_month_amount": "4000.00"}
    )
    assert risk_scan(now=NOW, codes=["R2"]) == {"R2": 1}


def test_r2_is_one_query_however_many_customers(crm):
    assert queries_for(crm, "R2", lambda customers: [monthly(c, [4, 3, 2, 1]) for c in customers]) == [1, 1]


# --- R3 -----------------------------------------------------------------------------------------


def _complain(crm, customer: Customer, day: dt.date) -> Complaint:
    return complaint_record(
        actor=crm.org.users["S1101"],
        customer=customer,
        occurred_on=day,
        category="延误",
        severity="medium",
        description="到货晚了一天",
    )


def test_a_second_complaint_within_90_days_alerts_at_once(crm, django_capture_on_commit_callbacks):
    c1 = crm.customer("c1")
    with clock.frozen_at(NOW):
        # Given a complaint exactly 90 days ago: one complaint, no alert
        with django_capture_on_commit_callbacks(execute=True):
            _complain(crm, c1, TODAY - 90 * DAY)
        assert not Alert.objects.filter(rule="R3").exists()
        # When a second one is recorded today
        with django_capture_on_commit_callbacks(execute=True):
            _complain(crm, c1, TODAY)
    # Then the alert is there without a scan, and the daily scan adds nothing
    alert = Alert.objects.get(rule="R3")
    assert alert.subject_id == str(c1.pk) and c1.name in alert.title
    assert alert.details == {
        "complaints": 2,
        "first_on": "2026-08-20",
        "latest_on": "2026-11-18",
        "window_days": 90,
    }
    assert told(alert) == {"S1101", "S1100"}
    assert risk_scan(now=NOW, codes=["R3"]) == {"R3": 0}


def test_complaints_91_days_apart_do_not_alert(crm, django_capture_on_commit_callbacks):
    c1 = crm.customer("c1")
    with clock.frozen_at(NOW), django_capture_on_commit_callbacks(execute=True):
        _complain(crm, c1, TODAY - 91 * DAY)
        _complain(crm, c1, TODAY)
    assert not Alert.objects.filter(rule="R3").exists()
    assert risk_scan(now=NOW, codes=["R3"]) == {"R3": 0}


def test_r3_is_one_query_however_many_customers(crm):
    def make(customers):
        for c in customers:
            Complaint.objects.create(
                customer=c, occurred_on=TODAY, category="延误", severity="low", description="x"
            )
            Complaint.objects.create(
                customer=c, occurred_on=TODAY - DAY, category="延误", severity="low", description="x"
            )

    assert queries_for(crm, "R3", make) == [1, 1]


# --- R6 -----------------------------------------------------------------------------------------


@pytest.fixture
def key_account(crm):
    """c2 as a key account of long standing, with its main contact since then."""
    c2 = crm.customer("c2")
    Customer.objects.filter(pk=c2.pk).update(is_key_account=True, created_at=NOW - 400 * DAY)
    Contact.objects.create(customer=c2, name="陈总", is_primary=True, created_at=NOW - 400 * DAY)
    return Customer.objects.get(pk=c2.pk)


def test_two_contacts_added_within_30_days_alert_at_once(
    crm, key_account, django_capture_on_commit_callbacks
):
    with clock.frozen_at(NOW), django_capture_on_commit_callbacks(execute=True):
        contact_add(actor=None, customer=key_account, name="新采购")
    assert not Alert.objects.filter(rule="R6").exists()  # one change is not yet a pattern
    with clock.frozen_at(NOW + DAY), django_capture_on_commit_callbacks(execute=True):
        contact_add(actor=None, customer=key_account, name="新财务")
    alert = Alert.objects.get(rule="R6")
    assert alert.subject_id == str(key_account.pk) and key_account.name in alert.title
    assert alert.details == {"added": 2, "removed": 0, "primary_removed": False, "window_days": 30}
    assert told(alert) == {"S1102", "S1100"}
    assert risk_scan(now=NOW + DAY, codes=["R6"]) == {"R6": 0}


def test_removing_the_main_contact_alerts_at_once(crm, key_account, django_capture_on_commit_callbacks):
    primary = key_account.contacts.get()
    with clock.frozen_at(NOW), django_capture_on_commit_callbacks(execute=True):
        contact_remove(actor=None, contact=primary, reason="离职")
    alert = Alert.objects.get(rule="R6")
    assert alert.details["primary_removed"] is True and alert.details["removed"] == 1


def test_changes_exactly_30_days_apart_count_and_31_do_not(crm, key_account):
    added = Contact.objects.create(customer=key_account, name="甲", created_at=NOW - 30 * DAY)
    Contact.objects.create(customer=key_account, name="乙", created_at=NOW - 40 * DAY, removed_at=NOW - DAY)
    assert risk_scan(now=NOW, codes=["R6"]) == {"R6": 1}
    Alert.objects.filter(rule="R6").delete()
    Contact.objects.filter(pk=added.pk).update(created_at=NOW - 30 * DAY - dt.timedelta(seconds=1))
    assert risk_scan(now=NOW, codes=["R6"]) == {"R6": 0}


def test_ordinary_accounts_and_a_new_accounts_first_contacts_are_not_changes(crm, key_account):
    # c1 is not a key account; a new key account gets its two first contacts on its first day
    for name in ("甲", "乙"):
        Contact.objects.create(customer=crm.customer("c1"), name=name, created_at=NOW - DAY)
    new = _customers(crm, 0, 1)[0]
    Customer.objects.filter(pk=new.pk).update(created_at=NOW - 2 * DAY)
    for name in ("丙", "丁"):
        Contact.objects.create(customer=new, name=name, created_at=NOW - 2 * DAY + dt.timedelta(hours=3))
    assert risk_scan(now=NOW, codes=["R6"]) == {"R6": 0}


def test_r6_is_one_query_however_many_customers(crm):
    def make(customers):
        for c in customers:
            Contact.objects.create(customer=c, name="甲", created_at=NOW - DAY)
            Contact.objects.create(customer=c, name="乙", created_at=NOW - 2 * DAY)

    assert queries_for(crm, "R6", make) == [1, 1]


# --- R7 -----------------------------------------------------------------------------------------

QUIET = {  # no contact, no orders, no complaints, nothing overdue
    "last_interaction_on": None,
    "last_order_on": None,
    "orders_90": 0,
    "orders_year": 0,
    "revenue_year": Decimal("0"),
    "amount_recent": Decimal("0"),
    "amount_previous": Decimal("0"),
    "complaints_90": 0,
    "overdue": Decimal("0"),
}


def test_the_health_score_formula():
    assert health_score(QUIET, today=TODAY)[0] == 30  # complaints 15 + receivables 15
    steady = {
        **QUIET,
        "last_interaction_on": TODAY - 9 * DAY,  # 30 × 81/90 = 27
        "last_order_on": TODAY - 20 * DAY,
        "orders_90": 6,  # 12 a year: 2.96 expected in 90 days → full 20
        "orders_year": 12,
        "revenue_year": Decimal("120000"),
        "amount_recent": Decimal("15000"),  # against 30,000 before → 10
        "amount_previous": Decimal("30000"),
        "complaints_90": 2,  # 15 − 10 = 5
        "overdue": Decimal("5000"),  # half a month's revenue overdue → 7.5
    }
    score, parts = health_score(steady, today=TODAY)
    assert parts["recency"] == "27.0" and parts["days_since_contact"] == 9
    assert (parts["frequency"], parts["trend"], parts["complaints"], parts["receivables"]) == (
        "20.0",
        "10.0",
        "5.0",
        "7.5",
    )
    assert score == 70  # 69.5 rounded half up


def _snapshot(customer: Customer, days_ago: int, score: int) -> None:
    HealthSnapshot.objects.create(customer=customer, day=TODAY - days_ago * DAY, score=score)


def test_a_drop_of_exactly_20_points_alerts_and_19_does_not(crm):
    # c3 and c4 have no history: 30 points today; 30 days ago c3 had 50 and c4 had 49
    c3, c4 = crm.customer("c3"), crm.customer("c4")
    _snapshot(c3, 30, 50)
    _snapshot(c4, 30, 49)
    assert risk_scan(now=NOW, codes=["R7"]) == {"R7": 1}
    alert = Alert.objects.get(rule="R7")
    assert alert.subject_id == str(c3.pk) and c3.name in alert.title
    assert (
        alert.details["before_score"] == 50 and alert.details["score"] == 30 and alert.details["drop"] == 20
    )
    assert alert.details["before_day"] == "2026-10-19"
    # Every customer has today's snapshot, once, even after a second scan
    assert risk_scan(now=NOW, codes=["R7"]) == {"R7": 0}
    assert HealthSnapshot.objects.filter(day=TODAY).count() == Customer.objects.count()
    assert HealthSnapshot.objects.get(customer=c3, day=TODAY).score == 30


def test_the_oldest_score_of_the_last_30_days_is_the_one_compared(crm):
    c3, c4 = crm.customer("c3"), crm.customer("c4")
    _snapshot(c3, 31, 90)  # too old to compare with
    _snapshot(c3, 12, 40)  # the oldest within 30 days: 10 points more than today
    _snapshot(c4, 20, 55)
    _snapshot(c4, 5, 31)
    assert risk_scan(now=NOW, codes=["R7"]) == {"R7": 1}
    assert Alert.objects.get(rule="R7").subject_id == str(c4.pk)


def test_a_customer_who_stops_ordering_and_complains_drops(crm):
    # Given c2 ordered every week for a year and was in touch, until 30 days ago
    c2 = crm.customer("c2")
    start = NOW - 30 * DAY
    for week in range(52):
        day = clock.local_date(start) - 7 * week * DAY
        order(c2, day, "2000.00")
        Interaction.objects.create(
            customer=c2,
            employee=crm.org.employees["S1102"],
            channel="call",
            occurred_at=start - 7 * week * DAY,
            created_at=NOW,
        )
    assert risk_scan(now=start, codes=["R7"]) == {"R7": 0}
    assert HealthSnapshot.objects.get(customer=c2, day=clock.local_date(start)).score == 100
    # When a month passes without orders or calls, with a complaint and an overdue statement
    Complaint.objects.create(
        customer=c2, occurred_on=TODAY - 3 * DAY, category="货损", severity="high", description="x"
    )
    Receivable.objects.create(customer=c2, amount=Decimal("8000"), due_on=TODAY - 10 * DAY)
    # Then the daily scan sees the drop
    assert risk_scan(now=NOW, codes=["R7"]) == {"R7": 1}
    alert = Alert.objects.get(rule="R7")
    assert alert.subject_id == str(c2.pk) and alert.details["before_score"] == 100
    assert alert.details["drop"] >= 20
    assert told(alert) == {"S1102", "S1100"}


def test_r7_is_a_fixed_number_of_queries_however_many_customers(crm):
    def make(customers):
        for c in customers:
            order(c, TODAY - 10 * DAY)
            _snapshot(c, 30, 100)

    # PostgreSQL: whether other companies share the database, savepoint, the statement's
    # settings, one statement that scores, stores and compares every customer, release.
    # Elsewhere: savepoint, the figures, the snapshots (one batch), release.
    expected = 5 if connection.vendor == "postgresql" else 4
    assert queries_for(crm, "R7", make) == [expected, expected]
