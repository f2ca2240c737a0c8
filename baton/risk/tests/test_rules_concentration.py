"""R4: too much of the company's revenue rests on one person or one team."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baton.alerts.models import Alert
from baton.customers.models import Customer, Order, OrderStatus
from baton.notifications.models import Notification
from baton.org.models import Employee, EmployeeStatus, TeamRole
from baton.risk import registry
from baton.risk.services import risk_scan

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 18, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 18)
_numbers = itertools.count(1)


def order(
    customer: Customer, amount: str, day: dt.date = dt.date(2026, 6, 1), status: str = "closed"
) -> None:
    Order.objects.create(
        customer=customer,
        number=f"R4-{next(_numbers):06d}",
        order_date=day,
        route_from="广州",
        route_to="上海",
        amount=Decimal(amount),
        status=status,
        created_at=NOW,
    )


def build_revenue(crm, *, c1: str = "7200.00", c3: str = "80000.00", c4: str = "42000.00") -> None:
    """200,000.00 of revenue in the 12 months: S1101 10% (c1 holds 12,800.00 already), S1102 29%,
    S1201 40%, E2001 21%; team south1 39%, south2 40%, east1 21%. Plus what does not count:
    a cancelled order and one of more than 12 months ago."""
    order(crm.customer("c1"), c1)
    order(crm.customer("c2"), "58000.00")
    order(crm.customer("c3"), c3)
    order(crm.customer("c4"), c4)
    order(crm.customer("c1"), "500000.00", status=OrderStatus.CANCELLED)
    order(crm.customer("c1"), "500000.00", day=TODAY - dt.timedelta(days=366))


@pytest.fixture
def revenue(crm):
    build_revenue(crm)
    return crm


def subjects() -> dict[tuple[str, str], Alert]:
    return {(a.subject_type, a.subject_id): a for a in Alert.objects.filter(rule="R4")}


def test_exactly_10_percent_on_one_person_and_40_on_one_team_alert_management_once(revenue):
    crm = revenue
    e, t = crm.org.employees, crm.org.teams
    # When the daily scan runs twice
    assert risk_scan(now=NOW, codes=["R4"]) == {"R4": 5}
    assert risk_scan(now=NOW, codes=["R4"]) == {"R4": 0}
    # Then every person at 10% or more, and the team at 40%, has one alert (south1 at 39% has none)
    found = subjects()
    people = {("org.employee", str(e[no].pk)) for no in ("S1101", "S1102", "S1201", "E2001")}
    assert set(found) == people | {("org.team", str(t["south2"].pk))}
    zhang = found[("org.employee", str(e["S1101"].pk))]
    assert zhang.severity == "high" and zhang.category == "concentration"
    assert zhang.owner_id == e["S1101"].pk and zhang.team_id == t["south1"].pk
    assert zhang.details == {
        "since": "2025-11-18",
        "company_revenue_12m": "200000.00",
        "revenue_12m": "20000.00",
        "share": "0.1000",
        "customers": 1,
    }
    assert "张伟" in zhang.title and "10.00%" in zhang.title
    assert set(
        Notification.objects.filter(key=f"alert:{zhang.pk}").values_list("recipient__employee_no", flat=True)
    ) == {"M0001"}


def test_just_below_the_shares_no_alert(crm):
    # Given S1101 at 9.99% (19,980.00) and south2 at 39.99% (79,980.00) of the same 200,000.00
    build_revenue(crm, c1="7180.00", c3="79980.00", c4="42040.00")
    # Then neither alerts; the other three people still do
    assert risk_scan(now=NOW, codes=["R4"]) == {"R4": 3}
    found = subjects()
    assert ("org.employee", str(crm.org.employees["S1101"].pk)) not in found
    assert ("org.team", str(crm.org.teams["south2"].pk)) not in found


def test_the_figures_match_an_independent_sql_sum(revenue):
    risk_scan(now=NOW, codes=["R4"])
    since = (TODAY - dt.timedelta(days=365)).isoformat()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT SUM(o.amount) FROM customers_order o JOIN customers_customer c ON c.id = o.customer_id "
            "WHERE c.company_id = %s AND o.order_date >= %s AND o.status <> 'cancelled'",
            [revenue.org.company.pk, since],
        )
        (total,) = cursor.fetchone()
        cursor.execute(
            "SELECT 'org.employee', c.owner_id, SUM(o.amount) FROM customers_order o "
            "JOIN customers_customer c ON c.id = o.customer_id "
            "WHERE c.company_id = %s AND o.order_date >= %s AND o.status <> 'cancelled' "
            "AND c.owner_id IS NOT NULL GROUP BY c.owner_id "
            "UNION ALL "
            "SELECT 'org.team', c.team_id, SUM(o.amount) FROM customers_order o "
            "JOIN customers_customer c ON c.id = o.customer_id "
            "WHERE c.company_id = %s AND o.order_date >= %s AND o.status <> 'cancelled' "
            "AND c.team_id IS NOT NULL GROUP BY c.team_id",
            [revenue.org.company.pk, since, revenue.org.company.pk, since],
        )
        rows = cursor.fetchall()
    cents = Decimal("0.01")
    total = Decimal(str(total)).quantize(cents)
    expected = {}
    for kind, pk, amount in rows:
        amount = Decimal(str(amount)).quantize(cents)
        share = (amount / total).quantize(Decimal("0.0001"))
        if share >= Decimal("0.40") or (kind == "org.employee" and share >= Decimal("0.10")):
            expected[(kind, str(pk))] = (str(amount), str(share))
    found = subjects()
    assert {k: (a.details["revenue_12m"], a.details["share"]) for k, a in found.items()} == expected
    assert {a.details["company_revenue_12m"] for a in found.values()} == {str(total)}


def test_r4_is_three_queries_however_many_people(crm):
    rule = registry.get("R4")
    team = crm.org.teams["east1"]
    counts = []
    for first, n in ((0, 2), (2, 8)):
        for i in range(first, first + n):
            emp = Employee.objects.create(
                company=crm.org.company,
                employee_no=f"E29{i:02d}",
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
                region="east",
                industry="trade",
                tier="small",
                pool=crm.pools["east1"],
                team=team,
                owner=emp,
                created_at=NOW,
            )
            order(customer, "1000.00")
        with CaptureQueriesContext(connection) as ctx:
            found = list(rule.scan(company=crm.org.company, now=NOW, params=rule.defaults()))
        counts.append(len(ctx.captured_queries))
        assert found
    assert counts == [3, 3]  # revenue per owner and team, the names of the people and of the team
