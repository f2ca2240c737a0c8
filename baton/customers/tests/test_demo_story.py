"""The demo company's customers tell the story Baton exists for.

S1101 张伟 holds about 15% of the revenue, his big accounts are drifting away, he has almost
stopped logging his work and asks a customer to move to his private WeChat; the company still
has the customers, their history and what was learned from it.

``seed_demo`` runs once for the whole module (about 15 s) inside a transaction that is rolled
back at the end, so the other test modules still start from an empty database.
"""

import datetime as dt
import io
from collections import Counter
from decimal import Decimal
from itertools import pairwise
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.test import override_settings

from baton.audit.models import AuditEvent
from baton.audit.selectors import audit_verify
from baton.core import clock, crypto
from baton.core.errors import InvalidInput
from baton.core.masking import mask_phone
from baton.customers.demo import (
    FACTS_AVAILABLE,
    NEW_LEADS,
    PRIVATE_WECHAT,
    company_identities,
    names_digest,
)
from baton.customers.models import (
    Complaint,
    Contact,
    Customer,
    Interaction,
    InteractionChannel,
    Order,
    OrderStatus,
    PoolKind,
    Receivable,
    ReceivableStatus,
    Tier,
)
from baton.customers.selectors import customer_profile, monthly_volume
from baton.customers.services import pool_returns_run, rebalance_preview
from baton.customers.services.identity import validate_credit_code
from baton.org.models import Employee, TeamRole

pytestmark = pytest.mark.django_db

SEED = 2026
YEAR = dt.timedelta(days=365)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo company, seeded once at a fixed moment; rolled back after the module."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        now = clock.now()
        with clock.frozen_at(now):
            call_command("seed_demo", "--seed", str(SEED), stdout=io.StringIO())
        s1101 = Employee.objects.get(employee_no="S1101")
        yield SimpleNamespace(now=now, today=now.date(), s1101=s1101, company=s1101.company)
        transaction.set_rollback(True)


def _revenue(orders):
    return orders.exclude(status=OrderStatus.CANCELLED).aggregate(t=Sum("amount"))["t"] or Decimal("0")


def test_about_three_thousand_customers_sit_where_the_rules_put_them(demo):
    customers = Customer.objects.filter(company=demo.company)
    total = customers.count()
    assert 2500 <= total <= 3500
    share = {
        "public": customers.filter(pool__kind=PoolKind.PUBLIC).count() / total,
        "large": customers.filter(tier=Tier.LARGE).count() / total,
        "medium": customers.filter(tier=Tier.MEDIUM).count() / total,
        "key": customers.filter(is_key_account=True).count() / total,
    }
    assert 0.06 <= share["public"] <= 0.10
    assert 0.08 <= share["large"] <= 0.12
    assert 0.26 <= share["medium"] <= 0.34
    assert 0.03 <= share["key"] <= 0.07
    # Team customers are in the pool the assignment rules give them, owned by a customer manager
    # of that team; public-pool customers have no owner and no team.
    assert rebalance_preview(company=demo.company) == []
    owned = customers.filter(owner__isnull=False)
    assert not owned.exclude(owner__team_role=TeamRole.CUSTOMER_MANAGER).exists()
    assert not owned.exclude(owner__team=F("team")).exists()
    assert not customers.filter(pool__kind=PoolKind.PUBLIC).filter(
        Q(owner__isnull=False) | Q(team__isnull=False)
    )
    # Realistic registered names, mostly with a valid unified social credit code.
    assert all(c.name.endswith("公司") for c in customers.only("name"))
    codes = [c for c in customers.values_list("credit_code", flat=True) if c]
    assert len(codes) >= 0.85 * total
    for code in codes:
        assert validate_credit_code(code) == code
    # One to three contacts each.
    per_customer = Counter(
        Contact.objects.values("customer").annotate(n=Count("id")).values_list("n", flat=True)
    )
    assert set(per_customer) <= {1, 2, 3} and sum(per_customer.values()) == total
    # The seeding day's leads came through customer_create.
    assert customers.filter(created_at__gte=demo.now).count() == NEW_LEADS


def test_s1101_brings_about_15_percent_of_the_revenue_of_the_last_12_months(demo):
    window = Order.objects.filter(order_date__gte=demo.today - YEAR)
    his = _revenue(window.filter(customer__owner=demo.s1101))
    share = his / _revenue(window)
    assert Decimal("0.13") <= share <= Decimal("0.17")
    # Money is Decimal to the fen, and all orders fall in the 12 months up to today.
    assert not Order.objects.filter(Q(order_date__gt=demo.today) | Q(order_date__lt=demo.today - YEAR))
    assert window.first().amount.as_tuple().exponent == -2


