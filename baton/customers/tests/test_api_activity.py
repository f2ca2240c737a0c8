"""Contacts, interactions, learned facts and follow-up tasks through the API."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baton.audit.models import AuditEvent
from baton.core import clock
from baton.core.testing import MatrixCase, assert_matrix
from baton.customers.models import Contact, CustomerFact, FollowUpTask, Interaction
from baton.customers.services import interaction_record, task_create

pytestmark = pytest.mark.django_db

CONTACTS = "/api/v1/contacts/"
INTERACTIONS = "/api/v1/interactions/"
FACTS = "/api/v1/facts/"
TASKS = "/api/v1/tasks/"


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def record(crm, key="c1", **overrides):
    values = {
        "actor": None,
        "customer": crm.customers[key],
        "channel": "call",
        "occurred_at": clock.now() - dt.timedelta(hours=2),
        "content": "客户每月约 30 车，希望周五前报价",
        "next_step": "周五前报价",
    }
    interaction, _created = interaction_record(**(values | overrides))
    return interaction


def fact(crm, key="c1", **overrides):
    interaction = record(crm, key)
    values = {
        "customer": crm.customers[key],
        "interaction": interaction,
        "kind": "volume",
        "value": {"trucks_per_month": 30},
        "text": "每月约 30 车",
        "evidence": "每月约 30 车",
        "confidence": 85,
        "extractor": "test",
        "created_at": clock.now(),
    }
    return CustomerFact.objects.create(**(values | overrides))


def task(crm, key="c1", assignee="S1101"):
    return task_create(
        actor=None,
        customer=crm.customers[key],
        assignee=crm.org.employees[assignee],
        title="回访确认运力",
        due_at=clock.now() + dt.timedelta(days=2),
    )


# --- Contacts --------------------------------------------------------------------------------


def test_contact_list_and_detail_matrix(crm):
    contact = crm.customers["c1"].contacts.get()
    assert_matrix(crm.org, MatrixCase(CONTACTS, permitted="S1101", no_permission="X0001", api=True))
    assert_matrix(
        crm.org,
        MatrixCase(
            f"{CONTACTS}{contact.pk}/",
            permitted="S1101",
            no_permission="X0001",
            out_of_scope="S1201",
            api=True,
        ),
    )


def test_contact_create_matrix(crm):
    assert_matrix(
        crm.org,
        MatrixCase(
            CONTACTS,
            permitted="S1101",
            no_permission="H0001",
            out_of_scope="S1201",
            method="post",
            data={"customer": crm.customers["c1"].pk, "name": "李青", "phone": "13700001111"},
            api=True,
            ok_status=201,
        ),
    )


def test_contact_remove_matrix(crm):
    contact = crm.customers["c1"].contacts.get()
    assert_matrix(
        crm.org,
        MatrixCase(
            f"{CONTACTS}{contact.pk}/",
            permitted="S1101",
            no_permission="H0001",
            out_of_scope="S1201",
            method="delete",
            api=True,
            ok_status=204,
        ),
    )


def test_contact_reveal_matrix(crm):
    contact = crm.customers["c1"].contacts.get()
    assert_matrix(
        crm.org,
        MatrixCase(
            f"{CONTACTS}{contact.pk}/reveal/",
            permitted="S1101",
            no_permission="M0001",  # management sees customers but may not reveal phones
            out_of_scope="S1201",
            method="post",
            api=True,
        ),
    )


def test_contacts_are_masked_and_reveal_is_audited(crm):
    contact = crm.customers["c1"].contacts.get()
    client = crm.org.client_for("S1101")

    listed = client.get(CONTACTS, {"customer": crm.customers["c1"].pk}).json()["results"]
    assert listed[0]["phone"] == "138****5678"
    assert "13812345678" not in str(listed)

    response = client.post(f"{CONTACTS}{contact.pk}/reveal/")
    assert response.json() == {"phone": "13812345678"}
    event = AuditEvent.objects.filter(action="customers.contact_revealed").latest("seq")
    assert event.actor_label == "S1101" and event.object_id == str(contact.pk)
    assert "13812345678" not in str(event.changes)


def test_contact_create_masks_the_phone_and_refuses_unknown_fields(crm):
    client = crm.org.client_for("S1101")
    bad = client.post(
        CONTACTS,
        {"customer": crm.customers["c1"].pk, "name": "李青", "mobile": "13700001111"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "mobile" in bad.json()["error"]["fields"]

    response = client.post(
        CONTACTS,
        {"customer": crm.customers["c1"].pk, "name": "李青", "phone": "13700001111"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["phone"] == "137****1111"


def test_contact_for_a_customer_out_of_scope_is_not_found_and_nothing_is_added(crm):
    response = crm.org.client_for("S1101").post(
        CONTACTS, {"customer": crm.customers["c3"].pk, "name": "李青"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert not Contact.objects.filter(name="李青").exists()


def test_removed_contact_is_kept_and_listed_only_on_request(crm):
    contact = crm.customers["c1"].contacts.get()
    client = crm.org.client_for("S1101")

    response = client.delete(f"{CONTACTS}{contact.pk}/?reason=已离职")

    assert response.status_code == 204
    contact.refresh_from_db()
    assert contact.removed_at is not None
    assert ids(client.get(CONTACTS)) == set()
    assert ids(client.get(CONTACTS, {"removed": "true"})) == {contact.pk}
    event = AuditEvent.objects.filter(action="customers.contact_removed").latest("seq")
    assert event.changes["reason"] == "已离职" and event.changes["was_primary"] is True
    # Removing again is harmless, and the removed contact still answers by id.
    assert client.delete(f"{CONTACTS}{contact.pk}/").status_code == 204
    assert client.get(f"{CONTACTS}{contact.pk}/").status_code == 200


# --- Interactions ----------------------------------------------------------------------------


def test_interaction_list_and_detail_matrix(crm):
    interaction = record(crm)
    assert_matrix(crm.org, MatrixCase(INTERACTIONS, permitted="S1101", no_permission="X0001", api=True))
    assert_matrix(
        crm.org,
        MatrixCase(
            f"{INTERACTIONS}{interaction.pk}/",
            permitted="S1101",
            no_permission="X0001",
            out_of_scope="S1201",
            api=True,
        ),
    )


def test_interaction_create_matrix(crm):
    assert_matrix(
        crm.org,
        MatrixCase(
            INTERACTIONS,
            permitted="S1101",
            no_permission="H0001",
            out_of_scope="S1201",
            method="post",
            data={
                "customer": crm.customers["c1"].pk,
                "channel": "visit",
                "occurred_at": "2026-11-02T15:00:00+08:00",
                "content": "拜访王经理，谈下季度运力",
            },
            api=True,
            ok_status=201,
        ),
    )


def test_viewing_is_not_enough_to_record_an_interaction(crm):
    response = crm.org.client_for("M0001").post(
        INTERACTIONS,
        {"customer": crm.customers["c1"].pk, "channel": "note", "occurred_at": "2026-11-02T15:00:00+08:00"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_recording_an_interaction_moves_the_last_follow_up(crm):
    contact = crm.customers["c1"].contacts.get()
    response = crm.org.client_for("S1101").post(
        INTERACTIONS,
        {
            "customer": crm.customers["c1"].pk,
            "channel": "call",
            "occurred_at": "2026-11-02T15:00:00",  # read as Asia/Shanghai
            "contact": contact.pk,
            "direction": "out",
            "duration_seconds": 240,
            "content": "电话确认 11 月运量",
            "next_step": "下周一发报价",
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["occurred_at"] == "2026-11-02T15:00:00+08:00"
    assert data["employee"]["employee_no"] == "S1101"
    assert data["contact"] == {"id": contact.pk, "name": "王立"}
    assert crm.customer("c1").last_follow_up_at == dt.datetime(2026, 11, 2, 7, 0, tzinfo=dt.UTC)


def test_an_imported_record_is_recorded_once(crm):
    client = crm.org.client_for("S1101")
    body = {
        "customer": crm.customers["c1"].pk,
        "channel": "email",
        "occurred_at": "2026-11-02T09:00:00+08:00",
        "content": "报价已收到",
        "source_ref": "<msg-1@huanan-precision.example>",
    }
    first = client.post(INTERACTIONS, body, content_type="application/json")
    again = client.post(INTERACTIONS, body, content_type="application/json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Interaction.objects.filter(source_ref=body["source_ref"]).count() == 1


def test_an_import_reference_of_another_customer_reveals_nothing(crm):
    record(crm, "c3", channel="email", source_ref="<msg-9@qianhai.example>", content="机密报价")
    response = crm.org.client_for("S1101").post(
        INTERACTIONS,
        {
            "customer": crm.customers["c1"].pk,
            "channel": "email",
            "occurred_at": "2026-11-02T09:00:00+08:00",
            "source_ref": "<msg-9@qianhai.example>",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "source_ref" in response.json()["error"]["fields"]
    assert "机密报价" not in response.content.decode()


def test_a_contact_of_another_customer_is_refused(crm):
    response = crm.org.client_for("S1101").post(
        INTERACTIONS,
        {
            "customer": crm.customers["c2"].pk,
            "channel": "call",
            "occurred_at": "2026-11-02T09:00:00+08:00",
            "contact": crm.customers["c1"].contacts.get().pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "contact" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"occurred_at": "下周一"}, "occurred_at"),
        ({"duration_seconds": -5}, "duration_seconds"),
        ({"employee": 1}, "employee"),
    ],
)
def test_bad_interaction_input(crm, change, field):
    body = {"customer": crm.customers["c1"].pk, "channel": "call", "occurred_at": "2026-11-02T09:00:00+08:00"}
    response = crm.org.client_for("S1101").post(INTERACTIONS, body | change, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_an_interaction_in_the_future_is_refused(crm):
    later = (clock.now() + dt.timedelta(days=1)).isoformat()
    response = crm.org.client_for("S1101").post(
        INTERACTIONS,
        {"customer": crm.customers["c1"].pk, "channel": "call", "occurred_at": later},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "occurred_at" in response.json()["error"]["fields"]


def test_interaction_filters(crm):
    early = record(crm, channel="wechat", occurred_at=dt.datetime(2026, 10, 1, 2, 0, tzinfo=dt.UTC))
    late = record(crm, channel="call", occurred_at=dt.datetime(2026, 11, 1, 2, 0, tzinfo=dt.UTC))
    on_c2 = record(crm, "c2", employee=crm.org.employees["S1102"])
    client = crm.org.client_for("S1101")

    assert ids(client.get(INTERACTIONS)) == {early.pk, late.pk, on_c2.pk}
    assert ids(client.get(INTERACTIONS, {"customer": crm.customers["c2"].pk})) == {on_c2.pk}
    assert ids(client.get(INTERACTIONS, {"channel": "wechat"})) == {early.pk}
    assert ids(client.get(INTERACTIONS, {"employee": crm.org.employees["S1102"].pk})) == {on_c2.pk}
    window = {"since": "2026-10-15T00:00:00+08:00", "until": "2026-11-15T00:00:00+08:00"}
    assert ids(client.get(INTERACTIONS, window)) == {late.pk}
    # An id outside the scope filters like one that does not exist.
    assert ids(client.get(INTERACTIONS, {"customer": crm.customers["c3"].pk})) == set()


# --- Facts -----------------------------------------------------------------------------------


def test_fact_list_and_detail_matrix(crm):
    learned = fact(crm)
    assert_matrix(crm.org, MatrixCase(FACTS, permitted="S1101", no_permission="X0001", api=True))
    assert_matrix(
        crm.org,
        MatrixCase(
            f"{FACTS}{learned.pk}/", permitted="S1101", no_permission="X0001", out_of_scope="S1201", api=True
        ),
    )


@pytest.mark.parametrize(
    ("verb", "data", "status"),
    [
        ("confirm", None, "confirmed"),
        ("correct", {"text": "每月约 40 车"}, "corrected"),
        ("reject", None, "rejected"),
    ],
)
def test_fact_review_matrix(crm, verb, data, status):
    learned = fact(crm)
    assert_matrix(
        crm.org,
        MatrixCase(
            f"{FACTS}{learned.pk}/{verb}/",
            permitted="S1101",
            no_permission="M0001",  # may view, may not change
            out_of_scope="S1201",
            method="post",
            data=data,
            api=True,
        ),
    )
    learned.refresh_from_db()
    assert learned.status == status
    assert learned.reviewed_by == crm.org.employees["S1101"]
    assert AuditEvent.objects.filter(action="customers.fact_reviewed", object_id=str(learned.pk)).exists()


def test_facts_carry_their_source_and_filter_by_status_and_kind(crm):
    learned = fact(crm)
    other = fact(crm, kind="payment_terms", text="月结 30 天", value={"days": 30})
    client = crm.org.client_for("S1101")

    row = client.get(f"{FACTS}{learned.pk}/").json()
    assert row["source"] == {
        "interaction": learned.interaction.pk,
        "channel": "call",
        "occurred_at": row["source"]["occurred_at"],
    }
    assert row["source"]["occurred_at"].endswith("+08:00")
    assert row["status"] == "suggested" and row["value"] == {"trucks_per_month": 30}

    assert ids(client.get(FACTS, {"kind": "payment_terms"})) == {other.pk}
    client.post(f"{FACTS}{other.pk}/confirm/")
    assert ids(client.get(FACTS, {"status": "confirmed"})) == {other.pk}


def test_correcting_a_fact_needs_the_right_wording(crm):
    learned = fact(crm)
    client = crm.org.client_for("S1101")
    assert (
        client.post(f"{FACTS}{learned.pk}/correct/", {}, content_type="application/json").status_code == 400
    )
    response = client.post(
        f"{FACTS}{learned.pk}/correct/", {"text": "每月约 40 车"}, content_type="application/json"
    )
    assert response.json()["text"] == "每月约 40 车" and response.json()["status"] == "corrected"


def test_confirm_takes_no_input(crm):
    learned = fact(crm)
    response = crm.org.client_for("S1101").post(
        f"{FACTS}{learned.pk}/confirm/", {"status": "rejected"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


# --- Follow-up tasks -------------------------------------------------------------------------


def test_task_list_and_detail_matrix(crm):
    todo = task(crm)
    assert_matrix(crm.org, MatrixCase(TASKS, permitted="S1101", no_permission="X0001", api=True))
    assert_matrix(
        crm.org,
        MatrixCase(
            f"{TASKS}{todo.pk}/", permitted="S1101", no_permission="X0001", out_of_scope="S1201", api=True
        ),
    )


def test_task_create_matrix(crm):
    assert_matrix(
        crm.org,
        MatrixCase(
            TASKS,
            permitted="S1101",
            no_permission="H0001",
            out_of_scope="S1201",
            method="post",
            data={
                "customer": crm.customers["c1"].pk,
                "title": "送样品",
                "due_at": "2026-12-01T10:00:00+08:00",
            },
            api=True,
            ok_status=201,
        ),
    )
    created = FollowUpTask.objects.get(title="送样品")
    assert created.assignee == crm.org.employees["S1101"]


def test_task_complete_matrix(crm):
    todo = task(crm)
    assert_matrix(
        crm.org,
        MatrixCase(
            f"{TASKS}{todo.pk}/complete/",
            permitted="S1101",
            no_permission="M0001",
            out_of_scope="S1201",
            method="post",
            api=True,
        ),
    )
    todo.refresh_from_db()
    assert todo.done_at is not None


def test_task_for_a_colleague_linked_to_an_interaction(crm):
    interaction = record(crm)
    response = crm.org.client_for("S1100").post(
        TASKS,
        {
            "customer": crm.customers["c1"].pk,
            "title": "周五前报价",
            "due_at": "2026-12-04T18:00:00+08:00",
            "assignee": crm.org.employees["S1102"].pk,
            "interaction": interaction.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["assignee"]["employee_no"] == "S1102"
    assert response.json()["interaction"] == interaction.pk


def test_task_refuses_an_interaction_of_another_customer(crm):
    elsewhere = record(crm, "c2")
    response = crm.org.client_for("S1100").post(
        TASKS,
        {
            "customer": crm.customers["c1"].pk,
            "title": "周五前报价",
            "due_at": "2026-12-04T18:00:00+08:00",
            "interaction": elsewhere.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "interaction" in response.json()["error"]["fields"]


def test_open_and_done_tasks(crm):
    open_task, done_task = task(crm), task(crm, "c2", assignee="S1102")
    client = crm.org.client_for("S1101")
    client.post(f"{TASKS}{done_task.pk}/complete/")
    assert ids(client.get(TASKS, {"done": "false"})) == {open_task.pk}
    assert ids(client.get(TASKS, {"done": "true"})) == {done_task.pk}
    assert ids(client.get(TASKS, {"assignee": crm.org.employees["S1102"].pk})) == {done_task.pk}


# --- Query counts ----------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"page_size": 100}).status_code == 200
    return len(queries)


def test_activity_lists_read_in_a_fixed_number_of_queries(crm):
    client = crm.org.client_for("S1101")
    fact(crm)
    task(crm)
    lists = (CONTACTS, INTERACTIONS, FACTS, TASKS)
    few = {url: _queries(client, url) for url in lists}
    for i in range(15):
        learned = fact(crm, "c2" if i % 2 else "c1", text=f"事实{i}")
        learned.reviewed_by = crm.org.employees["S1102"]
        learned.save(update_fields=["reviewed_by"])
        task(crm, "c2", assignee="S1102")
        Contact.objects.create(customer=crm.customers["c2"], name=f"联系人{i}", created_at=clock.now())
    many = {url: _queries(client, url) for url in lists}

    assert many == few
    assert max(many.values()) <= 9
