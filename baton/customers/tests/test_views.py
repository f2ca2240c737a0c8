"""The customer pages: who may open what, what they see, and what the forms and buttons do."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from baton.audit.models import AuditEvent
from baton.core import clock
from baton.core.testing import MatrixCase, assert_matrix
from baton.customers.models import (
    Complaint,
    Contact,
    Contract,
    Customer,
    CustomerFact,
    FactStatus,
    FollowUpTask,
    Interaction,
    Order,
    OwnershipChange,
    PoolKind,
    Receivable,
)
from baton.customers.services import interaction_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def url(crm, key, suffix=""):
    return f"/customers/{crm.customers[key].pk}/{suffix}"


def contact_of(crm, key):
    return Contact.objects.filter(customer=crm.customers[key]).first()


def make_fact(crm, key="c1", text="每月约40票，广州到上海", kind="volume"):
    customer = crm.customers[key]
    now = clock.now()
    interaction = Interaction.objects.create(
        customer=customer,
        channel="call",
        occurred_at=now - dt.timedelta(days=1),
        content="王经理说每月约40票，广州到上海",
        created_at=now,
    )
    return CustomerFact.objects.create(
        customer=customer,
        interaction=interaction,
        kind=kind,
        value={"shipments_per_month": 40},
        text=text,
        evidence="每月约40票",
        confidence=85,
        extractor="test",
        created_at=now,
    )


def local_input(moment):
    """A time as the browser's datetime-local field sends it (Asia/Shanghai, to the minute)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# --- Who may open what ----------------------------------------------------------------------


def test_list_matrix(crm):
    assert_matrix(crm.org, MatrixCase(url="/customers/", permitted="S1101", no_permission="X0001"))
    assert crm.org.client_for("H0001").get("/customers/").status_code == 403


def test_team_view_matrix(crm):
    assert_matrix(crm.org, MatrixCase(url="/customers/team/", permitted="S1100", no_permission="H0001"))


def test_public_pool_matrix(crm):
    assert_matrix(crm.org, MatrixCase(url="/customers/pool/", permitted="S1101", no_permission="H0001"))
    # Management may see every customer but does not claim, so has no pool page.
    assert crm.org.client_for("M0001").get("/customers/pool/").status_code == 403


def test_create_matrix(crm):
    assert_matrix(crm.org, MatrixCase(url="/customers/new/", permitted="S1101", no_permission="M0001"))


def test_profile_matrix(crm):
    # S1000 heads the South department and sees c3 (team south2); S1101 sees only their own.
    assert_matrix(
        crm.org,
        MatrixCase(url=url(crm, "c3"), permitted="S1000", no_permission="X0001", out_of_scope="S1101"),
    )


def test_missing_customer_is_404_and_out_of_scope_is_audited(crm):
    client = crm.org.client_for("S1101")
    assert client.get("/customers/999999/").status_code == 404
    assert client.get(url(crm, "c3")).status_code == 404
    event = AuditEvent.objects.filter(action="access.denied", actor_label="S1101").latest("seq")
    assert (event.object_id, event.changes["reason"]) == (str(crm.customers["c3"].pk), "out_of_scope")


@pytest.mark.parametrize("suffix", ["interactions/new/", "contacts/new/", "release/", "complaints/new/"])
def test_profile_forms_matrix(crm, suffix):
    # Management may view c3 but not change it; S1101 cannot see it at all.
    assert_matrix(
        crm.org,
        MatrixCase(
            url=url(crm, "c3", suffix), permitted="S1201", no_permission="M0001", out_of_scope="S1101"
        ),
    )


def test_order_form_matrix(crm):
    assert_matrix(
        crm.org,
        MatrixCase(
            url=url(crm, "c3", "orders/new/"), permitted="S1201", no_permission="M0001", out_of_scope="S1101"
        ),
    )


def test_assign_is_for_team_leads_and_above(crm):
    # A salesperson may change their own customers but not hand them out: 403, not a form.
    assert_matrix(
        crm.org,
        MatrixCase(url=url(crm, "c1", "assign/"), permitted="S1100", no_permission="S1101"),
    )
    assert crm.org.client_for("S1100").get(url(crm, "c3", "assign/")).status_code == 404


