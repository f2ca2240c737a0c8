"""Who every customer is and who serves it, planned in compact arrays before any row is written.

Customer ``i`` (0-based) gets the id ``i + 1``. For each the plan holds its city, industry, tier,
status, team, owner (or former owner), collaborator, flags, dates, and how many contacts,
interactions and orders it has, so each later step can write its table in one pass. The exact
totals asked for (interactions, orders) are split over the customers in proportion to weights
(tier, months of history, activity) by ``allocate``.

The shapes the benchmark relies on are chosen here: the leaver's customers (spread evenly over
the id range), the stars' large accounts, the declining accounts (R2), the salespeople whose
contacts fall off (R1), and key accounts whose contacts change (R6).
"""

from __future__ import annotations

import math
import random
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

from baton.customers.demo.data import (
    CARGO_BY_INDUSTRY,
    CITIES,
    CITY_WEIGHTS,
    COLD_CARGO,
    DANGEROUS_CARGO,
    HEAVY_CARGO,
    INDUSTRY_WEIGHTS,
    KEY_ACCOUNT_CHANCE,
    OLDEST_YEARS,
)
from baton.customers.demo.seeder import POOL_DEFAULTS, TIER_RULES
from baton.demo.dataset.draws import between, cumulative, pick, weighted
from baton.demo.dataset.options import LEAVER_MIN_ORDERS, STAR_MIN_ORDERS, DatasetOptions, stars_portfolio
from baton.demo.dataset.org import GROUP_OF, GROUPS, REGIONS, OrgPlan, TeamPlan
from baton.demo.dataset.timeline import DAY, Timeline

KEY, LEAVER, STAR, DECLINING, PUBLIC, RETURNED, RELEASED, CHURN, WARN = (1 << n for n in range(9))
TIERS = ("large", "medium", "small")
TIER_WEIGHTS = (10, 30, 60)
PROSPECT, ACTIVE, DORMANT, LOST = range(4)
STATUSES = ("prospect", "active", "dormant", "lost")
INDUSTRIES = list(INDUSTRY_WEIGHTS)
INDUSTRY_INDEXES = range(len(INDUSTRIES))
TIER_INDEXES = range(3)
CITY_NAMES = list(CITIES)
REGION_OF_CITY = [CITIES[name][1] for name in CITY_NAMES]
CARGOS = sorted({cargo for cargos in CARGO_BY_INDUSTRY.values() for cargo in cargos})
VEHICLE_NAMES = (
    "4.2米厢式货车",
    "6.8米厢式货车",
    "9.6米厢式货车",
    "9.6米飞翼车",
    "13米高栏车",
    "17.5米平板车",
    "冷藏车",
    "危险品车",
)
FOUNDED_S = 1_149_120_000  # 2006-06-01, when the firm took its first customers
PUBLIC_NEVER_OWNED = 0.04  # prospects and lost accounts nobody ever owned
PUBLIC_RETURNED = 0.04  # customers a former owner returned or released
ORDERS_PER_MONTH = (4.5, 1.5, 0.45)  # by tier, as the demo's ORDER_RATES
INTERACTIONS_PER_WEEK = (3.0, 1.5, 0.7)  # by tier


def limits(tier: int) -> tuple[int, int, int]:
    """(follow-up days, deal days, warning days) of a team pool for a tier."""
    fu, deal = TIER_RULES.get(TIERS[tier], (POOL_DEFAULTS["follow_up_days"], POOL_DEFAULTS["deal_days"]))
    return fu, deal, POOL_DEFAULTS["warn_days"]


