"""Interactions keep the customer's history with the company; orders and complaints too."""

import datetime as dt
from decimal import Decimal

import pytest

from baton.core import clock
from baton.core.errors import InvalidInput
from baton.customers.models import Contact, CustomerFact, Interaction
from baton.customers.selectors import customer_profile, monthly_volume
from baton.customers.services import (
    complaint_record,
    fact_review,
    interaction_record,
    order_create,
    task_complete,
    task_create,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


def record(crm, **kw):
    defaults = {
        "actor": crm.org.user("S1101"),
        "customer": crm.customers["c1"],
        "channel": "wechat",
        "occurred_at": NOW - dt.timedelta(hours=1),
        "content": "王经理说下个月要增加2辆冷藏车",
    }
    with clock.frozen_at(NOW):
        return interaction_record(**(defaults | kw))


def test_interaction_updates_last_follow_up(crm):
    interaction, created = record(crm)
    assert created and interaction.employee == crm.org.employees["S1101"]
    assert crm.customer("c1").last_follow_up_at == NOW - dt.timedelta(hours=1)


def test_older_interaction_does_not_move_last_follow_up_back(crm):
    record(crm)
    record(crm, occurred_at=NOW - dt.timedelta(days=10), content="旧记录")
    assert crm.customer("c1").last_follow_up_at == NOW - dt.timedelta(hours=1)


def test_same_source_ref_is_recorded_once(crm):
    first, created = record(crm, source_ref="<msg-1@example>", channel="email")
    again, created_again = record(crm, source_ref="<msg-1@example>", channel="email")
    assert created and not created_again and first.pk == again.pk
    assert Interaction.objects.filter(source_ref="<msg-1@example>").count() == 1


def test_future_interactions_and_foreign_contacts_are_refused(crm):
    with pytest.raises(InvalidInput):
        record(crm, occurred_at=NOW + dt.timedelta(days=1))
    other_contact = Contact.objects.create(customer=crm.customers["c3"], name="x", created_at=NOW)
    with pytest.raises(InvalidInput):
        record(crm, contact=other_contact)


def test_order_amount_is_rounded_to_the_fen_and_dates_the_last_order(crm):
    order = order_create(
        actor=crm.org.user("S1101"),
        customer=crm.customers["c1"],
        number="SO-2",
        order_date=dt.date(2026, 11, 3),
        route_from="广州",
        route_to="武汉",
        amount="1999.995",
    )
    assert order.amount == Decimal("2000.00")
    assert order.receivable_owner == crm.org.employees["S1101"]  # the customer's owner collects
    assert crm.customer("c1").last_order_at == dt.date(2026, 11, 3)


@pytest.mark.parametrize("amount", ["abc", "-5", "0"])
def test_bad_amounts_are_refused(crm, amount):
    with pytest.raises(InvalidInput) as exc:
        order_create(
            actor=None,
            customer=crm.customers["c1"],
            number="SO-X",
            order_date=dt.date(2026, 11, 3),
            route_from="广州",
            route_to="武汉",
            amount=amount,
        )
    assert "amount" in exc.value.fields


def test_duplicate_order_number_is_refused(crm):
    with pytest.raises(InvalidInput) as exc:
        order_create(
            actor=None,
            customer=crm.customers["c1"],
            number="SO-2026-0001",
            order_date=dt.date(2026, 11, 3),
            route_from="广州",
            route_to="武汉",
            amount="10",
        )
    assert "number" in exc.value.fields


def test_monthly_volume_has_every_month(crm):
    series = monthly_volume(customer=crm.customers["c1"], today=dt.date(2026, 11, 20))
    assert len(series) == 12 and series[-1]["month"] == "2026-11"
    october = next(m for m in series if m["month"] == "2026-10")
    assert october == {"month": "2026-10", "orders": 1, "amount": Decimal("12800.00")}


def test_fact_review(crm):
    interaction, _created = record(crm)
    fact = CustomerFact.objects.create(
        customer=crm.customers["c1"],
        interaction=interaction,
        kind="vehicle_request",
        value={"quantity": 2},
        text="增加2辆冷藏车",
        confidence=90,
        extractor="test",
        created_at=NOW,
    )
    corrected = fact_review(actor=crm.org.user("S1100"), fact=fact, status="corrected", text="增加3辆冷藏车")
    assert corrected.text == "增加3辆冷藏车" and corrected.reviewed_by == crm.org.employees["S1100"]
    with pytest.raises(InvalidInput):
        fact_review(actor=crm.org.user("S1100"), fact=fact, status="corrected", text="")


def test_tasks_and_complaints(crm):
    task = task_create(
        actor=crm.org.user("S1100"),
        customer=crm.customers["c1"],
        assignee=crm.org.employees["S1101"],
        title="回访王经理",
        due_at=NOW,
    )
    assert task_complete(actor=crm.org.user("S1101"), task=task).done_at is not None
    complaint = complaint_record(
        actor=None,
        customer=crm.customers["c1"],
        occurred_on=dt.date(2026, 11, 1),
        category="延误",
        severity="high",
        description="货物晚到一天",
    )
    assert complaint.status == "open"


def test_profile_costs_the_same_number_of_queries_however_long_the_history(
    crm, django_assert_max_num_queries
):
    customer = crm.customers["c1"]
    for i in range(3):
        record(crm, content=f"第{i}次沟通")
    with django_assert_max_num_queries(14):
        small = customer_profile(customer=customer)
    for i in range(30):
        record(crm, content=f"第{i}次补充沟通")
        order_create(
            actor=None,
            customer=customer,
            number=f"SO-B{i}",
            order_date=dt.date(2026, 9, 1),
            route_from="广州",
            route_to="长沙",
            amount="100",
        )
    with django_assert_max_num_queries(14):
        large = customer_profile(customer=customer)
    assert len(large["timeline"]) > len(small["timeline"])


def test_a_source_ref_of_another_customer_is_refused_not_returned(crm):
    record(crm, source_ref="<msg-9@example>", channel="email")
    with pytest.raises(InvalidInput) as exc:
        record(crm, source_ref="<msg-9@example>", channel="email", customer=crm.customers["c2"])
    assert exc.value.code == "source_ref_taken"
