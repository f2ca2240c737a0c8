"""The public pool (公海): claims with limits, releases, automatic returns with a warning first."""

import datetime as dt

import pytest

from baton.audit.models import AuditEvent
from baton.core import clock
from baton.core.errors import Forbidden, InvalidInput
from baton.customers.models import AssignmentRule, FollowUpTask, OwnershipChange, PoolTierRule
from baton.customers.services import (
    customer_assign,
    customer_claim,
    customer_create,
    customer_release,
    interaction_record,
    pool_returns_run,
    rebalance_preview,
)

pytestmark = pytest.mark.django_db


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


def test_claim_moves_the_customer_into_the_claimers_team(crm):
    customer = customer_claim(actor=crm.org.user("S1201"), customer=crm.customers["c5"])
    assert customer.owner == crm.org.employees["S1201"] and customer.team == crm.org.teams["south2"]
    assert OwnershipChange.objects.filter(customer=customer, kind="claimed").exists()
    assert AuditEvent.objects.filter(action="customers.customer_claimed", actor_label="S1201").exists()


def test_a_customer_outside_the_public_pool_cannot_be_claimed(crm):
    with pytest.raises(InvalidInput) as exc:
        customer_claim(actor=crm.org.user("S1201"), customer=crm.customers["c1"])
    assert exc.value.code == "not_in_public_pool"


def test_daily_claim_limit(crm):
    pool = crm.pools["public"]
    pool.claim_limit_per_day = 2
    pool.save()
    a, b, c = public_customers(crm, 3)
    customer_claim(actor=crm.org.user("S1201"), customer=a)
    customer_claim(actor=crm.org.user("S1201"), customer=b)
    with pytest.raises(InvalidInput) as exc:
        customer_claim(actor=crm.org.user("S1201"), customer=c)
    assert exc.value.code == "claim_limit_reached"


def test_holding_limit(crm):
    pool = crm.pools["public"]
    pool.max_holding = 1  # S1201 holds c3 already
    pool.save()
    with pytest.raises(InvalidInput) as exc:
        customer_claim(actor=crm.org.user("S1201"), customer=crm.customers["c5"])
    assert exc.value.code == "holding_limit_reached"


def test_former_owner_cannot_reclaim_within_the_block(crm):
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    with clock.frozen_at(start):
        customer_release(actor=crm.org.user("S1101"), customer=crm.customers["c1"], reason="客户业务转移")
    with clock.frozen_at(start + dt.timedelta(days=29)), pytest.raises(InvalidInput) as exc:
        customer_claim(actor=crm.org.user("S1101"), customer=crm.customers["c1"])
    assert exc.value.code == "reclaim_blocked"
    with clock.frozen_at(start + dt.timedelta(days=31)):
        assert customer_claim(actor=crm.org.user("S1101"), customer=crm.customers["c1"]).owner_id


def test_release_needs_a_reason(crm):
    with pytest.raises(InvalidInput):
        customer_release(actor=crm.org.user("S1101"), customer=crm.customers["c1"], reason=" ")


def test_people_outside_sales_teams_cannot_claim(crm):
    with pytest.raises(Forbidden):
        customer_claim(actor=crm.org.user("H0001"), customer=crm.customers["c5"])


def test_assign_within_the_team_only(crm):
    customer_assign(
        actor=crm.org.user("S1100"),
        customer=crm.customers["c1"],
        owner=crm.org.employees["S1102"],
        reason="分工调整",
    )
    assert crm.customer("c1").owner == crm.org.employees["S1102"]
    with pytest.raises(InvalidInput):
        customer_assign(
            actor=crm.org.user("S1100"), customer=crm.customers["c1"], owner=crm.org.employees["S1201"]
        )


def test_return_after_follow_up_days_with_a_warning_first(crm):
    pool = crm.pools["south1"]
    pool.follow_up_days, pool.warn_days, pool.deal_days = 30, 7, 365
    pool.save()
    customer = crm.customers["c2"]
    start = customer.owned_since
    # 22 days on: not yet warned; 24 days on: warned once (7 days before day 30).
    assert pool_returns_run(now=start + dt.timedelta(days=22))["warned"] == 0
    assert pool_returns_run(now=start + dt.timedelta(days=24))["warned"] >= 1
    assert pool_returns_run(now=start + dt.timedelta(days=25))["warned"] == 0  # not twice
    task = FollowUpTask.objects.get(customer=customer)
    assert task.assignee == crm.org.employees["S1102"]
    assert (
        AuditEvent.objects.filter(action="customers.return_warned", object_id=str(customer.pk)).count() == 1
    )
    result = pool_returns_run(now=start + dt.timedelta(days=30, seconds=1))
    assert result["returned"] >= 1
    returned = crm.customer("c2")
    assert returned.owner is None and returned.pool == crm.pools["public"]
    assert OwnershipChange.objects.filter(customer=customer, kind="returned").exists()
    assert pool_returns_run(now=start + dt.timedelta(days=31))["returned"] == 0


def test_a_follow_up_resets_the_clock(crm):
    pool = crm.pools["south1"]
    pool.follow_up_days, pool.deal_days = 30, 365
    pool.save()
    customer = crm.customers["c2"]
    start = customer.owned_since
    with clock.frozen_at(start + dt.timedelta(days=20)):
        interaction_record(
            actor=crm.org.user("S1102"),
            customer=customer,
            channel="call",
            occurred_at=start + dt.timedelta(days=20),
            content="沟通下月运力",
        )
    pool_returns_run(now=start + dt.timedelta(days=31))
    assert crm.customer("c2").owner == crm.org.employees["S1102"]  # kept: followed up on day 20
    assert crm.customer("c1").owner is None  # returned: no follow-up in 30 days


def test_tier_rule_overrides_the_pool(crm):
    PoolTierRule.objects.create(pool=crm.pools["south1"], tier="large", follow_up_days=10, deal_days=365)
    start = crm.customers["c2"].owned_since
    assert pool_returns_run(now=start + dt.timedelta(days=10, seconds=1))["returned"] >= 1


def test_rebalance_preview_lists_customers_the_rules_now_send_elsewhere(crm):
    AssignmentRule.objects.filter(pool=crm.pools["south1"]).update(pool=crm.pools["south2"])
    moves = rebalance_preview(company=crm.org.company)
    assert {m["customer"].pk for m in moves} == {crm.customers["c1"].pk, crm.customers["c2"].pk}
    assert all(m["to_pool"] == crm.pools["south2"] for m in moves)