@dataclass
class CustomerPlan:
    """One entry per customer in each array (index = customer id - 1)."""

    count: int
    city: bytearray = field(default_factory=bytearray)
    industry: bytearray = field(default_factory=bytearray)
    tier: bytearray = field(default_factory=bytearray)
    status: bytearray = field(default_factory=bytearray)
    cargo: bytearray = field(default_factory=bytearray)
    vehicle: bytearray = field(default_factory=bytearray)
    terms: bytearray = field(default_factory=bytearray)
    contacts: bytearray = field(default_factory=bytearray)
    flags: array[int] = field(default_factory=lambda: array("l"))
    team: array[int] = field(default_factory=lambda: array("l"))
    owner: array[int] = field(default_factory=lambda: array("l"))
    former: array[int] = field(default_factory=lambda: array("l"))
    collab: array[int] = field(default_factory=lambda: array("l"))
    created: array[int] = field(default_factory=lambda: array("q"))
    owned_since: array[int] = field(default_factory=lambda: array("q"))
    left_at: array[int] = field(default_factory=lambda: array("q"))
    follow_up_ago: array[int] = field(default_factory=lambda: array("l"))
    order_end_ago: array[int] = field(default_factory=lambda: array("l"))
    contact_base: array[int] = field(default_factory=lambda: array("q"))
    n_interactions: array[int] = field(default_factory=lambda: array("l"))
    n_orders: array[int] = field(default_factory=lambda: array("l"))
    fading: set[int] = field(default_factory=set)
    # Filled while the interactions and orders are written, read when the customers are.
    last_follow_up: array[int] = field(default_factory=lambda: array("q"))
    last_order: array[int] = field(default_factory=lambda: array("l"))

    def holder(self, i: int) -> int:
        """The owner, or for a customer returned or released to the public pool its former owner."""
        return self.owner[i] or self.former[i]


def allocate(total: int, weights: Sequence[float], minimums: Sequence[int], rng: random.Random) -> array[int]:
    """``total`` split over the entries: each its minimum, the rest in proportion to the weights."""
    free = total - sum(minimums)
    weight = math.fsum(weights)
    if free < 0 or (free > 0 and weight <= 0):
        raise ValueError("cannot split the total over these weights")
    out = array("l", minimums)
    if free == 0:
        return out
    given = 0
    for i, w in enumerate(weights):
        if w > 0:
            share = int(free * w / weight)
            out[i] += share
            given += share
    for i in rng.choices(range(len(weights)), weights=weights, k=free - given):
        out[i] += 1
    return out