def test_reveal_matrix(crm):
    contact = contact_of(crm, "c1")
    assert_matrix(
        crm.org,
        MatrixCase(
            url=f"/customers/contacts/{contact.pk}/reveal/",
            method="post",
            permitted="S1101",
            no_permission="M0001",
            out_of_scope="S1201",
        ),
    )


def test_fact_review_matrix(crm):
    fact = make_fact(crm)
    assert_matrix(
        crm.org,
        MatrixCase(
            url=f"/customers/facts/{fact.pk}/review/",
            method="post",
            data={"status": "confirmed"},
            permitted="S1101",
            no_permission="M0001",
            out_of_scope="S1201",
            ok_status=302,
        ),
    )


def test_claim_matrix(crm):
    assert_matrix(
        crm.org,
        MatrixCase(
            url=url(crm, "c5").replace("/customers/", "/customers/pool/") + "claim/",
            method="post",
            permitted="S1101",
            no_permission="H0001",
            ok_status=302,
        ),
    )


def test_claiming_a_customer_no_longer_in_the_pool_says_so_and_leaks_nothing(crm):
    from baton.audit.models import AuditEvent

    client = crm.org.client_for("S1201")
    taken = client.post(f"/customers/pool/{crm.customers['c1'].pk}/claim/", HTTP_HX_REQUEST="true")
    missing = client.post("/customers/pool/999999/claim/", HTTP_HX_REQUEST="true")
    assert taken.status_code == missing.status_code == 200
    assert "no longer in the public pool" in taken.content.decode() or "不在公海" in taken.content.decode()
    assert taken.content.decode().count("<tr") == missing.content.decode().count("<tr")
    assert crm.customer("c1").owner == crm.org.employees["S1101"]
    # The look-up of an existing customer outside the pool is still recorded.
    assert AuditEvent.objects.filter(
        action="access.denied", actor_label="S1201", object_id=str(crm.customers["c1"].pk)
    ).exists()


# --- The list -------------------------------------------------------------------------------


def listed(response):
    return [c.name for c in response.context["customers"]]


def names(crm, *keys):
    return sorted(crm.customers[k].name for k in keys)


def test_salesperson_lists_only_own_and_collaborating_customers(crm):
    response = crm.org.client_for("S1101").get("/customers/")
    assert sorted(listed(response)) == names(crm, "c1", "c2")
    body = response.content.decode()
    assert crm.customers["c3"].name not in body and crm.customers["c5"].name not in body


def test_scopes_widen_with_the_role(crm):
    assert sorted(listed(crm.org.client_for("S1100").get("/customers/"))) == names(crm, "c1", "c2")
    assert sorted(listed(crm.org.client_for("S1000").get("/customers/"))) == names(crm, "c1", "c2", "c3")
    everything = names(crm, "c1", "c2", "c3", "c4", "c5")
    assert sorted(listed(crm.org.client_for("M0001").get("/customers/"))) == everything


def test_list_columns(crm):
    Customer.objects.filter(pk=crm.customers["c1"].pk).update(is_key_account=True)
    body = crm.org.client_for("S1101").get("/customers/").content.decode()
    for text in ("华南区工业客户团队", "张伟", "刘洋", "South China", "Manufacturing", "Large", "2026-10-08"):
        assert text in body
    assert "badge-key" in body


def test_list_search_and_filters(crm):
    client = crm.org.client_for("M0001")
    assert listed(client.get("/customers/", {"q": "前海"})) == [crm.customers["c3"].name]
    assert listed(client.get("/customers/", {"region": "east"})) == [crm.customers["c4"].name]
    by_team = listed(client.get("/customers/", {"team": crm.org.teams["south2"].pk}))
    assert by_team == [crm.customers["c3"].name]


