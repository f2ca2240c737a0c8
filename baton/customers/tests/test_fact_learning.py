"""Facts are learned from every new interaction after it commits, once, with their source."""

import datetime as dt

import pytest

from baton.audit.models import AuditEvent
from baton.core import clock
from baton.customers.models import CustomerFact
from baton.customers.services import customer_assign, fact_review, facts_extract, interaction_record

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
MESSAGE = "王经理说下个月起每周增加2辆冷藏车，上海到广州，偏好夜间运输，delivery time需提前1天。"


def record(crm, content=MESSAGE, **kw):
    with clock.frozen_at(NOW):
        return interaction_record(
            actor=crm.org.user("S1101"),
            customer=crm.customers["c1"],
            channel="wechat",
            occurred_at=NOW - dt.timedelta(hours=1),
            content=content,
            **kw,
        )


def test_facts_are_learned_after_commit_with_their_source(crm, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        interaction, _created = record(crm)
    facts = {f.kind: f for f in CustomerFact.objects.filter(customer=crm.customers["c1"])}
    assert {"vehicle_request", "route", "time_window", "lead_time"} <= set(facts)
    route = facts["route"]
    assert route.value == {"origin": "上海", "destination": "广州"}
    assert route.interaction == interaction and route.status == "suggested"
    assert "上海" in route.evidence and 0 < route.confidence <= 100
    assert AuditEvent.objects.filter(
        action="customers.fact_learned", object_id=str(crm.customers["c1"].pk)
    ).exists()


def test_a_known_fact_is_not_suggested_twice(crm):
    first, _ = record(crm)
    learned = len(facts_extract(interaction=first))
    second, _ = record(crm, content="再确认一下：上海到广州的线路，偏好夜间运输。", source_ref="again")
    assert learned > 0 and facts_extract(interaction=second) == []


def test_a_rejected_fact_may_come_back_from_new_evidence(crm):
    first, _ = record(crm)
    facts_extract(interaction=first)
    route = CustomerFact.objects.get(customer=crm.customers["c1"], kind="route")
    fact_review(actor=crm.org.user("S1100"), fact=route, status="rejected")
    second, _ = record(crm, content="上海到广州这条线下个月继续走。", source_ref="new-evidence")
    assert [f.kind for f in facts_extract(interaction=second)] == ["route"]


def test_small_talk_teaches_nothing(crm):
    interaction, _ = record(crm, content="好的，收到，谢谢王经理！")
    assert facts_extract(interaction=interaction) == []


def test_facts_stay_with_the_customer_when_the_owner_changes(crm):
    interaction, _ = record(crm)
    learned = facts_extract(interaction=interaction)
    customer_assign(
        actor=crm.org.user("S1100"), customer=crm.customers["c1"], owner=crm.org.employees["S1102"]
    )
    assert CustomerFact.objects.filter(customer=crm.customers["c1"]).count() == len(learned) > 0
