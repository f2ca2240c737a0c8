"""The concentration report's figures, its scoping, quarters and stored snapshots.

The data set (on top of the small CRM) for 2026Q3 — revenue window 2025-10-01 to 2026-09-30,
follow-ups measured as of 2026-10-01 00:00 Asia/Shanghai:

- c1 S1101, key, large: 100,000 in the window; 20,000 the day before it, 50,000 cancelled and
  12,800 after the quarter do not count. Only S1101 talked to it in the window (S1102 did just
  after the quarter ended): served by one person.
- c6 S1101, small: 25,000; only S1102 talked to it; last follow-up 2026-08-15 > the 30 days the
  pool allows small customers: lagging.
- c2 S1102: 30,000; S1102 and S1101 talked to it.
- c3 S1201, medium: 60,000 + 5,000 on the window's first day; last follow-up 2025-09-15: lagging.
- c4 E2001, key: 10,000 on the quarter's last day; E2001 talked to it (and an unattributed import).
- c5 in the public pool: 40,000 (company revenue, nobody's row).
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from baton.accounts.models import User
from baton.audit.models import AuditEvent
from baton.core import clock
from baton.core.errors import InvalidInput
from baton.customers.models import Customer, Interaction, Order, OrderStatus, PoolTierRule
from baton.customers.services import customer_create
from baton.org.models import Employee, EmployeeStatus, TeamRole
from baton.risk.models import ReportSnapshot
from baton.risk.report_services import report_snapshot_take, report_snapshots_due
from baton.risk.reports import (
    Quarter,
    concentration_figures,
    concentration_report,
    hhi,
    quarter_of,
    quarter_parse,
)
from baton.risk.tests.helpers import neighbour_customer

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 10, 15, 10, 0, tzinfo=SH)
Q3 = Quarter(2026, 3)


def at(y: int, m: int, d: int, h: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen_at(NOW):
        yield


_numbers = iter(range(1, 10_000))


def order(customer: Customer, day: dt.date, amount: str, status: str = OrderStatus.DELIVERED) -> Order:
    return Order.objects.create(
        customer=customer,
        number=f"T-{next(_numbers):05d}",
        order_date=day,
        route_from="广州",
        route_to="上海",
        amount=Decimal(amount),
        status=status,
        created_at=NOW,
    )


def talk(customer: Customer, employee: Employee | None, moment: dt.datetime) -> None:
    Interaction.objects.create(
        customer=customer, employee=employee, channel="call", occurred_at=moment, created_at=moment
    )


@pytest.fixture
def data(crm):
    return build_data(crm)


def build_data(crm):
    """The data set of the module docstring, on top of the small CRM."""
    org, e = crm.org, crm.org.employees
    c6 = customer_create(
        actor=None,
        company=org.company,
        name="东莞松山湖模具有限公司",
        region="south",
        industry="manufacturing",
        tier="small",
        owner=e["S1101"],
    )
    crm.customers["c6"] = c6
    c = {k: crm.customer(k) for k in ("c1", "c2", "c3", "c4", "c5", "c6")}
    since = at(2024, 1, 1)
    Customer.objects.filter(pk=c["c1"].pk).update(
        is_key_account=True, last_follow_up_at=at(2026, 6, 1), owned_since=since, created_at=since
    )
    Customer.objects.filter(pk=c["c2"].pk).update(last_follow_up_at=at(2026, 7, 2), owned_since=since)
    Customer.objects.filter(pk=c["c3"].pk).update(
        tier="medium", last_follow_up_at=at(2025, 9, 15), owned_since=since
    )
    Customer.objects.filter(pk=c["c4"].pk).update(
        is_key_account=True, last_follow_up_at=None, owned_since=at(2026, 9, 20)
    )
    Customer.objects.filter(pk=c["c6"].pk).update(last_follow_up_at=at(2026, 8, 15), owned_since=since)
    south1 = crm.pools["south1"]
    PoolTierRule.objects.create(pool=south1, tier="large", follow_up_days=180, deal_days=365)
    PoolTierRule.objects.create(pool=south1, tier="small", follow_up_days=30, deal_days=365)

    order(c["c1"], dt.date(2026, 3, 1), "100000.00")
    order(c["c1"], dt.date(2025, 9, 30), "20000.00")
    order(c["c1"], dt.date(2026, 5, 1), "50000.00", OrderStatus.CANCELLED)
    order(c["c6"], dt.date(2026, 4, 1), "25000.00")
    order(c["c2"], dt.date(2026, 8, 1), "30000.00")
    order(c["c3"], dt.date(2026, 1, 15), "60000.00")
    order(c["c3"], dt.date(2025, 10, 1), "5000.00")
    order(c["c4"], dt.date(2026, 9, 30), "10000.00")
    order(c["c5"], dt.date(2026, 2, 1), "40000.00")

    talk(c["c1"], e["S1101"], at(2026, 6, 1))
    talk(c["c1"], e["S1102"], at(2026, 10, 1, 0, 30))  # after the quarter
    talk(c["c6"], e["S1102"], at(2026, 5, 1))
    talk(c["c2"], e["S1102"], at(2026, 7, 1))
    talk(c["c2"], e["S1101"], at(2026, 7, 2))
    talk(c["c3"], e["S1201"], at(2025, 9, 15))  # before the window
    talk(c["c4"], e["E2001"], at(2026, 9, 30, 23, 30))
    talk(c["c4"], None, at(2026, 8, 1))
    return crm


def fresh(user: User) -> User:
    """The user without the per-request caches (grants, scope paths)."""
    return User.objects.get(pk=user.pk)


# --- the figures equal an independent SQL computation -----------------------------------


def sql(query: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


REVENUE_SQL = """
    SELECT c.owner_id, SUM(o.amount) FROM customers_order o
    JOIN customers_customer c ON c.id = o.customer_id
    WHERE c.company_id = %s AND c.owner_id IS NOT NULL AND o.status <> 'cancelled'
      AND o.order_date >= %s AND o.order_date <= %s
    GROUP BY c.owner_id