def test_several_of_s1101s_large_accounts_order_less_each_of_the_last_three_months(demo):
    declining = []
    for customer in Customer.objects.filter(owner=demo.s1101, tier=Tier.LARGE):
        months = monthly_volume(customer=customer, today=demo.today)[-4:]
        counts = [m["orders"] for m in months]
        amounts = [m["amount"] for m in months]
        if all(a > b for a, b in pairwise(counts)) and all(a > b for a, b in pairwise(amounts)):
            declining.append(customer)
    assert len(declining) >= 3


def test_s1101_goes_from_five_interactions_a_week_to_one(demo):
    his = Interaction.objects.filter(employee=demo.s1101)
    weeks_before = his.filter(
        occurred_at__gte=demo.now - dt.timedelta(weeks=10), occurred_at__lt=demo.now - dt.timedelta(weeks=2)
    ).count()
    last_two_weeks = his.filter(occurred_at__gte=demo.now - dt.timedelta(weeks=2)).count()
    assert 4 <= weeks_before / 8 <= 6
    assert 0.5 <= last_two_weeks / 2 <= 1.5
    # Only on his own customers.
    assert not his.exclude(customer__owner=demo.s1101).exists()


def test_one_message_asks_a_customer_to_move_to_his_private_wechat(demo):
    found = Interaction.objects.filter(content__contains=PRIVATE_WECHAT)
    assert found.count() == 1
    message = found.select_related("customer").get()
    assert message.channel == InteractionChannel.WECHAT and message.direction == "out"
    assert message.employee_id == demo.s1101.pk and message.customer.owner_id == demo.s1101.pk
    assert message.occurred_at >= demo.now - dt.timedelta(weeks=2)
    assert len(message.content) > len(PRIVATE_WECHAT) + 20  # inside a real message


@pytest.mark.skipif(not FACTS_AVAILABLE, reason="the fact extractor is not in this tree")
def test_profiles_of_s1101s_customers_show_learned_facts_with_their_source(demo):
    with_facts = 0
    kinds = set()
    for customer in Customer.objects.filter(owner=demo.s1101):
        facts = customer_profile(customer=customer)["facts"]
        sourced = [
            f
            for f in facts
            if f.interaction is not None
            and f.interaction.customer_id == customer.pk
            and f.evidence
            and f.evidence in f.interaction.content
        ]
        with_facts += bool(sourced)
        kinds |= {f.kind for f in sourced}
    assert with_facts >= 1
    assert {"route", "decision_maker", "payment_terms"} <= kinds


def test_the_audit_chain_verifies_and_counts_the_bulk_history(demo):
    assert audit_verify().ok
    batch = AuditEvent.objects.get(action="customers.interactions_bulk_created")
    assert batch.changes["count"] <= Interaction.objects.count()  # + the facts' and leads' own
    assert AuditEvent.objects.filter(action="customers.customer_created").count() == Customer.objects.count()
    assert AuditEvent.objects.filter(action="customers.contact_added").count() == Contact.objects.count()


def test_the_same_seed_gives_the_same_customer_names(demo):
    first = company_identities(seed=SEED, count=3000)
    again = company_identities(seed=SEED, count=3000)
    assert names_digest(first) == names_digest(again)
    assert names_digest(company_identities(seed=SEED + 1, count=3000)) != names_digest(first)
    assert len({i.name for i in first}) == 3000
    # The database holds exactly the generated companies.
    assert set(Customer.objects.values_list("name", flat=True)) == {i.name for i in first}


def test_customer_dates_agree_with_their_history(demo):
    customers = Customer.objects.annotate(
        last_touch=Max("interactions__occurred_at"), last_order=Max("orders__order_date")
    )
    for c in customers:
        assert c.last_follow_up_at == c.last_touch, c.name
        assert c.last_order_at == c.last_order, c.name
        assert (c.owned_since is not None) == (c.owner_id is not None), c.name
        assert c.created_at <= demo.now + dt.timedelta(minutes=5)
    assert not Interaction.objects.filter(
        Q(occurred_at__gt=demo.now) | Q(occurred_at__lt=demo.now - dt.timedelta(days=366))
    )
    # Nobody's customers are overdue for the public pool; a few owners get a warning.
    outcome = pool_returns_run(now=demo.now)
    assert outcome["returned"] == 0
    assert 0 < outcome["warned"] < 150


