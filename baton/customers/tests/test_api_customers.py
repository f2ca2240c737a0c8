"""The customer API: scopes, the public pool (公海), ownership moves, the 360° profile, strict input."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baton.audit.models import AuditEvent
from baton.core import clock
from baton.core.testing import MatrixCase, assert_matrix
from baton.customers.models import (
    Contract,
    Customer,
    CustomerCollaborator,
    CustomerFact,
    FollowUpTask,
    OwnershipChange,
    PoolKind,
    PoolTierRule,
    Receivable,
)
from baton.customers.services import customer_create, interaction_record, order_create
from baton.customers.services.identity import credit_code_check_char

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/v1/customers/"
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)

# Session, user, grants, team ids, the customers collaborated on, the count (one per scope branch:
# team pool, owned elsewhere, collaborating elsewhere), the page (its ids, then its rows on
# PostgreSQL) and the session renewal: none grows with the rows.
LIST_QUERIES = 12
PROFILE_QUERIES = 21  # session, user, grants, scope (team ids, collaborations), one query per part
# of the profile, R8's access count and the session renewal


def url(crm, key, suffix=""):
    return f"{CUSTOMERS}{crm.customers[key].pk}/{suffix}"


def listed(crm, response):
    keys = {c.pk: k for k, c in crm.customers.items()}
    return {keys.get(row["id"], row["name"]) for row in response.json()["results"]}


def new_customer(**overrides):
    body = {"name": "东莞长安模具有限公司", "region": "south", "industry": "manufacturing", "tier": "medium"}
    return body | overrides


def credit_code(first17="91440101MA5CXXXX0"):
    return first17 + credit_code_check_char(first17)


def public_customers(crm, n):
    return [
        customer_create(
            actor=None,
            company=crm.org.company,
            name=f"公海客户{i}号有限公司",
            region="southwest",
            industry="other",
            tier="small",
        )
        for i in range(n)
    ]


# --- Permission matrix -----------------------------------------------------------------------


def test_customer_list_matrix(crm):
    assert_matrix(crm.org, MatrixCase(CUSTOMERS, permitted="S1101", no_permission="X0001", api=True))
    assert crm.org.client_for("H0001").get(CUSTOMERS).status_code == 403


def test_customer_detail_matrix(crm):
    assert_matrix(
        crm.org,
        MatrixCase(url(crm, "c1"), permitted="S1101", no_permission="X0001", out_of_scope="S1201", api=True),
    )


def test_customer_create_matrix(crm):
    assert_matrix(
        crm.org,
        MatrixCase(
            CUSTOMERS,
            permitted="S1101",
            no_permission="H0001",
            method="post",
            data=new_customer(),
            api=True,
            ok_status=201,
        ),
    )


def test_customer_update_matrix(crm):
    assert_matrix(
        crm.org,
        MatrixCase(
            url(crm, "c1"),
            permitted="S1101",
            no_permission="H0001",
            out_of_scope="S1201",
            method="patch",
            data={"address": "广州市黄埔区科学大道 8 号"},
            api=True,
        ),
    )


def test_profile_matrix(crm):
    assert_matrix(
        crm.org,
        MatrixCase(
            url(crm, "c1", "profile/"),
            permitted="S1101",
            no_permission="X0001",
            out_of_scope="S1201",
            api=True,
        ),
    )


def test_claim_matrix(crm):
    assert_matrix(
        crm.org,
        MatrixCase(
            url(crm, "c5", "claim/"), permitted="S1201", no_permission="H0001", method="post", api=True
        ),
    )
    # Management sees every customer but does not claim.
    assert crm.org.client_for("M0001").post(url(crm, "c5", "claim/")).status_code == 403


def test_release_matrix(crm):
    assert_matrix(
        crm.org,
        MatrixCase(
            url(crm, "c1", "release/"),
            permitted="S1101",
            no_permission="H0001",
            out_of_scope="S1201",
            method="post",
            data={"reason": "客户业务转到华东"},
            api=True,
        ),
    )


def test_assign_matrix(crm):
    assert_matrix(
        crm.org,
        MatrixCase(
            url(crm, "c1", "assign/"),
            permitted="S1100",
            no_permission="H0001",
            out_of_scope="S1201",
            method="post",
            data={"owner": crm.org.employees["S1102"].pk, "reason": "张伟专注大客户"},
            api=True,
        ),
    )
    assert crm.customer("c1").owner == crm.org.employees["S1102"]


def test_collaborators_matrix(crm):
    assert_matrix(
        crm.org,
        MatrixCase(
            url(crm, "c1", "collaborators/"),
            permitted="S1101",
            no_permission="H0001",
            out_of_scope="S1201",
            method="put",
            data={"employee": crm.org.employees["S1102"].pk, "team_role": "follow_up"},
            api=True,
        ),
    )


def test_public_pool_matrix(crm):
    assert_matrix(
        crm.org, MatrixCase(f"{CUSTOMERS}public-pool/", permitted="S1201", no_permission="H0001", api=True)
    )


def test_team_view_matrix(crm):
    assert_matrix(
        crm.org, MatrixCase(f"{CUSTOMERS}team-view/", permitted="S1100", no_permission="X0001", api=True)
    )


def test_rebalance_preview_matrix(crm):
    assert_matrix(
        crm.org,
        MatrixCase(f"{CUSTOMERS}rebalance-preview/", permitted="admin", no_permission="S1100", api=True),
    )


# --- Scopes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("no", "expected"),
    [
        ("S1101", {"c1", "c2"}),
        ("S1102", {"c2"}),
        ("S1100", {"c1", "c2"}),
        ("S1000", {"c1", "c2", "c3"}),
        ("M0001", {"c1", "c2", "c3", "c4", "c5"}),
    ],
)
def test_each_role_lists_the_customers_of_its_scope(crm, no, expected):
    assert listed(crm, crm.org.client_for(no).get(CUSTOMERS)) == expected


def test_out_of_scope_customer_is_not_found_and_the_attempt_is_audited(crm):
    response = crm.org.client_for("S1101").get(url(crm, "c3"))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    event = AuditEvent.objects.filter(action="access.denied", actor_label="S1101").latest("seq")
    assert event.object_id == str(crm.customers["c3"].pk)
    assert event.changes["reason"] == "out_of_scope"


def test_a_missing_customer_looks_like_an_out_of_scope_one(crm):
    client = crm.org.client_for("S1101")
    missing = client.get(f"{CUSTOMERS}999999/")
    hidden = client.get(url(crm, "c3"))
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()


def test_list_fields_name_team_owner_and_pool(crm):
    row = next(
        r
        for r in crm.org.client_for("S1101").get(CUSTOMERS).json()["results"]
        if r["id"] == crm.customers["c1"].pk
    )
    assert row["team"] == {"id": crm.org.teams["south1"].pk, "name": "华南区工业客户团队"}
    assert row["owner"] == {"id": crm.org.employees["S1101"].pk, "employee_no": "S1101", "name": "张伟"}
    assert row["pool"]["kind"] == "team"
    assert row["last_order_at"] == "2026-10-08"
    assert {"last_follow_up_at", "is_key_account"} <= set(row)


def test_filters_search_and_ordering(crm):
    client = crm.org.client_for("M0001")
    assert listed(crm, client.get(CUSTOMERS, {"region": "east"})) == {"c4"}
    assert listed(crm, client.get(CUSTOMERS, {"team": crm.org.teams["south1"].pk})) == {"c1", "c2"}
    assert listed(crm, client.get(CUSTOMERS, {"search": "前海"})) == {"c3"}
    names = [r["name"] for r in client.get(CUSTOMERS, {"ordering": "-name"}).json()["results"]]
    assert names == sorted(names, reverse=True)


def test_filters_never_widen_the_scope(crm):
    response = crm.org.client_for("S1101").get(CUSTOMERS, {"region": "east"})
    assert response.json()["count"] == 0


@pytest.mark.parametrize("extra", [0, 25])
def test_customer_list_query_count_does_not_grow_with_rows(crm, extra, django_assert_max_num_queries):
    for i in range(extra):
        customer_create(
            actor=None,
            company=crm.org.company,
            name=f"华南测试客户{i}号有限公司",
            region="south",
            industry="manufacturing",
            tier="small",
            owner=crm.org.employees["S1101"],
        )
    client = crm.org.client_for("S1100")
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(CUSTOMERS)
    assert response.json()["count"] == 2 + extra


@pytest.mark.parametrize("extra", [0, 25])
def test_team_view_query_count_does_not_grow_with_rows(crm, extra, django_assert_max_num_queries):
    c1 = crm.customers["c1"]
    for i in range(extra):
        customer = customer_create(
            actor=None,
            company=crm.org.company,
            name=f"华南团队客户{i}号有限公司",
            region="south",
            industry="manufacturing",
            tier="small",
            owner=crm.org.employees["S1102"],
        )
        order_create(
            actor=None,
            customer=customer,
            number=f"SO-T-{i}",
            order_date=dt.date(2026, 11, 1),
            route_from="广州",
            route_to="长沙",
            amount="900",
        )
    interaction_record(
        actor=None,
        customer=c1,
        channel="call",
        occurred_at=clock.now() - dt.timedelta(hours=1),
        content="客户下周要两台 9.6 米车",
        next_step="周一确认车辆",
    )
    client = crm.org.client_for("S1100")
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(f"{CUSTOMERS}team-view/", {"page_size": 100})

    rows = {r["id"]: r for r in response.json()["results"]}
    assert len(rows) == 2 + extra
    assert rows[c1.pk]["next_step"] == "周一确认车辆"
    assert rows[c1.pk]["open_orders"] == 1
    assert rows[crm.customers["c2"].pk]["next_step"] is None


# --- Create and change -----------------------------------------------------------------------


def test_create_places_the_customer_by_the_rules_with_contacts_masked(crm):
    body = new_customer(
        credit_code=credit_code().lower(),
        contacts=[{"name": "陈红", "title": "采购经理", "phone": "13911112222", "is_primary": True}],
        tags=["模具", "月结"],
    )
    response = crm.org.client_for("S1101").post(CUSTOMERS, body, content_type="application/json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["team"]["id"] == crm.org.teams["south1"].pk
    assert data["owner"]["employee_no"] == "S1101"
    assert data["credit_code"] == credit_code()
    customer = Customer.objects.get(pk=data["id"])
    assert customer.contacts.get().phone_masked == "139****2222"
    assert AuditEvent.objects.filter(action="customers.customer_created", object_id=str(customer.pk)).exists()


def test_create_in_another_teams_pool_is_refused(crm):
    response = crm.org.client_for("S1101").post(
        CUSTOMERS, new_customer(industry="trade"), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "outside_scope"
    assert not Customer.objects.filter(name="东莞长安模具有限公司").exists()


def test_duplicate_customer_names_only_the_team(crm):
    response = crm.org.client_for("S1201").post(
        CUSTOMERS,
        new_customer(name="广州华南精密制造（有限公司）", industry="trade"),
        content_type="application/json",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "duplicate_customer"
    assert "华南区工业客户团队" in error["message"]
    assert "张伟" not in str(error) and "S1101" not in str(error)
    assert str(crm.customers["c1"].pk) not in str(error)


def test_duplicate_by_contact_phone(crm):
    body = new_customer(contacts=[{"name": "王立", "phone": "+86 138-1234-5678"}])
    response = crm.org.client_for("S1101").post(CUSTOMERS, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "duplicate_customer"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (new_customer(nmae="拼错"), "nmae"),
        (new_customer(owner_id=1), "owner_id"),
        (new_customer(region="mars"), "region"),
        (new_customer(is_key_account="maybe"), "is_key_account"),
        (new_customer(tags="模具"), "tags"),
        (new_customer(contacts=[{"name": "陈红", "mobile": "13911112222"}]), "contacts"),
        (new_customer(contacts={"name": "陈红"}), "contacts"),
        ({"region": "south", "industry": "manufacturing", "tier": "large"}, "name"),
    ],
)
def test_bad_input_is_refused_with_the_field(crm, body, field):
    response = crm.org.client_for("S1101").post(CUSTOMERS, body, content_type="application/json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert not Customer.objects.filter(name="东莞长安模具有限公司").exists()


def _wrong_check_char(code):
    return code[:17] + ("0" if code[17] != "0" else "1")


@pytest.mark.parametrize("code", ["123", "91440101MA5CXXXXOI", _wrong_check_char(credit_code())])
def test_bad_credit_code_is_refused_with_the_field(crm, code):
    response = crm.org.client_for("S1101").post(
        CUSTOMERS, new_customer(credit_code=code), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "credit_code" in response.json()["error"]["fields"]


def test_not_json_is_a_parse_error(crm):
    response = crm.org.client_for("S1101").post(CUSTOMERS, "{name:", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_patch_changes_details_and_is_audited(crm):
    response = crm.org.client_for("S1101").patch(
        url(crm, "c1"),
        {"is_key_account": True, "status": "active", "credit_code": credit_code()},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["is_key_account"] is True
    customer = crm.customer("c1")
    assert customer.status == "active" and customer.credit_code == credit_code()
    assert AuditEvent.objects.filter(action="customers.customer_changed", object_id=str(customer.pk)).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"owner": 1}, "owner"),
        ({"pool": 1}, "pool"),
        ({"tier": "huge"}, "tier"),
        ({"credit_code": "91440101MA5CXXXX00"}, "credit_code"),
    ],
)
def test_patch_refuses_ownership_fields_and_bad_values(crm, body, field):
    response = crm.org.client_for("S1101").patch(url(crm, "c1"), body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_patch_to_a_duplicate_name_is_refused(crm):
    response = crm.org.client_for("S1100").patch(
        url(crm, "c1"), {"name": "佛山顺丰五金制品有限公司"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "duplicate_customer"


def test_put_on_a_customer_is_not_allowed(crm):
    response = crm.org.client_for("S1101").put(url(crm, "c1"), {}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


# --- The public pool -------------------------------------------------------------------------


def test_public_pool_shows_only_the_outline(crm):
    response = crm.org.client_for("S1201").get(f"{CUSTOMERS}public-pool/")

    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [crm.customers["c5"].pk]
    assert set(rows[0]) == {"id", "name", "region", "industry", "tier", "pool"}


def test_claim_moves_the_customer_out_of_the_public_pool(crm):
    client = crm.org.client_for("S1201")
    response = client.post(url(crm, "c5", "claim/"))

    assert response.status_code == 200, response.json()
    assert response.json()["owner"]["employee_no"] == "S1201"
    assert response.json()["pool"]["kind"] == PoolKind.TEAM
    assert client.get(f"{CUSTOMERS}public-pool/").json()["count"] == 0
    assert crm.customers["c5"].pk in {r["id"] for r in client.get(CUSTOMERS).json()["results"]}
    assert OwnershipChange.objects.filter(customer=crm.customers["c5"], kind="claimed").exists()


def test_claiming_a_customer_outside_the_pool_is_not_found(crm):
    response = crm.org.client_for("S1201").post(url(crm, "c1", "claim/"))

    assert response.status_code == 404
    assert crm.customer("c1").owner == crm.org.employees["S1101"]
    event = AuditEvent.objects.filter(action="access.denied", actor_label="S1201").latest("seq")
    assert event.object_id == str(crm.customers["c1"].pk) and event.changes["reason"] == "out_of_scope"


def test_claim_takes_no_input(crm):
    response = crm.org.client_for("S1201").post(
        url(crm, "c5", "claim/"), {"owner": 1}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "owner" in response.json()["error"]["fields"]


def test_daily_claim_limit(crm):
    pool = crm.pools["public"]
    pool.claim_limit_per_day = 1
    pool.save()
    (other,) = public_customers(crm, 1)
    client = crm.org.client_for("S1201")
    assert client.post(url(crm, "c5", "claim/")).status_code == 200

    response = client.post(f"{CUSTOMERS}{other.pk}/claim/")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "claim_limit_reached"
    assert Customer.objects.get(pk=other.pk).pool.kind == PoolKind.PUBLIC


def test_former_owner_cannot_reclaim_at_once(crm):
    client = crm.org.client_for("S1101")
    released = client.post(
        url(crm, "c1", "release/"), {"reason": "客户暂停发货"}, content_type="application/json"
    )
    assert released.status_code == 200
    assert released.json()["pool"]["kind"] == PoolKind.PUBLIC and released.json()["owner"] is None

    response = client.post(url(crm, "c1", "claim/"))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "reclaim_blocked"


def test_release_needs_a_reason(crm):
    response = crm.org.client_for("S1101").post(
        url(crm, "c1", "release/"), {}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    assert crm.customer("c1").pool.kind == PoolKind.TEAM


def test_assign_to_someone_outside_the_team_is_refused(crm):
    response = crm.org.client_for("S1000").post(
        url(crm, "c1", "assign/"), {"owner": crm.org.employees["S1201"].pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "owner" in response.json()["error"]["fields"]


def test_assign_names_people_only_within_the_callers_scope(crm):
    # A team lead does not see the East team's people: their id looks like a missing one.
    response = crm.org.client_for("S1100").post(
        url(crm, "c1", "assign/"), {"owner": crm.org.employees["E2001"].pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "owner" in response.json()["error"]["fields"]


def test_collaborators_are_set_changed_and_removed(crm):
    client = crm.org.client_for("S1100")
    s1102 = crm.org.employees["S1102"]
    added = client.put(
        url(crm, "c1", "collaborators/"),
        {"employee": s1102.pk, "team_role": "follow_up"},
        content_type="application/json",
    )
    assert added.status_code == 200
    assert added.json() == [
        {"employee": {"id": s1102.pk, "employee_no": "S1102", "name": "刘洋"}, "team_role": "follow_up"}
    ]
    assert crm.customers["c1"].pk in {
        r["id"] for r in crm.org.client_for("S1102").get(CUSTOMERS).json()["results"]
    }

    removed = client.put(
        url(crm, "c1", "collaborators/"),
        {"employee": s1102.pk, "team_role": None},
        content_type="application/json",
    )
    assert removed.json() == []
    assert not CustomerCollaborator.objects.filter(customer=crm.customers["c1"], employee=s1102).exists()
    kinds = set(OwnershipChange.objects.filter(customer=crm.customers["c1"]).values_list("kind", flat=True))
    assert {"collaborator_added", "collaborator_removed"} <= kinds


def test_collaborator_role_is_required_even_when_removing(crm):
    response = crm.org.client_for("S1100").put(
        url(crm, "c1", "collaborators/"),
        {"employee": crm.org.employees["S1102"].pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "team_role" in response.json()["error"]["fields"]


def test_rebalance_preview_lists_customers_the_rules_place_elsewhere(crm):
    rule = crm.pools["south1"].assignment_rules.get()
    rule.pool = crm.pools["east1"]
    rule.save()

    response = crm.org.client_for("admin").get(f"{CUSTOMERS}rebalance-preview/")

    assert response.status_code == 200
    moves = {m["customer"]["id"]: m for m in response.json()}
    assert set(moves) == {crm.customers["c1"].pk, crm.customers["c2"].pk}
    assert moves[crm.customers["c1"].pk]["to_pool"]["id"] == crm.pools["east1"].pk
    assert crm.customer("c1").pool == crm.pools["south1"]  # nothing moved


# --- The 360° profile ------------------------------------------------------------------------


def _history(crm, n):
    """``n`` interactions, orders and facts, and a receivable, contract, complaint and task."""
    c1 = crm.customers["c1"]
    contact = c1.contacts.get()
    s1101 = crm.org.employees["S1101"]
    for i in range(n):
        interaction, _created = interaction_record(
            actor=None,
            customer=c1,
            channel="call" if i % 2 else "wechat",
            occurred_at=NOW - dt.timedelta(days=i + 1),
            content=f"第{i}次沟通",
            contact=contact,
            employee=s1101,
        )
        CustomerFact.objects.create(
            customer=c1,
            interaction=interaction,
            kind="volume",
            value={"n": i},
            text=f"每月约{i + 10}车",
            evidence=f"第{i}次沟通",
            confidence=80,
            extractor="test",
            created_at=NOW,
        )
        order_create(
            actor=None,
            customer=c1,
            number=f"SO-H-{i:03d}",
            order_date=(NOW - dt.timedelta(days=10 * i)).date(),
            route_from="广州",
            route_to="武汉",
            amount=Decimal("1000.50"),
            taken_by=s1101,
        )
    order = c1.orders.first()
    Receivable.objects.create(
        customer=c1,
        order=order,
        amount=Decimal("5000.00"),
        paid_amount=Decimal("1200.25"),
        due_on=dt.date(2026, 12, 1),
        owner=s1101,
    )
    Contract.objects.create(
        customer=c1,
        number="HT-2026-01",
        title="年度运输框架合同",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        amount=Decimal("300000.00"),
        owner=s1101,
    )
    FollowUpTask.objects.create(
        customer=c1, assignee=s1101, title="确认下月运力", due_at=NOW + dt.timedelta(days=3), created_at=NOW
    )
    CustomerCollaborator.objects.create(
        customer=c1, employee=crm.org.employees["S1102"], team_role="follow_up"
    )
    PoolTierRule.objects.create(pool=crm.pools["south1"], tier="large", follow_up_days=20, deal_days=90)


@pytest.mark.parametrize("n", [3, 30])
def test_profile_reads_in_a_bounded_number_of_queries(crm, n, django_assert_max_num_queries):
    with clock.frozen_at(NOW):
        _history(crm, n)
        client = crm.org.client_for("S1101")
        with django_assert_max_num_queries(PROFILE_QUERIES):
            response = client.get(url(crm, "c1", "profile/"))

    assert response.status_code == 200
    data = response.json()
    assert len(data["timeline"]) == n
    assert len(data["orders"]) == min(n + 1, 20)


def test_profile_query_count_is_the_same_for_a_short_and_a_long_history(crm):
    counts = []
    with clock.frozen_at(NOW):
        client = crm.org.client_for("S1101")
        _history(crm, 3)
        for grow in (0, 27):
            _more(crm, grow)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url(crm, "c1", "profile/")).status_code == 200
            counts.append(len(queries))
    assert counts[0] == counts[1]


def _more(crm, n):
    c1 = crm.customers["c1"]
    for i in range(n):
        interaction_record(
            actor=None,
            customer=c1,
            channel="note",
            occurred_at=NOW - dt.timedelta(hours=i + 1),
            content="补充",
        )
        order_create(
            actor=None,
            customer=c1,
            number=f"SO-M-{i:03d}",
            order_date=(NOW - dt.timedelta(days=i)).date(),
            route_from="广州",
            route_to="成都",
            amount="88.8",
        )


def test_profile_shows_money_as_strings_masked_contacts_and_facts_with_their_source(crm):
    with clock.frozen_at(NOW):
        _history(crm, 3)
        data = crm.org.client_for("S1101").get(url(crm, "c1", "profile/")).json()

    assert data["customer"]["id"] == crm.customers["c1"].pk
    assert data["contacts"][0]["phone"] == "138****5678"
    assert "13812345678" not in str(data)
    assert data["collaborators"][0]["employee"]["employee_no"] == "S1102"
    assert data["ownership"][0]["kind"] == "assigned"
    assert data["orders"][0]["amount"] == "1000.50"
    assert data["revenue_12m"] == "15801.50"  # 12800.00 + 3 × 1000.50
    november = next(m for m in data["monthly_volume"] if m["month"] == "2026-11")
    assert november == {"month": "2026-11", "orders": 2, "amount": "2001.00"}
    assert len(data["monthly_volume"]) == 12
    assert data["receivables"][0]["amount"] == "5000.00"
    assert data["receivables"][0]["order"].startswith("SO-")  # the order's number
    assert data["open_receivable"] == "3799.75"
    assert data["contracts"][0]["amount"] == "300000.00" and data["contracts"][0]["has_scan"] is False
    assert data["open_tasks"][0]["title"] == "确认下月运力"
    fact = data["facts"][0]
    source_interaction = CustomerFact.objects.get(pk=fact["id"]).interaction
    assert fact["status"] == "suggested"
    assert fact["source"]["interaction"] == source_interaction.pk
    assert fact["source"]["channel"] == source_interaction.channel
    assert fact["source"]["occurred_at"].endswith("+08:00")
    assert data["timeline"][0]["contact"]["name"] == "王立"


def test_profile_of_an_out_of_scope_customer_is_not_found(crm):
    response = crm.org.client_for("S1101").get(url(crm, "c3", "profile/"))
    assert response.status_code == 404
