"""Orders, complaints and pool rules through the API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baton.audit.models import AuditEvent
from baton.core.testing import MatrixCase, assert_matrix
from baton.customers.models import Complaint, Order, Pool, PoolTierRule
from baton.customers.services import complaint_record, order_create

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"
COMPLAINTS = "/api/v1/complaints/"
POOLS = "/api/v1/pools/"


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def new_order(crm, key="c1", **overrides):
    body = {
        "customer": crm.customers[key].pk,
        "number": "SO-2026-0100",
        "order_date": "2026-11-02",
        "route_from": "广州",
        "route_to": "重庆",
        "amount": "4580.5",
        "cargo": "五金件",
    }
    return body | overrides


def an_order(crm, key, number, order_date, **overrides):
    return order_create(
        actor=None,
        customer=crm.customers[key],
        number=number,
        order_date=order_date,
        route_from="深圳",
        route_to="南宁",
        amount=Decimal("2000"),
        **overrides,
    )


# --- Orders ----------------------------------------------------------------------------------


def test_order_list_and_detail_matrix(crm):
    order = Order.objects.get(number="SO-2026-0001")
    assert_matrix(crm.org, MatrixCase(ORDERS, permitted="S1101", no_permission="X0001", api=True))
    assert_matrix(
        crm.org,
        MatrixCase(
            f"{ORDERS}{order.pk}/", permitted="S1101", no_permission="X0001", out_of_scope="S1201", api=True
        ),
    )


def test_order_create_matrix(crm):
    assert_matrix(
        crm.org,
        MatrixCase(
            ORDERS,
            permitted="S1101",
            no_permission="H0001",
            out_of_scope="S1201",  # may create orders, but c1 is not a customer they see
            method="post",
            data=new_order(crm),
            api=True,
            ok_status=201,
        ),
    )


def test_management_views_orders_but_does_not_record_them(crm):
    client = crm.org.client_for("M0001")
    assert client.get(ORDERS).status_code == 200
    assert client.post(ORDERS, new_order(crm), content_type="application/json").status_code == 403


def test_finance_sees_every_order_but_no_customer(crm):
    an_order(crm, "c3", "SO-2026-0200", dt.date(2026, 11, 3))
    client = crm.org.client_for("F0001")
    assert ids(client.get(ORDERS)) == set(Order.objects.values_list("pk", flat=True))
    assert client.get("/api/v1/customers/").status_code == 403


def test_an_order_reaches_whoever_took_it(crm):
    order = an_order(crm, "c3", "SO-2026-0201", dt.date(2026, 11, 3), taken_by=crm.org.employees["S1101"])
    assert order.pk in ids(crm.org.client_for("S1101").get(ORDERS))
    assert crm.org.client_for("S1101").get(f"/api/v1/customers/{crm.customers['c3'].pk}/").status_code == 404


def test_recording_an_order_rounds_the_money_and_moves_the_last_order(crm):
    response = crm.org.client_for("S1101").post(ORDERS, new_order(crm), content_type="application/json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["amount"] == "4580.50"
    assert data["taken_by"]["employee_no"] == "S1101"
    assert data["receivable_owner"]["employee_no"] == "S1101"  # the customer's owner collects
    assert data["customer"] == {"id": crm.customers["c1"].pk, "name": "广州华南精密制造有限公司"}
    assert crm.customer("c1").last_order_at == dt.date(2026, 11, 2)
    event = AuditEvent.objects.filter(action="customers.order_created").latest("seq")
    assert event.actor_label == "S1101" and event.changes["amount"] == "4580.50"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "12.345"}, "amount"),
        ({"amount": "一千"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"number": "SO-2026-0001"}, "number"),
        ({"status": "lost"}, "status"),
        ({"order_date": "2026-13-01"}, "order_date"),
        ({"taken_by": 1}, "taken_by"),
    ],
)
def test_bad_order_input(crm, change, field):
    response = crm.org.client_for("S1101").post(
        ORDERS, new_order(crm, **change), content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_order_filters(crm):
    october = Order.objects.get(number="SO-2026-0001")
    november = an_order(crm, "c1", "SO-2026-0300", dt.date(2026, 11, 5), status="delivered")
    on_c2 = an_order(crm, "c2", "SO-2026-0301", dt.date(2026, 11, 6))
    client = crm.org.client_for("S1100")

    assert ids(client.get(ORDERS)) == {october.pk, november.pk, on_c2.pk}
    assert ids(client.get(ORDERS, {"customer": crm.customers["c2"].pk})) == {on_c2.pk}
    assert ids(client.get(ORDERS, {"status": "delivered"})) == {november.pk}
    assert ids(client.get(ORDERS, {"date_from": "2026-11-01", "date_to": "2026-11-05"})) == {november.pk}
    assert ids(client.get(ORDERS, {"search": "0301"})) == {on_c2.pk}
    numbers = [r["number"] for r in client.get(ORDERS, {"ordering": "order_date"}).json()["results"]]
    assert numbers == ["SO-2026-0001", "SO-2026-0300", "SO-2026-0301"]


# --- Complaints ------------------------------------------------------------------------------


def test_complaint_list_and_detail_matrix(crm):
    complaint = complaint_record(
        actor=None,
        customer=crm.customers["c1"],
        occurred_on=dt.date(2026, 11, 1),
        category="延误",
        severity="medium",
        description="到货晚了一天",
    )
    assert_matrix(crm.org, MatrixCase(COMPLAINTS, permitted="S1101", no_permission="X0001", api=True))
    assert_matrix(
        crm.org,
        MatrixCase(
            f"{COMPLAINTS}{complaint.pk}/",
            permitted="S1101",
            no_permission="X0001",
            out_of_scope="S1201",
            api=True,
        ),
    )


def test_complaint_create_matrix(crm):
    order = Order.objects.get(number="SO-2026-0001")
    assert_matrix(
        crm.org,
        MatrixCase(
            COMPLAINTS,
            permitted="S1101",
            no_permission="H0001",
            out_of_scope="S1201",
            method="post",
            data={
                "customer": crm.customers["c1"].pk,
                "occurred_on": "2026-11-01",
                "category": "货损",
                "severity": "high",
                "description": "两箱配件外包装破损",
                "order": order.pk,
            },
            api=True,
            ok_status=201,
        ),
    )
    complaint = Complaint.objects.get(category="货损")
    assert complaint.order == order
    assert AuditEvent.objects.filter(
        action="customers.complaint_recorded", object_id=str(complaint.pk)
    ).exists()


def test_complaint_refuses_an_order_of_another_customer(crm):
    elsewhere = an_order(crm, "c2", "SO-2026-0400", dt.date(2026, 11, 3))
    response = crm.org.client_for("S1101").post(
        COMPLAINTS,
        {
            "customer": crm.customers["c1"].pk,
            "occurred_on": "2026-11-01",
            "category": "延误",
            "severity": "low",
            "description": "晚到",
            "order": elsewhere.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "order" in response.json()["error"]["fields"]


def test_complaint_filters_and_bad_severity(crm):
    high = complaint_record(
        actor=None,
        customer=crm.customers["c1"],
        occurred_on=dt.date(2026, 11, 1),
        category="货损",
        severity="high",
        description="破损",
    )
    complaint_record(
        actor=None,
        customer=crm.customers["c2"],
        occurred_on=dt.date(2026, 11, 2),
        category="账单",
        severity="low",
        description="发票抬头错误",
    )
    client = crm.org.client_for("S1101")
    assert ids(client.get(COMPLAINTS, {"severity": "high"})) == {high.pk}
    response = client.post(
        COMPLAINTS,
        {
            "customer": crm.customers["c1"].pk,
            "occurred_on": "2026-11-01",
            "category": "延误",
            "severity": "urgent",
            "description": "晚到",
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and "severity" in response.json()["error"]["fields"]


# --- Pools -----------------------------------------------------------------------------------


def test_pool_list_and_detail_matrix(crm):
    assert_matrix(crm.org, MatrixCase(POOLS, permitted="S1101", no_permission="X0001", api=True))
    assert_matrix(
        crm.org,
        MatrixCase(f"{POOLS}{crm.pools['south1'].pk}/", permitted="S1101", no_permission="H0001", api=True),
    )


def test_pool_update_matrix(crm):
    assert_matrix(
        crm.org,
        MatrixCase(
            f"{POOLS}{crm.pools['south1'].pk}/",
            permitted="admin",
            no_permission="S1100",
            method="patch",
            data={"follow_up_days": 21},
            api=True,
        ),
    )


def test_pools_show_their_rules(crm):
    PoolTierRule.objects.create(pool=crm.pools["south1"], tier="large", follow_up_days=15, deal_days=60)
    pools = {p["id"]: p for p in crm.org.client_for("S1101").get(POOLS).json()["results"]}

    south1 = pools[crm.pools["south1"].pk]
    assert south1["kind"] == "team" and south1["team"]["name"] == "华南区工业客户团队"
    assert south1["tier_rules"] == [{"tier": "large", "follow_up_days": 15, "deal_days": 60}]
    assert south1["assignment_rules"][0]["industry"] == "manufacturing"
    assert pools[crm.pools["public"].pk]["kind"] == "public"


def test_pool_rules_change_with_tier_rules_replaced_and_audited(crm):
    pool = crm.pools["south1"]
    PoolTierRule.objects.create(pool=pool, tier="small", follow_up_days=45, deal_days=200)
    response = crm.org.client_for("admin").patch(
        f"{POOLS}{pool.pk}/",
        {
            "follow_up_days": 20,
            "warn_days": 5,
            "claim_limit_per_day": 3,
            "tier_rules": [{"tier": "large", "follow_up_days": 10, "deal_days": 90}],
        },
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["tier_rules"] == [{"tier": "large", "follow_up_days": 10, "deal_days": 90}]
    pool = Pool.objects.get(pk=pool.pk)
    assert (pool.follow_up_days, pool.warn_days, pool.claim_limit_per_day) == (20, 5, 3)
    event = AuditEvent.objects.filter(action="customers.pool_changed").latest("seq")
    assert event.actor_label == "admin"
    assert event.changes["follow_up_days"] == {"before": 30, "after": 20}
    assert event.changes["tier_rules"]["before"] == [["small", 45, 200]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"warn_days": 40}, "warn_days"),  # the warning would come after the return
        ({"follow_up_days": 0}, "follow_up_days"),
        ({"follow_up_days": "thirty"}, "follow_up_days"),
        ({"kind": "public"}, "kind"),
        ({"tier_rules": [{"tier": "giant", "follow_up_days": 10, "deal_days": 90}]}, "tier_rules"),
        (
            {
                "tier_rules": [
                    {"tier": "large", "follow_up_days": 10, "deal_days": 90},
                    {"tier": "large", "follow_up_days": 20, "deal_days": 90},
                ]
            },
            "tier_rules",
        ),
        ({"tier_rules": [{"tier": "large", "follow_up_days": 5, "deal_days": 90}]}, "warn_days"),
    ],
)
def test_bad_pool_rules_are_refused_and_nothing_changes(crm, body, field):
    pool = crm.pools["south1"]
    response = crm.org.client_for("admin").patch(f"{POOLS}{pool.pk}/", body, content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    unchanged = Pool.objects.get(pk=pool.pk)
    assert (unchanged.follow_up_days, unchanged.warn_days) == (30, 7)
    assert not PoolTierRule.objects.filter(pool=pool).exists()


# --- Query counts ----------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"page_size": 100}).status_code == 200
    return len(queries)


def test_commerce_lists_read_in_a_fixed_number_of_queries(crm):
    client = crm.org.client_for("S1100")
    complaint_record(
        actor=None,
        customer=crm.customers["c1"],
        occurred_on=dt.date(2026, 11, 1),
        category="货损",
        severity="high",
        description="破损",
    )
    lists = (ORDERS, COMPLAINTS, POOLS)
    few = {url: _queries(client, url) for url in lists}
    for i in range(15):
        order = an_order(
            crm,
            "c2" if i % 2 else "c1",
            f"SO-Q-{i:03d}",
            dt.date(2026, 11, 1),
            taken_by=crm.org.employees["S1102"],
        )
        complaint_record(
            actor=None,
            customer=order.customer,
            occurred_on=dt.date(2026, 11, 2),
            category="延误",
            severity="low",
            description="晚到",
            order=order,
        )
        PoolTierRule.objects.get_or_create(
            pool=crm.pools["south1" if i % 2 else "south2"],
            tier=("large", "medium", "small")[i % 3],
            defaults={"follow_up_days": 20, "deal_days": 90},
        )
    many = {url: _queries(client, url) for url in lists}

    assert many == few
    assert max(many.values()) <= 10  # pools: two prefetches (tier and assignment rules)