"""

HHI_SQL = """
    WITH r AS (
        SELECT {group} AS who, SUM(o.amount) AS revenue FROM customers_order o
        JOIN customers_customer c ON c.id = o.customer_id
        JOIN org_employee e ON e.id = c.owner_id
        WHERE c.company_id = %s AND o.status <> 'cancelled' AND o.order_date >= %s AND o.order_date <= %s
        GROUP BY {group}
    )
    SELECT SUM(
        (100.0 * revenue / (SELECT SUM(revenue) FROM r)) * (100.0 * revenue / (SELECT SUM(revenue) FROM r))
    )
    FROM r
"""

# Served by one person: exactly one identified person talked to the customer in the window,
# and it was the owner (a different formulation from the report's EXISTS / NOT EXISTS).
SINGLE_SQL = """
    SELECT c.owner_id, COUNT(*) FROM customers_customer c
    JOIN (
        SELECT customer_id, COUNT(DISTINCT employee_id) AS people, MIN(employee_id) AS who
        FROM customers_interaction
        WHERE employee_id IS NOT NULL AND occurred_at >= %s AND occurred_at < %s
        GROUP BY customer_id
    ) t ON t.customer_id = c.id
    WHERE c.company_id = %s AND t.people = 1 AND t.who = c.owner_id
    GROUP BY c.owner_id
