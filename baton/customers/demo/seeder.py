"""Planning the demo customers in memory: pools and rules, who owns whom, contacts."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from baton.audit.services import EventSpec, audit_record_many
from baton.core import crypto
from baton.core.masking import mask_phone
from baton.customers.demo.data import (
    ACTOR_LABEL,
    CARGO_BY_INDUSTRY,
    COLD_CARGO,
    CUSTOMER_COUNT,
    DANGEROUS_CARGO,
    GIVEN_PINYIN,
    HEAVY_CARGO,
    HUBS,
    KEY_ACCOUNT_CHANCE,
    MAIN_CONTACT_TITLES,
    OLDEST_YEARS,
    ORDER_RATES,
    PUBLIC_SHARE,
    SHANGHAI,
    SOURCES,
    STORY_DECLINING,
    STORY_EMPLOYEE,
    STORY_PORTFOLIO,
    SURNAME_PINYIN,
    TITLES,
)
from baton.customers.demo.generators import (
    CompanyIdentity,
    Person,
    Plan,
    _km,
    _weighted,
    part_rng,
)
from baton.customers.models import (
    AssignmentRule,
    Complaint,
    Contact,
    Contract,
    Customer,
    CustomerStatus,
    Interaction,
    Order,
    OwnershipChangeKind,
    Pool,
    PoolKind,
    PoolTierRule,
    Receivable,
    Tier,
)
from baton.customers.services.customers import pool_for
from baton.customers.services.identity import normalize_name, normalize_phone
from baton.demo.registry import DemoContext
from baton.org.models import TeamRole

# --- The seeder ------------------------------------------------------------------------------

TEAM_RULES: list[tuple[str, str, tuple[str, ...]]] = [
    # team key, region, industries; the first lines are the rules the sales organisation names
    ("south_industrial", "south", ("manufacturing", "automotive", "electronics", "chemicals", "building")),
    ("south_trade", "south", ("trade", "ecommerce", "food", "pharma")),
    ("east_manufacturing", "east", ("manufacturing", "automotive", "electronics", "chemicals", "building")),
    ("east_ecommerce", "east", ("ecommerce", "trade", "food", "pharma")),
]
POOL_DEFAULTS = {"follow_up_days": 45, "deal_days": 180, "warn_days": 7}
# Per-tier return rules of every team pool (follow-up days, deal days); medium uses the defaults.
TIER_RULES: dict[str, tuple[int, int]] = {Tier.LARGE: (30, 240), Tier.SMALL: (60, 150)}


@dataclass
class Seeding:
    """State shared by the steps of one run."""

    ctx: DemoContext
    now: dt.datetime
    public: Pool
    pools: dict[str, Pool]
    plans: list[Plan] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    orders_of: dict[int, list[Order]] = field(default_factory=lambda: defaultdict(list))
    receivables: list[Receivable] = field(default_factory=list)
    contracts: list[Contract] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    events: list[EventSpec] = field(default_factory=list)
    phones: set[str] = field(default_factory=set)
    story_scale: Decimal = Decimal("1")

    @property
    def today(self) -> dt.date:
        """The day orders are dated by: UTC, like ``monthly_volume`` and the 12-month revenue."""
        return self.now.date()

    def local_day(self, days_ago: int) -> dt.date:
        """A calendar day in Shanghai, where interactions happen."""
        return self.now.astimezone(SHANGHAI).date() - dt.timedelta(days=days_ago)

    def at(self, days_ago: float) -> dt.datetime:
        return self.now - dt.timedelta(days=days_ago)

    def limits(self, tier: str) -> tuple[int, int, int]:
        """(follow-up days, deal days, warning days) of a team pool for a tier."""
        fu, deal = TIER_RULES.get(tier, (POOL_DEFAULTS["follow_up_days"], POOL_DEFAULTS["deal_days"]))
        return fu, deal, POOL_DEFAULTS["warn_days"]

    def story(self) -> list[Plan]:
        return [p for p in self.plans if p.owner is not None and p.owner.employee_no == STORY_EMPLOYEE]


def _event(s: Seeding, action: str, object_type: str, object_id: Any = "", **changes: Any) -> None:
    s.events.append(
        EventSpec(
            action=action,
            actor_label=ACTOR_LABEL,
            object_type=object_type,
            object_id=str(object_id),
            changes=changes,
        )
    )


def _batch_event(s: Seeding, action: str, object_type: str, rows: list[Any], **more: Any) -> None:
    """One audit event for a bulk insert: how many rows, their id range, how many customers."""
    if not rows:
        return
    pks = [r.pk for r in rows]
    _event(
        s,
        action,
        object_type,
        count=len(rows),
        first_id=min(pks),
        last_id=max(pks),
        customers=len({r.customer_id for r in rows}),
        **more,
    )


def _pools_and_rules(ctx: DemoContext) -> tuple[dict[str, Pool], Pool]:
    """The public pool, one pool per sales team with tier rules, and the assignment rules."""
    public = Pool.objects.create(company=ctx.company, name="公海（公共客户池）", kind=PoolKind.PUBLIC)
    pools = {
        key: Pool.objects.create(
            company=ctx.company, name=f"{team.name}客户池", kind=PoolKind.TEAM, team=team, **POOL_DEFAULTS
        )
        for key, team in ctx.teams.items()
    }
    tier_rules = PoolTierRule.objects.bulk_create(
        PoolTierRule(pool=pool, tier=tier, follow_up_days=fu, deal_days=deal)
        for pool in pools.values()
        for tier, (fu, deal) in TIER_RULES.items()
    )
    rules = AssignmentRule.objects.bulk_create(
        AssignmentRule(
            company=ctx.company, priority=10 * (n + 1) + m, region=region, industry=industry, pool=pools[key]
        )
        for n, (key, region, industries) in enumerate(TEAM_RULES)
        for m, industry in enumerate(industries)
    )
    specs = [
        EventSpec(
            action="customers.pool_created",
            actor_label=ACTOR_LABEL,
            object_type="customers.pool",
            object_id=str(pool.pk),
            changes={"name": pool.name, "kind": pool.kind, "team": pool.team_id, **POOL_DEFAULTS},
        )
        for pool in [public, *pools.values()]
    ]
    specs += [
        EventSpec(
            action="customers.pool_changed",
            actor_label=ACTOR_LABEL,
            object_type="customers.pool",
            object_id=str(pool.pk),
            changes={
                "tier_rules": {
                    "before": [],
                    "after": [
                        [r.tier, r.follow_up_days, r.deal_days] for r in tier_rules if r.pool_id == pool.pk
                    ],
                }
            },
        )
        for pool in pools.values()
    ]
    specs += [
        EventSpec(
            action="customers.assignment_rule_created",
            actor_label=ACTOR_LABEL,
            object_type="customers.assignmentrule",
            object_id=str(rule.pk),
            changes={
                "priority": rule.priority,
                "region": rule.region,
                "industry": rule.industry,
                "pool": rule.pool_id,
            },
        )
        for rule in rules
    ]
    audit_record_many(specs=specs)
    return pools, public


def _members(ctx: DemoContext, team_id: int | None, role: str) -> list[Any]:
    return sorted(
        (e for e in ctx.employees.values() if e.team_id == team_id and e.team_role == role),
        key=lambda e: e.employee_no,
    )


def _aware(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), SHANGHAI).astimezone(dt.UTC)


def _route(s: Seeding, identities: list[CompanyIdentity], rng: random.Random) -> None:
    """A tier for every identity, and the pool the assignment rules give it."""
    routes: dict[tuple[str, str, str], Pool | None] = {}
    for identity in identities:
        tier = rng.choices((Tier.LARGE, Tier.MEDIUM, Tier.SMALL), weights=(10, 30, 60))[0]
        key = (identity.region, identity.industry, tier)
        if key not in routes:  # the assignment rules, asked once per combination
            routes[key] = pool_for(
                company=s.ctx.company, region=identity.region, industry=identity.industry, tier=tier
            )
        s.plans.append(Plan(identity=identity, tier=tier, pool=routes[key] or s.public))


def _lifecycle(
    s: Seeding,
    rng: random.Random,
    plan: Plan,
    *,
    story_owner: Any,
    founded: dt.datetime,
    fu: int,
    deal: int,
    warn: int,
) -> None:
    """Status, creation date and owned-since of one customer, consistent with the pool rules."""
    if plan.owner is story_owner:
        plan.status = CustomerStatus.ACTIVE
        plan.created_at = founded + dt.timedelta(days=rng.randint(365 * 3, 365 * 15))
        hired = _aware(story_owner.hire_date)
        since = max(plan.created_at, hired + dt.timedelta(days=rng.randint(20, 900)))
        plan.owned_since = min(since, s.at(400))
    elif plan.left_kind:
        plan.status = rng.choices((CustomerStatus.DORMANT, CustomerStatus.LOST), weights=(6, 4))[0]
        plan.left_at = s.at(rng.uniform(15, 330))
        created = founded + dt.timedelta(days=rng.randint(365, 365 * 17))
        plan.created_at = min(created, plan.left_at - dt.timedelta(days=400))
        hired = _aware(plan.former_owner.hire_date)
        since = max(plan.created_at, hired + dt.timedelta(days=30))
        plan.owned_since = min(since, plan.left_at - dt.timedelta(days=fu + 30))
    elif plan.pool is s.public:
        plan.status = rng.choices((CustomerStatus.PROSPECT, CustomerStatus.LOST), weights=(6, 4))[0]
        plan.created_at = s.at(rng.uniform(60, 365 * 8))
    else:
        plan.status = rng.choices(
            (CustomerStatus.ACTIVE, CustomerStatus.DORMANT, CustomerStatus.PROSPECT),
            weights=(62, 14, 24) if plan.tier != Tier.LARGE else (80, 12, 8),
        )[0]
        if plan.status == CustomerStatus.PROSPECT:
            plan.created_at = s.at(rng.uniform(3, deal - warn - 3))
            plan.owned_since = plan.created_at
        else:
            oldest = OLDEST_YEARS[plan.tier] * 365
            youngest = 250 if plan.status == CustomerStatus.DORMANT else 60
            plan.created_at = max(s.at(rng.uniform(youngest, oldest)), founded)
            hired = _aware(plan.owner.hire_date)
            lo = max(plan.created_at, hired + dt.timedelta(days=30))
            hi = max(lo, s.at(20))
            plan.owned_since = lo + (hi - lo) * rng.random() * 0.5
            plan.warn = rng.random() < 0.03  # in the warning period before a return


def _plan_customers(s: Seeding, identities: list[CompanyIdentity]) -> None:
    """Tier, pool, owner, status, dates and business of every customer but the day's leads."""
    rng = part_rng(s.ctx.seed, "accounts")
    _route(s, identities, rng)

    story_owner = s.ctx.employees[STORY_EMPLOYEE]
    wanted = dict(STORY_PORTFOLIO)
    for plan in s.plans:
        if plan.team_id == story_owner.team_id and wanted.get(plan.tier, 0) > 0:
            wanted[plan.tier] -= 1
            plan.owner = story_owner
    for i, plan in enumerate(p for p in s.plans if p.owner is story_owner and p.tier == Tier.LARGE):
        plan.key = i < 11
        plan.declining = i < STORY_DECLINING

    # Some team customers went back to the public pool; with the customers no rule places in a
    # team, about PUBLIC_SHARE of all customers are in the public pool.
    unplaced = sum(1 for p in s.plans if p.pool is s.public)
    candidates = [p for p in s.plans if p.pool is not s.public and p.owner is None and p.tier != Tier.LARGE]
    for plan in rng.sample(candidates, max(round(PUBLIC_SHARE * CUSTOMER_COUNT) - unplaced, 30)):
        plan.left_kind = rng.choices(
            (OwnershipChangeKind.RETURNED, OwnershipChangeKind.RELEASED), weights=(7, 3)
        )[0]

    team_of = {pool.pk: key for key, pool in s.pools.items()}
    managers = {
        key: [e for e in _members(s.ctx, pool.team_id, TeamRole.CUSTOMER_MANAGER) if e is not story_owner]
        for key, pool in s.pools.items()
    }
    specialists = {key: _members(s.ctx, pool.team_id, TeamRole.FOLLOW_UP) for key, pool in s.pools.items()}
    founded = dt.datetime(2006, 6, 1, tzinfo=dt.UTC)
    for plan in s.plans:
        fu, deal, warn = s.limits(plan.tier)
        team_key = team_of.get(plan.pool.pk) if plan.pool is not None else None
        if team_key is not None and plan.owner is None:
            people = managers[team_key]
            # Longer-serving managers hold more customers.
            chosen = rng.choices(people, weights=[1 + (s.today - e.hire_date).days / 1800 for e in people])[0]
            if plan.left_kind:
                plan.former_owner = chosen
            else:
                plan.owner = chosen
        _lifecycle(s, rng, plan, story_owner=story_owner, founded=founded, fu=fu, deal=deal, warn=warn)
        plan.key = plan.key or (
            plan.owner is not None
            and plan.owner is not story_owner
            and plan.status in (CustomerStatus.ACTIVE, CustomerStatus.DORMANT)
            and rng.random() < KEY_ACCOUNT_CHANCE[plan.tier]
        )
        # The team's follow-up specialists work on every one of S1101's accounts and on a third
        # of the team's larger ones (the eastern teams have no specialists).
        holder = plan.owner or plan.former_owner
        if (
            holder is not None
            and team_key is not None
            and specialists[team_key]
            and (plan.owner is story_owner or (plan.tier != Tier.SMALL and rng.random() < 0.33))
        ):
            plan.collaborator = rng.choice(specialists[team_key])
        _plan_business(rng, plan)
        if plan.status == CustomerStatus.DORMANT and not plan.left_kind:
            plan.last_order_cap = s.today - dt.timedelta(days=rng.randint(90, deal - warn - 3))
        elif plan.left_kind and plan.left_at is not None:
            plan.last_order_cap = (plan.left_at - dt.timedelta(days=fu + rng.randint(5, 60))).date()
        plan.source = rng.choice(SOURCES)
        plan.tags = _tags(plan)