class CustomerPlanner:
    """Builds the ``CustomerPlan`` for the options, deterministically from ``rng``."""

    def __init__(
        self, *, org: OrgPlan, options: DatasetOptions, timeline: Timeline, rng: random.Random
    ) -> None:
        self.org, self.options, self.t, self.rng = org, options, timeline, rng
        self.plan = CustomerPlan(count=options.customers)
        self.segments = org.segment_teams()
        self._team_cache: dict[tuple[str, str], tuple[list[TeamPlan], list[float]]] = {}
        self.by_region: dict[str, list[TeamPlan]] = {}
        for team in org.teams:
            self.by_region.setdefault(team.region, []).append(team)
        self._weights()

    def _weights(self) -> None:
        """Cumulative weights for the draws made once per customer."""
        rng = self.rng
        regions = [(code, w) for code, _n, w in REGIONS if code in self.org.regions]
        self.regions = [code for code, _w in regions]
        self.region_cw = cumulative([w for _c, w in regions])
        self.cities: dict[str, tuple[list[int], list[float]]] = {}
        for region in self.regions:
            names = [i for i, name in enumerate(CITY_NAMES) if CITIES[name][1] == region]
            self.cities[region] = (names, cumulative([CITY_WEIGHTS.get(CITY_NAMES[i], 1) for i in names]))
        self.industry_cw = cumulative(list(INDUSTRY_WEIGHTS.values()))
        self.tier_cw = cumulative(list(TIER_WEIGHTS))
        self.team_weight = {
            t.pk: rng.lognormvariate(0, 0.5) * max(1, len(t.managers)) for t in self.org.teams
        }
        self.owner_cw: dict[int, list[float]] = {}
        leaver = self.org.leaver.pk
        for team in self.org.teams:
            # Longer-serving managers hold more customers; the leaver holds exactly the customers
            # chosen for them (``LEAVER``), nothing more.
            weights = [
                0.0 if pk == leaver else 1 + (self.t.today - self.org.person(pk).hired).days / 1825
                for pk in team.managers
            ]
            self.owner_cw[team.pk] = cumulative([w * min(rng.paretovariate(2.0), 5) for w in weights])
        managers = [pk for t in self.org.teams for pk in t.managers]
        special = {self.org.leaver.pk, *(p.pk for p in self.org.stars)}
        candidates = [pk for pk in managers if pk not in special]
        self.plan.fading = set(rng.sample(candidates, max(1, len(candidates) // 200)))

    def _teams_for(self, region: str, group: str) -> tuple[list[TeamPlan], list[float]]:
        """The teams that serve a region and industry group (any of the region's teams if none
        does), with their cumulative weights."""
        key = (region, group)
        cached = self._team_cache.get(key)
        if cached is None:
            teams = self.segments.get(key) or self.by_region[region]
            cached = self._team_cache[key] = (teams, cumulative([self.team_weight[t.pk] for t in teams]))
        return cached

    # --- the plan ------------------------------------------------------------------------------

    def build(self) -> CustomerPlan:
        count = self.options.customers
        leaver_slots = _spread(count, self.options.leaver_count, 0.5)
        portfolio = stars_portfolio(count)
        star_slots: dict[int, int] = {}
        for k, slot in enumerate(_spread(count, portfolio * len(self.org.stars), 0.25)):
            while slot in leaver_slots or slot in star_slots:
                slot = (slot + 1) % count
            star_slots[slot] = k % len(self.org.stars)
        for i in range(count):
            if i in leaver_slots:
                self._special(self.org.teams[0], self.org.leaver.pk, LEAVER, large=False)
            elif i in star_slots:
                star = self.org.stars[star_slots[i]]
                assert star.team is not None
                self._special(star.team, star.pk, STAR | KEY, large=True)
            else:
                self._regular()
        self._declining()
        self._counts()
        return self.plan

    def _place(self, region: str, industry: int, tier: int) -> tuple[int, int]:
        """A city of the region (weighted), and the customer's index in the arrays."""
        names, cw = self.cities[region]
        city = weighted(self.rng.random, names, cw)
        p = self.plan
        p.city.append(city)
        p.industry.append(industry)
        p.tier.append(tier)
        self._business(industry, tier)
        return city, len(p.city) - 1

    def _special(self, team: TeamPlan, owner: int, flags: int, *, large: bool) -> None:
        """A customer of the leaver or of a star: active, old, in their team's segment."""
        rng = self.rng
        industries = GROUPS[team.group][1]
        industry = INDUSTRIES.index(pick(rng.random, industries))
        tier = 0 if large else weighted(rng.random, TIER_INDEXES, self.tier_cw)
        self._place(team.region, industry, tier)
        created = max(FOUNDED_S, self.t.ago(rng.uniform(365 * 3, 365 * 15)))
        hired = self.t.ago((self.t.today - self.org.person(owner).hired).days)
        since = min(max(created, hired + between(rng.random, 20, 900) * DAY), self.t.ago(400))
        if rng.random() < 0.15 and not large:
            flags |= KEY
        self._record(team.pk, owner, 0, ACTIVE, flags, created, since, 0)

    def _regular(self) -> None:
        rng = self.rng
        rnd = rng.random
        region = weighted(rnd, self.regions, self.region_cw)
        industry = weighted(rnd, INDUSTRY_INDEXES, self.industry_cw)
        tier = weighted(rnd, TIER_INDEXES, self.tier_cw)
        self._place(region, industry, tier)
        teams, cw = self._teams_for(region, GROUP_OF[INDUSTRIES[industry]])
        u = rng.random()
        if u < PUBLIC_NEVER_OWNED:
            status = PROSPECT if rng.random() < 0.6 else LOST
            self._record(0, 0, 0, status, PUBLIC, self.t.ago(rng.uniform(60, 365 * 8)), 0, 0)
            return
        team = weighted(rnd, teams, cw)
        owner = weighted(rnd, team.managers, self.owner_cw[team.pk])
        if u < PUBLIC_NEVER_OWNED + PUBLIC_RETURNED:
            self._left(team, owner, tier)
        else:
            self._owned(team, owner, tier)

    def _left(self, team: TeamPlan, former: int, tier: int) -> None:
        """Owned once, then returned (no follow-up in time) or released by the owner."""
        rng, t = self.rng, self.t
        fu, _deal, _warn = limits(tier)
        kind = RETURNED if rng.random() < 0.7 else RELEASED
        status = DORMANT if rng.random() < 0.6 else LOST
        left = t.ago(rng.uniform(15, 330))
        created = min(FOUNDED_S + int(rng.uniform(365, 365 * 17) * DAY), left - 400 * DAY)
        hired = t.ago((t.today - self.org.person(former).hired).days)
        since = min(max(created, hired + 30 * DAY), left - (fu + 30) * DAY)
        self._record(team.pk, 0, former, status, PUBLIC | kind, max(created, FOUNDED_S), since, left)

    def _owned(self, team: TeamPlan, owner: int, tier: int) -> None:
        rng, t = self.rng, self.t
        _fu, deal, warn = limits(tier)
        weights = (80, 92, 100) if tier == 0 else (62, 76, 100)  # cumulative
        status = weighted(rng.random, (ACTIVE, DORMANT, PROSPECT), weights)
        flags = WARN if rng.random() < 0.03 else 0
        if status == PROSPECT:
            created = t.ago(rng.uniform(3, deal - warn - 3))
            since = created
        else:
            youngest = 250 if status == DORMANT else 60
            created = max(t.ago(rng.uniform(youngest, OLDEST_YEARS[TIERS[tier]] * 365)), FOUNDED_S)
            hired = t.ago((t.today - self.org.person(owner).hired).days)
            lo = max(created, hired + 30 * DAY)
            hi = max(lo, t.ago(20))
            since = lo + int((hi - lo) * rng.random() * 0.5)
            if rng.random() < KEY_ACCOUNT_CHANCE[TIERS[tier]]:
                flags |= KEY
        self._record(team.pk, owner, 0, status, flags, created, since, 0)

    def _record(
        self, team: int, owner: int, former: int, status: int, flags: int, created: int, since: int, left: int
    ) -> None:
        """Append the customer's people, status and dates; work out its follow-up and order ends."""
        p, rng, i = self.plan, self.rng, len(self.plan.status)
        tier = p.tier[i]
        fu, deal, warn = limits(tier)
        holder = owner or former
        specialists = self.org.teams[team - 1].specialists if team else []
        collab = 0
        if holder and specialists and (flags & (LEAVER | STAR) or (tier != 2 and rng.random() < 0.33)):
            collab = pick(rng.random, specialists)
        age = max(1, (self.t.now_s - (since or created)) // DAY)
        cap = fu - warn - 3
        if flags & PUBLIC:
            follow = (self.t.now_s - left) // DAY + (fu if flags & RETURNED else 10) if holder else -1
            order_end = (self.t.now_s - left) // DAY + fu + between(rng.random, 5, 60) if holder else -1
        else:
            if flags & WARN:
                follow = between(rng.random, fu - warn + 1, fu - 1)
            elif owner in p.fading:
                follow = between(rng.random, 8, cap)
            else:
                follow = between(rng.random, 1, min(cap, 10))
            follow = max(1, min(follow, age))
            order_end = {
                ACTIVE: between(rng.random, 0, 44),
                DORMANT: between(rng.random, 90, deal - warn - 3),
            }.get(status, -1)
            if flags & LEAVER:
                order_end = 0
        for name, value in (
            ("team", team), ("owner", owner), ("former", former), ("collab", collab), ("flags", flags),
            ("created", created), ("owned_since", since), ("left_at", left),
            ("follow_up_ago", follow), ("order_end_ago", order_end),
        ):  # fmt: skip
            getattr(p, name).append(value)
        p.status.append(status)
        p.contacts.append(3 if tier == 0 else pick(rng.random, (1, 2, 2, 3) if tier == 1 else (1, 1, 2)))

    def _business(self, industry: int, tier: int) -> None:
        """What the customer ships, in which vehicle, and its payment terms (月结)."""
        rng, p = self.rng, self.plan
        cargo = pick(rng.random, CARGO_BY_INDUSTRY[INDUSTRIES[industry]])
        if cargo in COLD_CARGO:
            vehicle = "冷藏车"
        elif cargo in DANGEROUS_CARGO and cargo != "锂电池":
            vehicle = "危险品车"
        elif cargo in HEAVY_CARGO:
            vehicle = pick(rng.random, ("17.5米平板车", "13米高栏车"))
        elif tier == 2:
            vehicle = pick(rng.random, ("4.2米厢式货车", "6.8米厢式货车", "9.6米厢式货车"))
        else:
            vehicle = pick(rng.random, ("9.6米厢式货车", "9.6米飞翼车", "6.8米厢式货车"))
        p.cargo.append(CARGOS.index(cargo))
        p.vehicle.append(VEHICLE_NAMES.index(vehicle))
        p.terms.append(pick(rng.random, (15, 30)) if tier == 2 else pick(rng.random, (30, 30, 30, 45, 60)))

    def _declining(self) -> None:
        """Large accounts whose orders fall each of the last three months (R2), and key accounts
        whose contacts change (R6)."""
        p, rng = self.plan, self.rng
        large = [
            i
            for i in range(p.count)
            if p.tier[i] == 0 and p.status[i] == ACTIVE and not p.flags[i] & (LEAVER | STAR | PUBLIC)
        ]
        for i in rng.sample(large, min(len(large), max(1, p.count // 1000))):
            p.flags[i] |= DECLINING
        for i in range(p.count):
            if p.flags[i] & KEY and p.contacts[i] == 3 and rng.random() < 0.02:
                p.flags[i] |= CHURN

    def _counts(self) -> None:
        """Contact ids, and the interactions and orders of each customer (exact totals)."""
        p, t, rng = self.plan, self.t, self.rng
        base = 1
        for n in p.contacts:
            p.contact_base.append(base)
            base += n
        window_start = t.ago(t.last)
        inter_w, inter_min, order_w, order_min = [], [], [], []
        for i in range(p.count):
            flags, tier = p.flags[i], p.tier[i]
            start = max(p.owned_since[i] or p.created[i], window_start)
            holder = p.holder(i)
            weeks = max(0.0, (t.ago(p.follow_up_ago[i]) - start) / (7 * DAY)) + 1 if holder else 0.0
            boost = 1.3 if flags & KEY else 1.0
            inter_w.append(INTERACTIONS_PER_WEEK[tier] * weeks * boost * rng.uniform(0.6, 1.4))
            inter_min.append(1 if holder and not flags & PUBLIC else 0)
            end = p.order_end_ago[i]
            months = (
                max(0.0, (t.ago(end) - max(p.created[i], window_start)) / (30.4 * DAY)) if end >= 0 else 0.0
            )
            boost = 3.0 if flags & STAR else 2.0 if flags & DECLINING else 1.0
            order_w.append(ORDERS_PER_MONTH[tier] * months * boost * rng.uniform(0.5, 1.5))
            minimum = LEAVER_MIN_ORDERS if flags & LEAVER else STAR_MIN_ORDERS if flags & STAR else 0
            minimum = max(
                minimum, 10 if flags & DECLINING else 1 if end >= 0 and p.status[i] == ACTIVE else 0
            )
            order_min.append(minimum)
        if sum(inter_min) > self.options.interactions:
            inter_min = [0] * p.count
        order_min = _fit(order_min, p, self.options.orders)
        p.n_interactions = allocate(self.options.interactions, inter_w, inter_min, rng)
        p.n_orders = allocate(self.options.orders, order_w, order_min, rng)
        p.last_follow_up = array("q", bytes(8 * p.count))
        p.last_order = array("l", [-1]) * p.count


def _fit(minimums: list[int], p: CustomerPlan, total: int) -> list[int]:
    """Drop the minimums that do not fit the total, least important first (active customers'
    one recent order, then the declining accounts' ten); the leaver's and stars' always fit."""
    if sum(minimums) <= total:
        return minimums
    keep = LEAVER | STAR | DECLINING
    minimums = [m if p.flags[i] & keep else 0 for i, m in enumerate(minimums)]
    if sum(minimums) <= total:
        return minimums
    for i in range(p.count):
        if p.flags[i] & DECLINING:
            p.flags[i] &= ~DECLINING
            minimums[i] = 0 if not p.flags[i] & (LEAVER | STAR) else minimums[i]
    return minimums


def _spread(count: int, wanted: int, offset: float) -> set[int]:
    """``wanted`` indices spread evenly over ``range(count)``."""
    return {int((k + offset) * count / wanted) for k in range(wanted)}