"""


def lagging_sql() -> str:
    last = "COALESCE(c.last_follow_up_at, c.owned_since, c.created_at)"
    limit = "COALESCE(r.follow_up_days, p.follow_up_days)"
    if connection.vendor == "postgresql":
        late = f"(%s::timestamptz - {last}) > make_interval(days => {limit})"
    else:
        late = f"(julianday(%s) - julianday({last})) > {limit}"
    return f"""
        SELECT c.owner_id, COUNT(*) FROM customers_customer c
        JOIN customers_pool p ON p.id = c.pool_id
        LEFT JOIN customers_pooltierrule r ON r.pool_id = c.pool_id AND r.tier = c.tier
        WHERE c.company_id = %s AND c.owner_id IS NOT NULL AND {late}
        GROUP BY c.owner_id
    """


def test_the_figures_equal_an_independent_sql_computation(data):
    org = data.org
    company = org.company.pk
    report = concentration_report(user=fresh(org.users["M0001"]), quarter=Q3)
    first, last = dt.date(2025, 10, 1), dt.date(2026, 9, 30)
    start = connection.ops.adapt_datetimefield_value(Q3.window_start)
    end = connection.ops.adapt_datetimefield_value(Q3.end)
    as_of = connection.ops.adapt_datetimefield_value(Q3.end)

    revenue = {who: money(v) for who, v in sql(REVENUE_SQL, [company, first, last])}
    (company_total,) = sql(
        "SELECT SUM(o.amount) FROM customers_order o JOIN customers_customer c ON c.id = o.customer_id "
        "WHERE c.company_id = %s AND o.status <> 'cancelled' AND o.order_date >= %s AND o.order_date <= %s",
        [company, first, last],
    )[0]
    single = dict(sql(SINGLE_SQL, [start, end, company]))
    lagging = dict(sql(lagging_sql(), [company, as_of]))
    owned = dict(
        sql(
            "SELECT owner_id, COUNT(*) FROM customers_customer "
            "WHERE company_id = %s AND owner_id IS NOT NULL "
            "GROUP BY owner_id",
            [company],
        )
    )
    key = dict(
        sql(
            "SELECT owner_id, COUNT(*) FROM customers_customer "
            "WHERE company_id = %s AND owner_id IS NOT NULL "
            "AND is_key_account = %s GROUP BY owner_id",
            [company, True],
        )
    )
    (hhi_people,) = sql(HHI_SQL.format(group="c.owner_id"), [company, first, last])[0]
    (hhi_teams,) = sql(HHI_SQL.format(group="e.team_id"), [company, first, last])[0]

    assert report.company_revenue == money(company_total) == Decimal("270000.00")
    rows = {line.key: line for line in report.employees}
    assert set(rows) == set(owned)
    for who, line in rows.items():
        assert line.customers == owned[who]
        assert line.key_customers == key.get(who, 0)
        assert line.revenue == revenue.get(who, Decimal("0.00"))
        assert line.share == (line.revenue / money(company_total)).quantize(Decimal("0.0001"))
        assert line.single_served == single.get(who, 0)
        assert line.lagging == lagging.get(who, 0)
    assert abs(report.hhi_employees - Decimal(str(hhi_people))) < Decimal("0.01")
    assert abs(report.hhi_teams - Decimal(str(hhi_teams))) < Decimal("0.01")

    # And what a reader of the data set expects.
    e = org.employees
    s1101 = rows[e["S1101"].pk]
    assert (s1101.customers, s1101.key_customers, s1101.revenue) == (2, 1, Decimal("125000.00"))
    assert s1101.share == Decimal("0.4630") and s1101.single_served == 1 and s1101.lagging == 1
    assert rows[e["S1201"].pk].revenue == Decimal("65000.00") and rows[e["S1201"].pk].lagging == 1
    assert rows[e["E2001"].pk].single_served == 1 and rows[e["E2001"].pk].lagging == 0
    assert (report.total.single_served, report.total.lagging, report.total.key_customers) == (2, 2, 2)
    assert [line.employee_no for line in report.employees] == ["S1101", "S1201", "S1102", "E2001"]
    teams = {t.label: t for t in report.teams}
    assert (
        teams["华南区工业客户团队"].revenue == Decimal("155000.00")
        and teams["华南区工业客户团队"].members == 2
    )
    assert {d.label for d in report.departments} == {"华南区销售部", "华东区销售部"}
    assert report.source == "live" and report.as_of == Q3.end
    assert [p.quarter for p in report.trend] == ["2026Q3"]


def test_another_company_in_the_database_changes_nothing(data):
    # Given the figures of the company alone in the database
    org = data.org
    before = concentration_figures(company_id=org.company.pk, quarter=Q3, now=NOW)
    # When a second company (a subsidiary, say) has customers who order and talk in the window,
    # one of them talked to by the first company's S1101
    stranger = neighbour_customer(created_at=at(2025, 1, 1))
    order(stranger, dt.date(2026, 3, 1), "99999.00")
    talk(stranger, org.employees["S1101"], at(2026, 6, 1))
    # Then the first company's figures are the same
    assert concentration_figures(company_id=org.company.pk, quarter=Q3, now=NOW) == before


def test_hhi_runs_from_spread_to_one_holder():
    assert hhi([Decimal("5")]) == Decimal("10000.00")
    assert hhi([Decimal("1")] * 4) == Decimal("2500.00")
    assert hhi([]) == Decimal("0") and hhi([Decimal("0")]) == Decimal("0")


# --- scoping --------------------------------------------------------------------------------


def test_each_viewer_sees_the_rows_of_their_scope(data):
    org = data.org

    def rows(no: str) -> list[str]:
        report = concentration_report(user=fresh(org.users[no]), quarter=Q3)
        return sorted(line.employee_no for line in report.employees)

    assert rows("M0001") == ["E2001", "S1101", "S1102", "S1201"]
    assert rows("S1000") == ["S1101", "S1102", "S1201"]  # the South department
    assert rows("S1100") == ["S1101", "S1102"]  # the team lead: the team
    assert rows("S1101") == []  # sales hold no grant
    head = concentration_report(user=fresh(org.users["S1000"]), quarter=Q3)
    assert head.company_revenue == Decimal("270000.00")  # shares stay of the company's revenue
    assert head.total.revenue == Decimal("220000.00") and head.total.share == Decimal("0.8148")
    assert {t.label for t in head.teams} == {"华南区工业客户团队", "华南区商贸客户团队"}


def test_the_page_follows_the_grant(data):
    org = data.org
    url = "/risk/reports/concentration/?quarter=2026Q3"
    assert org.client_for("S1101").get(url).status_code == 403
    page = org.client_for("S1000").get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "S1201" in html and "E2001" not in html
    assert "take-snapshot" not in html  # the department head does not store company snapshots
    management = org.client_for("M0001").get(url).content.decode()
    assert "E2001" in management and "take-snapshot" in management and "export-xlsx" in management
    bad = org.client_for("M0001").get("/risk/reports/concentration/?quarter=2026Q7")
    assert bad.status_code == 400 and "2026Q3" in bad.content.decode()


# --- quarters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026Q3", Quarter(2026, 3)), ("2026q1", Quarter(2026, 1)), (" 2025Q4 ", Quarter(2025, 4)), ("", None)],
)
def test_quarters_are_read(text, expected):
    assert quarter_parse(text, now=NOW) == (expected or Quarter(2026, 4))


@pytest.mark.parametrize(
    "text", ["2026Q5", "2026Q0", "26Q3", "2026-Q3", "Q3 2026", "2026Q3x", "1899Q4", "2027Q1"]
)
def test_bad_or_future_quarters_are_refused(text):
    with pytest.raises(InvalidInput) as err:
        quarter_parse(text, now=NOW)
    assert err.value.code == "invalid_quarter" and "quarter" in err.value.fields


def test_quarter_boundaries_are_in_shanghai():
    assert quarter_of(dt.datetime(2026, 9, 30, 15, 59, tzinfo=dt.UTC)) == Quarter(2026, 3)
    assert quarter_of(dt.datetime(2026, 9, 30, 16, 0, tzinfo=dt.UTC)) == Quarter(2026, 4)
    assert Q3.end == dt.datetime(2026, 9, 30, 16, 0, tzinfo=dt.UTC)
    assert Quarter(2026, 1).previous == Quarter(2025, 4) and Quarter(2025, 4).next == Quarter(2026, 1)
    assert Quarter(2026, 1).window_first_day == dt.date(2025, 4, 1)
    assert (Q3.window_first_day, Q3.last_day) == (dt.date(2025, 10, 1), dt.date(2026, 9, 30))


# --- snapshots --------------------------------------------------------------------------------


def test_re_taking_a_quarter_replaces_its_snapshot(data):
    company = data.org.company.pk
    first = report_snapshot_take(company_id=company, quarter="2026Q3", now=clock.now())
    again = report_snapshot_take(company_id=company, quarter=Q3, now=clock.now())
    assert again.pk == first.pk and ReportSnapshot.objects.count() == 1
    events = AuditEvent.objects.filter(action="risk.report_snapshot_taken").order_by("seq")
    assert [ev.changes["replaced"] for ev in events] == [False, True]
    with pytest.raises(InvalidInput):
        report_snapshot_take(company_id=company, quarter=Quarter(2027, 1), now=clock.now())


def test_a_closed_quarter_reads_from_its_snapshot_with_the_same_figures(data):
    org = data.org
    live = concentration_report(user=fresh(org.users["S1000"]), quarter=Q3)
    report_snapshot_take(company_id=org.company.pk, quarter=Q3, now=clock.now())
    report_snapshot_take(company_id=org.company.pk, quarter="2026Q2", now=at(2026, 7, 1, 9))
    Order.objects.all().delete()  # the stored figures no longer depend on the data
    stored = concentration_report(user=fresh(org.users["S1000"]), quarter=Q3)
    assert stored.source == "snapshot"
    assert [line.as_json() for line in stored.employees] == [line.as_json() for line in live.employees]
    assert stored.hhi_employees == live.hhi_employees and stored.hhi_teams == live.hhi_teams
    assert [(p.quarter, p.source) for p in stored.trend] == [("2026Q2", "snapshot"), ("2026Q3", "snapshot")]
    assert "E2001" not in str(stored.as_json())  # the snapshot is read through the viewer's scope


def test_a_snapshot_during_the_quarter_does_not_stand_for_it(data):
    org = data.org
    report_snapshot_take(company_id=org.company.pk, quarter="2026Q4", now=clock.now())
    report = concentration_report(user=fresh(org.users["M0001"]), quarter=Quarter(2026, 4))
    assert report.source == "live"


def test_the_quarterly_job_stores_the_closed_quarter_once(data):
    first_day = at(2026, 10, 1, 8)
    assert report_snapshots_due(now=first_day) == {"taken": 1, "kept": 0}
    assert report_snapshots_due(now=first_day + dt.timedelta(hours=3)) == {"taken": 0, "kept": 1}
    assert report_snapshots_due(now=at(2026, 10, 2, 8)) == {"taken": 0, "kept": 0}
    assert list(ReportSnapshot.objects.values_list("period", flat=True)) == ["2026Q3"]
    call_command(
        "run_due_jobs", "--now", at(2027, 1, 1, 2).isoformat(), "--only", "risk.quarterly_report_snapshot"
    )
    assert list(ReportSnapshot.objects.values_list("period", flat=True)) == ["2026Q3", "2026Q4"]


def test_management_stores_a_quarter_on_demand(data):
    org = data.org
    denied = org.client_for("S1000").post("/risk/reports/concentration/snapshot/", {"quarter": "2026Q3"})
    assert denied.status_code == 403 and not ReportSnapshot.objects.exists()
    done = org.client_for("M0001").post("/risk/reports/concentration/snapshot/", {"quarter": "2026Q3"})
    assert done.status_code == 302 and "quarter=2026Q3" in done["Location"]
    snapshot = ReportSnapshot.objects.get()
    assert snapshot.period == "2026Q3" and len(snapshot.data["employees"]) == 4
    event = AuditEvent.objects.get(action="risk.report_snapshot_taken")
    assert event.actor_id == org.users["M0001"].pk


# --- query counts -----------------------------------------------------------------------------


def _more_owners(crm, count: int) -> None:
    org = crm.org
    team = org.teams["south2"]
    for i in range(count):
        person = Employee.objects.create(
            company=org.company,
            employee_no=f"S19{i:02d}",
            name=f"销售{i}",
            department=org.departments["south"],
            team=team,
            team_role=TeamRole.CUSTOMER_MANAGER,
            hire_date=dt.date(2020, 1, 1),
            status=EmployeeStatus.ACTIVE,
        )
        customer = customer_create(
            actor=None,
            company=org.company,
            name=f"测试客户{i}有限公司",
            region="south",
            industry="trade",
            tier="medium",
            owner=person,
        )
        order(customer, dt.date(2026, 6, 1), "1000.00")
        talk(customer, person, at(2026, 6, 2))


def test_the_report_takes_the_same_queries_for_3_or_12_people(data):
    org = data.org
    report_snapshot_take(company_id=org.company.pk, quarter="2026Q2", now=at(2026, 7, 1, 9))

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            report = concentration_report(user=fresh(org.users["S1000"]), quarter=Q3)
        return len(ctx.captured_queries), len(report.employees)

    few, rows = queries()
    assert rows == 3
    _more_owners(data, 9)
    many, rows = queries()
    assert rows == 12 and many == few


# --- read from the replica ------------------------------------------------------------------------


@contextmanager
def a_replica(monkeypatch):
    """A ``replica`` alias on the test database itself, as a streaming replica would be (same
    rows), so what the report reads there can be told apart from what it reads on the primary."""
    from django.db import connections

    from baton.core import db_router

    replica = type(connections["default"])(dict(connections.settings["default"]), alias="replica")
    connections["replica"] = replica  # a connection made here, not in DATABASES
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    try:
        yield replica
    finally:
        replica.close()
        delattr(connections._connections, "replica")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_report_reads_the_replica_when_there_is_one(data, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    user = fresh(data.org.users["M0001"])
    on_primary = concentration_report(user=user, quarter=Q3).as_json()

    with a_replica(monkeypatch) as replica:
        with CaptureQueriesContext(replica) as there, CaptureQueriesContext(connection) as here:
            on_replica = concentration_report(user=user, quarter=Q3).as_json()
        with transaction.atomic(), CaptureQueriesContext(replica) as inside:
            concentration_report(user=user, quarter=Q3)

    assert on_replica == on_primary and on_replica["employees"]
    big = "customers_interaction"  # the figures' one statement reads the interactions
    assert any(big in (q["sql"] or "") for q in there.captured_queries)
    assert not any(big in (q["sql"] or "") for q in here.captured_queries)
    assert len(inside) == 0  # inside a transaction everything stays on the primary