def _plan_business(rng: random.Random, plan: Plan) -> None:
    """Lanes, cargo, vehicle, payment terms and order rate of a customer."""
    city = plan.identity.city
    plan.cargo = rng.choice(CARGO_BY_INDUSTRY[plan.identity.industry])
    if plan.cargo in COLD_CARGO:
        plan.vehicle = "冷藏车"
    elif plan.cargo in DANGEROUS_CARGO and plan.cargo != "锂电池":
        plan.vehicle = "危险品车"
    elif plan.cargo in HEAVY_CARGO:
        plan.vehicle = rng.choice(("17.5米平板车", "13米高栏车"))
    elif plan.tier == Tier.SMALL:
        plan.vehicle = rng.choice(("4.2米厢式货车", "6.8米厢式货车", "9.6米厢式货车"))
    else:
        plan.vehicle = rng.choice(("9.6米厢式货车", "9.6米飞翼车", "6.8米厢式货车"))
    hubs = {h: w for h, w in HUBS.items() if h != city}
    if plan.tier == Tier.SMALL:  # small shippers mostly send within the region
        hubs = {h: w for h, w in hubs.items() if _km(city, h) < 900} or hubs
    elif plan.tier == Tier.LARGE:  # big shippers need trunk lines, not the city next door
        hubs = {h: w for h, w in hubs.items() if _km(city, h) > 400} or hubs
    lanes = {
        (city, _weighted(rng, hubs)) for _i in range(rng.randint(1, 2 if plan.tier == Tier.SMALL else 3))
    }
    if rng.random() < 0.25:
        lanes.add((_weighted(rng, hubs), city))  # inbound: supplies to the customer's plant
    plan.lanes = sorted(lanes)
    plan.terms = rng.choice((15, 30)) if plan.tier == Tier.SMALL else rng.choice((30, 30, 30, 45, 60))
    plan.lead_days = rng.choice((1, 1, 2))
    plan.rate_factor = rng.uniform(0.9, 1.1)
    low, high = ORDER_RATES[plan.tier]
    plan.monthly_orders = rng.uniform(low, high)