def test_list_htmx_request_gets_the_table_fragment(crm):
    response = crm.org.client_for("S1101").get("/customers/", {"q": "佛山"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and crm.customers["c2"].name in body
    assert response.templates[0].name == "customers/_customer_table.html"
    assert "HX-Request" in response["Vary"]


def test_new_customer_button_only_for_creators(crm):
    assert "/customers/new/" in crm.org.client_for("S1101").get("/customers/").content.decode()
    assert "/customers/new/" not in crm.org.client_for("M0001").get("/customers/").content.decode()


def _more_customers(crm, count, team_key="south1", owner="S1101"):
    now = clock.now()
    Customer.objects.bulk_create(
        [
            Customer(
                company=crm.org.company,
                name=f"测试客户{i:03d}有限公司",
                normalized_name=f"测试客户{i:03d}",
                region="south",
                industry="manufacturing",
                tier="small",
                pool=crm.pools[team_key],
                team=crm.org.teams[team_key],
                owner=crm.org.employees[owner],
                created_at=now,
                last_follow_up_at=now - dt.timedelta(days=i),
            )
            for i in range(count)
        ]
    )


# The scope's collaborations, the total per scope branch and the page's ids (PostgreSQL) included:
# none grows with the rows.
LIST_QUERIES = 14


@pytest.mark.parametrize("path", ["/customers/", "/customers/team/"])
def test_list_and_team_view_query_counts_are_bounded(crm, path, django_assert_max_num_queries):
    client = crm.org.client_for("S1100")
    with django_assert_max_num_queries(LIST_QUERIES):
        assert client.get(path).status_code == 200
    _more_customers(crm, 60)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(path)
    rows = response.context["customers"] if path == "/customers/" else response.context["rows"]
    assert len(rows) == 50


def test_public_pool_query_count_is_bounded(crm, django_assert_max_num_queries):
    client = crm.org.client_for("S1101")
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get("/customers/pool/")
    _more_customers(crm, 60, team_key="south1")
    Customer.objects.filter(name__startswith="测试客户").update(
        pool=crm.pools["public"], team=None, owner=None
    )
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get("/customers/pool/")
    assert len(response.context["customers"]) == 50


# --- Creating a customer ----------------------------------------------------------------------


def create_data(**changes):
    data = {
        "name": "广州白云精工机械有限公司",
        "credit_code": "",
        "region": "south",
        "industry": "manufacturing",
        "tier": "medium",
        "status": "prospect",
        "address": "",
        "source": "展会",
        "contact_name": "陈敏",
        "contact_title": "采购经理",
        "contact_phone": "13912345678",
        "contact_wechat_id": "",
        "contact_email": "",
    }
    return data | changes


def test_create_customer_with_first_contact(crm):
    response = crm.org.client_for("S1101").post("/customers/new/", create_data())
    customer = Customer.objects.get(name="广州白云精工机械有限公司")
    assert response.status_code == 302 and response["Location"] == f"/customers/{customer.pk}/"
    assert customer.team == crm.org.teams["south1"] and customer.owner == crm.org.employees["S1101"]
    contact = customer.contacts.get()
    assert (contact.name, contact.phone_masked, contact.is_primary) == ("陈敏", "139****5678", True)


def test_create_without_contact(crm):
    data = create_data(contact_name="", contact_title="", contact_phone="")
    assert crm.org.client_for("S1101").post("/customers/new/", data).status_code == 302
    assert not Customer.objects.get(name="广州白云精工机械有限公司").contacts.exists()


def test_contact_details_without_a_name_are_refused(crm):
    response = crm.org.client_for("S1101").post("/customers/new/", create_data(contact_name=""))
    assert response.status_code == 200 and response.context["form"].errors["contact_name"]
    assert not Customer.objects.filter(name="广州白云精工机械有限公司").exists()


def test_duplicate_is_refused_with_the_owning_team_named(crm):
    # The same company as c3 (another team's customer): the message names the team, nothing more.
    response = crm.org.client_for("S1101").post(
        "/customers/new/", create_data(name="深圳前海商贸（有限公司）", region="southwest", industry="food")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "seems to exist already" in body and "华南区商贸客户团队" in body
    assert "Possible duplicate." in body
    assert "赵敏" not in body  # the owner is not named
    assert Customer.objects.filter(normalized_name="深圳前海商贸").count() == 1


def test_create_in_another_teams_pool_is_refused(crm):
    response = crm.org.client_for("S1101").post("/customers/new/", create_data(industry="trade"))
    assert response.status_code == 200
    assert "华南区商贸客户团队" in response.content.decode()
    assert not Customer.objects.filter(name="广州白云精工机械有限公司").exists()


# --- The team view ------------------------------------------------------------------------------


def test_team_view_oldest_follow_up_first_with_next_step_and_open_orders(crm):
    lead = crm.org.user("S1100")
    interaction_record(
        actor=lead,
        customer=crm.customers["c1"],
        channel="call",
        occurred_at=clock.now() - dt.timedelta(days=2),
        content="确认11月运量",
        next_step="周五前报价",
    )
    response = crm.org.client_for("S1100").get("/customers/team/")
    rows = response.context["rows"]
    assert [r["customer"].name for r in rows] == names(crm, "c2") + names(crm, "c1")  # never first
    c2_row, c1_row = rows
    assert c2_row["neglected"] and c2_row["days"] is None
    assert (c1_row["customer"].next_step, c1_row["customer"].open_orders, c1_row["days"]) == (
        "周五前报价",
        1,
        2,
    )
    assert not c1_row["neglected"]
    body = response.content.decode()
    assert "周五前报价" in body and "Never" in body and 'class="neglected"' in body
    by_latest = crm.org.client_for("S1100").get("/customers/team/", {"sort": "-follow_up"})
    assert by_latest.context["rows"][0]["customer"].name == crm.customers["c1"].name


def test_team_view_sort_links_swap_the_table(crm):
    response = crm.org.client_for("S1100").get("/customers/team/", {"sort": "name"}, HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "customers/_team_table.html"
    assert 'hx-target="#team-table"' in response.content.decode()


# --- The public pool ------------------------------------------------------------------------------


def test_pool_shows_the_outline_only(crm):
    body = crm.org.client_for("S1101").get("/customers/pool/").content.decode()
    assert crm.customers["c5"].name in body and crm.customers["c1"].name not in body
    assert f"/customers/{crm.customers['c5'].pk}/" not in body  # no link to a profile before claiming
    assert "Claim" in body


def test_claim_from_the_pool_page_with_htmx(crm):
    client = crm.org.client_for("S1101")
    response = client.post(f"/customers/pool/{crm.customers['c5'].pk}/claim/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and "is now yours" in body
    assert crm.customers["c5"].name not in body.split("</ul>", 1)[1]  # gone from the table
    c5 = crm.customer("c5")
    assert (c5.owner, c5.team, c5.pool.kind) == (crm.org.employees["S1101"], crm.org.teams["south1"], "team")
    assert OwnershipChange.objects.filter(customer=c5, kind="claimed").exists()
    assert crm.customers["c5"].name in client.get("/customers/").content.decode()


def test_claim_without_htmx_redirects_back_to_the_pool_with_its_filters(crm):
    response = crm.org.client_for("S1101").post(
        f"/customers/pool/{crm.customers['c5'].pk}/claim/?region=southwest"
    )
    assert response.status_code == 302 and response["Location"] == "/customers/pool/?region=southwest"


def test_claim_limit_shows_as_a_message(crm):
    crm.pools["public"].claim_limit_per_day = 0
    crm.pools["public"].save()
    response = crm.org.client_for("S1101").post(
        f"/customers/pool/{crm.customers['c5'].pk}/claim/", HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "message-error" in body and "daily limit" in body
    assert crm.customer("c5").pool.kind == PoolKind.PUBLIC


# --- The 360° profile -----------------------------------------------------------------------------


def test_profile_shows_the_customer_and_masks_phones(crm):
    response = crm.org.client_for("S1101").get(url(crm, "c1"))
    body = response.content.decode()
    for text in (
        "广州华南精密制造有限公司",
        "张伟",
        "华南区工业客户团队",
        "王立",
        "物流经理",
        "SO-2026-0001",
    ):
        assert text in body
    assert "138****5678" in body and "13812345678" not in body
    assert "Reveal" in body
    assert "12,800.00" in body  # money with thousands separators and two decimals
    assert 'class="watermark"' in body and "S1101" in body


def test_profile_without_reveal_grant_shows_no_reveal_button(crm):
    body = crm.org.client_for("M0001").get(url(crm, "c1")).content.decode()
    assert "138****5678" in body and "/reveal/" not in body
    assert "Record an interaction" not in body  # management views, does not change


def test_profile_volume_chart_is_server_drawn_svg(crm):
    response = crm.org.client_for("S1101").get(url(crm, "c1"))
    chart = response.context["chart"]
    assert len(chart["bars"]) == 12 and chart["total_orders"] == 1
    october = next(b for b in chart["bars"] if b["month"] == "2026-10")
    assert october["orders"] == 1 and float(october["height"]) > 0
    figure = response.content.decode().split('<figure class="volume-chart">')[1].split("</figure>")[0]
    assert figure.count("<rect ") == 12 and "<script" not in figure
    assert "2026-10: 1 order, ¥12,800.00" in figure


def test_profile_lists_open_receivables_total(crm):
    c1 = crm.customers["c1"]
    order = Order.objects.get(customer=c1)
    Receivable.objects.create(
        customer=c1,
        order=order,
        amount=Decimal("12800.00"),
        paid_amount=Decimal("800.00"),
        due_on=dt.date(2026, 12, 1),
    )
    Receivable.objects.create(
        customer=c1, amount=Decimal("99.50"), due_on=dt.date(2026, 12, 15), status="paid"
    )
    response = crm.org.client_for("S1101").get(url(crm, "c1"))
    assert response.context["open_receivable"] == Decimal("12000.00")
    assert "¥12,000.00" in response.content.decode()


def test_reveal_shows_the_number_and_writes_an_audit_event(crm):
    contact = contact_of(crm, "c1")
    response = crm.org.client_for("S1101").post(
        f"/customers/contacts/{contact.pk}/reveal/", HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and "13812345678" in body and "<html" not in body
    event = AuditEvent.objects.get(action="customers.contact_revealed")
    assert (event.actor_label, event.object_id) == ("S1101", str(contact.pk))
    assert "13812345678" not in str(event.changes)


def test_reveal_without_htmx_renders_a_page(crm):
    contact = contact_of(crm, "c1")
    response = crm.org.client_for("S1101").post(f"/customers/contacts/{contact.pk}/reveal/")
    body = response.content.decode()
    assert "<html" in body and "13812345678" in body and 'class="watermark"' in body


# --- Facts --------------------------------------------------------------------------------------


def review(crm, fact, who="S1101", **data):
    return crm.org.client_for(who).post(f"/customers/facts/{fact.pk}/review/", data, HTTP_HX_REQUEST="true")


def test_profile_groups_facts_with_their_source_and_confidence(crm):
    make_fact(crm)
    make_fact(crm, kind="payment_terms", text="月结30天")
    response = crm.org.client_for("S1101").get(url(crm, "c1"))
    groups = {str(g["label"]): [f.text for f in g["facts"]] for g in response.context["fact_groups"]}
    assert groups == {"Payment terms": ["月结30天"], "Volume": ["每月约40票，广州到上海"]}
    body = response.content.decode()
    assert "85% confident" in body and "每月约40票" in body and "Learned from" in body and "Call" in body
    assert body.count(">Confirm</button>") == 2


def test_confirm_a_fact(crm):
    fact = make_fact(crm)
    response = review(crm, fact, status="confirmed")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'id="fact-{fact.pk}"' in body and "Confirmed" in body and "Reviewed by 张伟" in body
    fact.refresh_from_db()
    assert fact.status == FactStatus.CONFIRMED and fact.reviewed_by == crm.org.employees["S1101"]
    assert AuditEvent.objects.filter(action="customers.fact_reviewed", object_id=str(fact.pk)).exists()


def test_correct_a_fact(crm):
    fact = make_fact(crm)
    response = review(crm, fact, status="corrected", text="每月约50票")
    assert "每月约50票" in response.content.decode()
    fact.refresh_from_db()
    assert (fact.status, fact.text) == (FactStatus.CORRECTED, "每月约50票")


def test_correcting_without_the_right_wording_is_refused_on_the_fact(crm):
    fact = make_fact(crm)
    response = review(crm, fact, status="corrected", text="  ")
    body = response.content.decode()
    assert response.status_code == 200 and "Say what is right." in body
    fact.refresh_from_db()
    assert fact.status == FactStatus.SUGGESTED


def test_reject_a_fact_removes_it_from_the_profile(crm):
    fact = make_fact(crm)
    assert "Rejected" in review(crm, fact, status="rejected").content.decode()
    fact.refresh_from_db()
    assert fact.status == FactStatus.REJECTED
    assert response_facts(crm) == []


def response_facts(crm):
    return crm.org.client_for("S1101").get(url(crm, "c1")).context["facts"]


def test_fact_review_without_htmx_goes_back_to_the_profile(crm):
    fact = make_fact(crm)
    response = crm.org.client_for("S1101").post(
        f"/customers/facts/{fact.pk}/review/", {"status": "confirmed"}
    )
    assert response.status_code == 302 and response["Location"] == url(crm, "c1") + "#facts"


# --- Forms on the profile -------------------------------------------------------------------------


def test_recording_an_interaction_moves_the_last_follow_up(crm):
    contact = contact_of(crm, "c1")
    when = (clock.now() - dt.timedelta(hours=3)).replace(second=0, microsecond=0)
    data = {
        "channel": "visit",
        "occurred_at": local_input(when),
        "contact": contact.pk,
        "content": "上门拜访，客户计划12月增加冷链线路",
        "next_step": "下周发冷链报价",
    }
    response = crm.org.client_for("S1101").post(url(crm, "c1", "interactions/new/"), data)
    assert response.status_code == 302 and response["Location"] == url(crm, "c1")
    interaction = Interaction.objects.get(customer=crm.customers["c1"])
    assert (interaction.channel, interaction.contact, interaction.next_step) == (
        "visit",
        contact,
        "下周发冷链报价",
    )
    assert interaction.employee == crm.org.employees["S1101"]
    assert crm.customer("c1").last_follow_up_at == when
    page = crm.org.client_for("S1101").get(url(crm, "c1")).content.decode()
    assert "上门拜访" in page and "下周发冷链报价" in page
    assert timezone.localtime(when).strftime("%Y-%m-%d %H:%M") in page  # shown in Asia/Shanghai


def test_interaction_in_the_future_is_refused_on_the_form(crm):
    data = {"channel": "call", "occurred_at": local_input(clock.now() + dt.timedelta(days=1)), "content": "x"}
    response = crm.org.client_for("S1101").post(url(crm, "c1", "interactions/new/"), data)
    assert response.status_code == 200
    assert "An interaction cannot lie in the future." in response.content.decode()
    assert not Interaction.objects.exists()


def test_interaction_with_another_customers_contact_is_refused(crm):
    other = Contact.objects.create(customer=crm.customers["c2"], name="x", created_at=clock.now())
    data = {"channel": "call", "occurred_at": local_input(clock.now()), "content": "x", "contact": other.pk}
    response = crm.org.client_for("S1101").post(url(crm, "c1", "interactions/new/"), data)
    assert response.status_code == 200 and response.context["form"].errors["contact"]


def test_add_a_contact(crm):
    data = {"name": "李强", "title": "仓库主管", "phone": "13700001111", "email": "", "wechat_id": ""}
    response = crm.org.client_for("S1101").post(url(crm, "c1", "contacts/new/"), data)
    assert response.status_code == 302
    contact = Contact.objects.get(name="李强")
    assert contact.phone_masked == "137****1111" and contact.customer_id == crm.customers["c1"].pk


def test_add_an_order(crm):
    data = {
        "number": "SO-2026-0102",
        "order_date": "2026-11-02",
        "route_from": "广州",
        "route_to": "成都",
        "amount": "123456.78",
        "cargo": "",
        "vehicle_type": "9.6米厢车",
        "status": "open",
    }
    response = crm.org.client_for("S1101").post(url(crm, "c1", "orders/new/"), data)
    assert response.status_code == 302
    order = Order.objects.get(number="SO-2026-0102")
    assert order.amount == Decimal("123456.78") and order.taken_by == crm.org.employees["S1101"]
    assert "123,456.78" in crm.org.client_for("S1101").get(url(crm, "c1")).content.decode()
    again = crm.org.client_for("S1101").post(url(crm, "c1", "orders/new/"), data)
    assert "This order number exists already." in again.content.decode()


def test_record_a_complaint_against_an_order(crm):
    data = {
        "occurred_on": "2026-11-10",
        "category": "晚到",
        "severity": "high",
        "order_number": "SO-2026-0001",
        "description": "货物晚到两天",
    }
    assert crm.org.client_for("S1101").post(url(crm, "c1", "complaints/new/"), data).status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.order.number == "SO-2026-0001" and complaint.severity == "high"
    wrong = crm.org.client_for("S1101").post(
        url(crm, "c1", "complaints/new/"), data | {"order_number": "X-1"}
    )
    assert wrong.status_code == 200 and wrong.context["form"].errors["order_number"]


def test_release_to_the_public_pool(crm):
    client = crm.org.client_for("S1101")
    response = client.post(url(crm, "c1", "release/"), {"reason": "客户业务转移到华东"})
    assert response.status_code == 302 and response["Location"] == "/customers/"
    c1 = crm.customer("c1")
    assert c1.pool.kind == PoolKind.PUBLIC and c1.owner is None
    assert client.get(url(crm, "c1")).status_code == 404  # out of the salesperson's scope now
    refused = crm.org.client_for("S1101").post(url(crm, "c2", "release/"), {"reason": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]


def test_team_lead_assigns_to_a_team_member(crm):
    client = crm.org.client_for("S1100")
    page = client.get(url(crm, "c1", "assign/"))
    owners = {e.employee_no for e in page.context["form"].fields["owner"].queryset}
    assert owners == {"S1100", "S1102"}  # the team, without the current owner
    response = client.post(
        url(crm, "c1", "assign/"), {"owner": crm.org.employees["S1102"].pk, "reason": "调整分工"}
    )
    assert response.status_code == 302
    assert crm.customer("c1").owner == crm.org.employees["S1102"]
    assert "Assign to a team member" in client.get(url(crm, "c2")).content.decode()
    assert "Assign to a team member" not in crm.org.client_for("S1101").get(url(crm, "c1")).content.decode()


# --- Navigation ---------------------------------------------------------------------------------


def menu(crm, who):
    return [item["name"] for item in crm.org.client_for(who).get("/").context["nav_items"]]


def test_menu_entries_follow_the_grants(crm):
    lead = menu(crm, "S1100")
    assert {"customers:customer_list", "customers:team_view", "customers:public_pool"} <= set(lead)
    sales = menu(crm, "S1101")
    assert "customers:customer_list" in sales and "customers:public_pool" in sales
    assert "customers:team_view" not in sales  # own scope only: nothing to oversee
    assert not any(name.startswith("customers:") for name in menu(crm, "H0001"))
    management = menu(crm, "M0001")
    assert "customers:team_view" in management and "customers:public_pool" not in management


# --- Query counts on the profile ----------------------------------------------------------------


def _richer_history(crm, key="c1", n=15):
    customer = crm.customers[key]
    now = clock.now()
    s1101 = crm.org.employees["S1101"]
    interactions = Interaction.objects.bulk_create(
        [
            Interaction(
                customer=customer,
                employee=s1101,
                channel="call",
                occurred_at=now - dt.timedelta(days=i),
                content=f"第{i}次通话",
                next_step="跟进",
                created_at=now,
            )
            for i in range(n)
        ]
    )
    Order.objects.bulk_create(
        [
            Order(
                customer=customer,
                number=f"SO-X-{i}",
                order_date=(now - dt.timedelta(days=20 * i)).date(),
                route_from="广州",
                route_to="上海",
                amount=Decimal("1000.00"),
                taken_by=s1101,
                receivable_owner=s1101,
                created_at=now,
            )
            for i in range(n)
        ]
    )
    for i in range(n):
        Contact.objects.create(
            customer=customer, name=f"联系人{i}", phone_masked="139****0000", created_at=now
        )
        CustomerFact.objects.create(
            customer=customer,
            interaction=interactions[i],
            kind=["volume", "route", "payment_terms"][i % 3],
            value={"i": i},
            text=f"事实{i}",
            confidence=70,
            extractor="test",
            created_at=now,
            status=FactStatus.CONFIRMED if i % 2 else FactStatus.SUGGESTED,
            reviewed_by=s1101 if i % 2 else None,
        )
        Receivable.objects.create(customer=customer, amount=Decimal("10.00"), due_on=now.date(), owner=s1101)
        Complaint.objects.create(
            customer=customer, occurred_on=now.date(), category="晚到", severity="low", description="x"
        )
        FollowUpTask.objects.create(
            customer=customer, assignee=s1101, title=f"任务{i}", due_at=now, created_at=now
        )
        Contract.objects.create(
            customer=customer,
            number=f"HT-{i}",
            title="框架合同",
            starts_on=now.date(),
            ends_on=now.date(),
            owner=s1101,
        )
        OwnershipChange.objects.create(
            customer=customer, kind="transferred", occurred_at=now, from_owner=s1101, to_owner=s1101
        )


PROFILE_QUERIES = 29  # + the header's unread count, R8's access count, the scope's collaborations


def test_profile_query_count_does_not_grow_with_history(crm, django_assert_max_num_queries):
    client = crm.org.client_for("S1100")
    with django_assert_max_num_queries(PROFILE_QUERIES):
        assert client.get(url(crm, "c1")).status_code == 200
    _richer_history(crm)
    with django_assert_max_num_queries(PROFILE_QUERIES):
        response = client.get(url(crm, "c1"))
    assert len(response.context["timeline"]) == 15 and len(response.context["facts"]) == 15