def test_contacts_keep_phones_like_contact_add_does(demo):
    hashes = list(Contact.objects.values_list("phone_hash", flat=True))
    assert len(hashes) == len(set(hashes))
    for contact in Contact.objects.order_by("id")[:: max(1, len(hashes) // 50)]:
        phone = crypto.decrypt(contact.phone_encrypted, associated="contact.phone")
        assert phone[:2] in ("13", "15", "18") and len(phone) == 11
        assert contact.phone_hash == crypto.keyed_hash(phone)
        assert contact.phone_masked == mask_phone(phone)


def test_a_year_of_logistics_business(demo):
    texts = "\n".join(Interaction.objects.values_list("content", flat=True)[:5000])
    for phrase in ("→", "冷藏车", "夜间运输", "月结30天", "拍板", "月度报表", "9.6米厢式货车"):
        assert phrase in texts, phrase
    channels = set(Interaction.objects.values_list("channel", flat=True).distinct())
    assert channels == set(InteractionChannel.values)
    overdue = Receivable.objects.filter(status=ReceivableStatus.OPEN, due_on__lt=demo.today)
    assert 0 < overdue.count() < Receivable.objects.count() / 10
    assert {"延误", "货损", "账单错误"} <= set(Complaint.objects.values_list("category", flat=True))


def test_duplicate_check_sees_the_bulk_customers(demo):
    from baton.customers.services import customer_create

    existing = Customer.objects.filter(pool__kind=PoolKind.TEAM).first()
    with pytest.raises(InvalidInput):
        customer_create(
            actor=None,
            company=demo.company,
            name=existing.name,
            region=existing.region,
            industry=existing.industry,
            tier=existing.tier,
        )


# --- The early warning on the same seeded demo (one seeding for the whole story) -----------------
# S1101 stops logging his work (R1), his big accounts order less month after month (R2), he holds
# about 15% of the revenue (R4); his WeChat message 以后直接加我私人微信联系 is caught (R10). These
# run last: they add alerts and health snapshots, which the checks above do not count.


def test_the_demo_story_fires_r1_r2_and_r4_for_s1101(demo):
    from baton.alerts.models import Alert
    from baton.risk.models import HealthSnapshot
    from baton.risk.services import risk_scan

    risk_scan(now=demo.now, codes=["R1", "R2", "R4", "R7"])
    s1101 = demo.s1101
    alerts = Alert.objects.filter(company=demo.company)

    # R1: about five interactions a week, then one in the last seven days.
    r1 = alerts.get(rule="R1", subject_type="org.employee", subject_id=str(s1101.pk))
    assert r1.details["last_week"] <= 1
    assert Decimal(r1.details["baseline_per_week"]) >= 4
    assert r1.owner_id == s1101.pk and r1.team_id == s1101.team_id

    # R2: several of his large accounts order less in each of the last three complete months.
    his = set(Customer.objects.filter(owner=s1101, tier=Tier.LARGE).values_list("pk", flat=True))
    r2 = alerts.filter(rule="R2")
    flagged = {int(a.subject_id) for a in r2}
    assert len(flagged & his) >= 2
    for alert in r2.filter(subject_id__in=[str(pk) for pk in his]):
        assert alert.owner_id == s1101.pk and alert.details["months"][-1]["orders"] < 10

    # R4: S1101 holds about 15% of the company's revenue of the last 12 months.
    r4 = alerts.get(rule="R4", subject_type="org.employee", subject_id=str(s1101.pk))
    assert Decimal("0.14") <= Decimal(r4.details["share"]) <= Decimal("0.16")
    assert r4.severity == "high"

    # R7 keeps a health score for every customer (nothing to compare with on the first day).
    customers = Customer.objects.filter(company=demo.company)
    assert HealthSnapshot.objects.filter(customer__company=demo.company).count() == customers.count()
    assert not alerts.filter(rule="R7").exists()


def test_the_planted_private_wechat_message_is_the_one_r10_alert(demo):
    from baton.alerts.models import Alert
    from baton.customers.demo import PRIVATE_WECHAT
    from baton.notifications.models import Notification
    from baton.risk.models import SensitivePhrase
    from baton.risk.phrases import DEFAULT_PHRASES
    from baton.risk.services import risk_event, risk_scan

    company = demo.company
    # The seeder installed the dictionary and caught R10 up on the bulk-seeded history.
    assert SensitivePhrase.objects.filter(company=company).count() == len(DEFAULT_PHRASES)
    planted = Interaction.objects.get(customer__company=company, content__contains=PRIVATE_WECHAT)
    assert planted.employee_id == demo.s1101.pk
    alert = Alert.objects.get(rule="R10", company=company)
    assert alert.subject_id == str(planted.pk)
    assert alert.details["phrase"] == "加我私人微信" and alert.details["category"] == "private_channel"
    assert "以后直接【加我私人微信】联系" in alert.details["snippet"]
    assert alert.team_id == demo.s1101.team_id and alert.owner_id is None
    lead = demo.s1101.team.lead
    told = Notification.objects.filter(key=f"alert:{alert.pk}").values_list("recipient_id", flat=True)
    assert list(told) == [lead.user_id]

    # Scanning the whole year finds nothing else: no false hits on the demo's own texts and
    # customer names (competitors are matched by full trading name).
    everything = list(
        Interaction.objects.filter(customer__company=company).order_by("pk").values_list("pk", flat=True)
    )
    for i in range(0, len(everything), 2000):
        risk_event(
            event="interaction_recorded",
            company_id=company.pk,
            payload={"interactions": everything[i : i + 2000]},
        )
    assert risk_scan(now=demo.now, codes=["R10"]) == {"R10": 0}
    assert Alert.objects.filter(rule="R10").count() == 1