def _tags(plan: Plan) -> list[str]:
    tags = ["重点客户"] if plan.key else []
    if plan.vehicle == "冷藏车":
        tags.append("冷链")
    if plan.vehicle == "危险品车":
        tags.append("危险品")
    return [*tags, f"月结{plan.terms}天"]


def _plan_people(s: Seeding) -> None:
    """One to three contacts per customer (three at large ones, with the 总经理), unique phones."""
    rng = part_rng(s.ctx.seed, "contacts")
    surnames, givens = list(SURNAME_PINYIN), list(GIVEN_PINYIN)
    for plan in s.plans:
        if plan.tier == Tier.LARGE:
            count = 3
        else:
            count = rng.choice((1, 2, 2, 3) if plan.tier == Tier.MEDIUM else (1, 1, 2))
        titles = [rng.choices(list(MAIN_CONTACT_TITLES), weights=list(MAIN_CONTACT_TITLES.values()))[0]]
        if plan.tier == Tier.LARGE and "总经理" not in titles:
            titles.append("总经理")
        while len(titles) < count:
            titles.append(rng.choice([t for t in TITLES if t not in titles]))
        for title in titles:
            surname, given = rng.choice(surnames), rng.choice(givens)
            spy, gpy = SURNAME_PINYIN[surname], GIVEN_PINYIN[given]
            phone = _phone(s, rng)
            wechat = rng.choice(
                (
                    f"{spy}{gpy}{rng.randint(10, 99)}",
                    f"{spy}_{gpy}",
                    "wxid_" + "".join(rng.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _c in range(14)),
                    phone,
                )
            )
            email = f"{gpy}.{spy}@{plan.identity.domain}" if rng.random() < 0.8 else ""
            address_as = surname + TITLES[title] if TITLES[title] else surname + given
            plan.people.append(Person(surname + given, surname, title, address_as, phone, wechat, email))


def _phone(s: Seeding, rng: random.Random) -> str:
    while True:
        phone = rng.choice(("13", "15", "18")) + "".join(rng.choice("0123456789") for _i in range(9))
        if phone not in s.phones and not phone.startswith("154"):
            s.phones.add(phone)
            return phone


def contact_row(
    *,
    customer: Customer,
    name: str,
    created_at: dt.datetime,
    title: str = "",
    phone: str = "",
    wechat_id: str = "",
    email: str = "",
    is_primary: bool = False,
) -> Contact:
    """An unsaved Contact for bulk_create, with the phone stored exactly as ``contact_add``
    stores it: encrypted, keyed-hashed and masked."""
    digits = normalize_phone(phone)
    return Contact(
        customer=customer,
        name=name.strip(),
        title=title,
        wechat_id=wechat_id.strip(),
        email=email.strip().lower(),
        is_primary=is_primary,
        created_at=created_at,
        phone_encrypted=crypto.encrypt(digits, associated="contact.phone") if digits else "",
        phone_hash=crypto.keyed_hash(digits) if digits else "",
        phone_masked=mask_phone(digits) if digits else "",
    )


def _build_customers(s: Seeding) -> None:
    """Unsaved Customer and Contact objects; the history refers to them before they are saved."""
    rng = part_rng(s.ctx.seed, "contact-dates")
    for plan in s.plans:
        assert plan.created_at is not None
        plan.customer = Customer(
            company=s.ctx.company,
            name=plan.identity.name,
            normalized_name=normalize_name(plan.identity.name),
            credit_code=plan.identity.credit_code,
            region=plan.identity.region,
            industry=plan.identity.industry,
            tier=plan.tier,
            is_key_account=plan.key,
            address=plan.identity.address,
            status=plan.status,
            pool=s.public if plan.left_kind else plan.pool,
            team_id=None if plan.left_kind else plan.team_id,
            owner=plan.owner,
            tags=plan.tags,
            source=plan.source,
            created_at=plan.created_at,
            owned_since=plan.owned_since if plan.owner is not None else None,
        )
        for i, person in enumerate(plan.people):
            added = plan.created_at + dt.timedelta(days=0 if i == 0 else rng.uniform(20, 900))
            plan.contacts.append(
                contact_row(
                    customer=plan.customer,
                    name=person.name,
                    title=person.title,
                    phone=person.phone,
                    wechat_id=person.wechat_id,
                    email=person.email,
                    is_primary=i == 0,
                    created_at=min(added, s.at(1)),
                )
            )
