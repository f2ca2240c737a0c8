"""Orders, monthly statements (receivables), framework contracts and complaints, customer by
customer, with the demo's rules: lanes from the customer's city, list prices by distance and
vehicle, statuses by age (the last days' orders are open or in transit), statements of every
closed month due after the payment terms (some unpaid, some overdue), contracts for this year
(and last year's for large accounts), and complaints on about one in twelve ordering customers.

The shapes the benchmark relies on:

- every one of the leaver's customers has an open order the leaver took today or yesterday, an
  open (unpaid) statement of last month, and this year's contract, all held by the leaver;
- the declining accounts order strictly less in each of the last three complete months (R2);
- the stars' orders are written last and scaled once so that each star's customers bring a fixed
  share of the company's revenue of the last 12 months (``STAR_SHARES``; R4 fires at 10%).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from baton.customers.demo.data import CARGO_BY_INDUSTRY, COMPLAINTS, HUBS
from baton.customers.demo.generators import _km, lane_price
from baton.demo.dataset.draws import between, pick, weighted
from baton.demo.dataset.plan import (
    CARGOS,
    CITY_NAMES,
    DECLINING,
    INDUSTRIES,
    LEAVER,
    PUBLIC,
    STAR,
    VEHICLE_NAMES,
    CustomerPlan,
)
from baton.demo.dataset.sql import NULL, escape
from baton.demo.dataset.timeline import DAY, Timeline

ORDER_COLUMNS = (
    "id",
    "customer_id",
    "number",
    "order_date",
    "amount",
    "status",
    "taken_by_id",
    "receivable_owner_id",
    "created_at",
    "handover_flag",
    "route_from",
    "route_to",
    "cargo",
    "vehicle_type",
)
RECEIVABLE_COLUMNS = (
    "id",
    "customer_id",
    "order_id",
    "amount",
    "paid_amount",
    "due_on",
    "status",
    "owner_id",
)
CONTRACT_COLUMNS = (
    "id",
    "customer_id",
    "number",
    "title",
    "starts_on",
    "ends_on",
    "amount",
    "scan",
    "scan_sha256",
    "owner_id",
)
COMPLAINT_COLUMNS = (
    "id",
    "customer_id",
    "order_id",
    "occurred_on",
    "category",
    "severity",
    "status",
    "description",
    "resolution",
)
STAR_SHARES = (Decimal("0.125"), Decimal("0.11"))
REVENUE_DAYS = 365  # the departure-impact window (baton.offboarding.selectors)
CHUNK = 20_000
COMPLAINT_SHARE = 0.08


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


@dataclass(slots=True)
class Order:
    """One order before it is written: (day, amount in fen, status, taken by, lane tail)."""

    day: int
    cents: int
    status: str
    taken_by: int
    tail: str  # route_from, route_to, cargo, vehicle_type


@dataclass
class CommerceWriter:
    """Yields order lines in chunks; collects statements, contracts and complaints on the way."""

    plan: CustomerPlan
    timeline: Timeline
    rng: random.Random
    receivables: list[str] = field(default_factory=list)
    contracts: list[str] = field(default_factory=list)
    complaints: list[str] = field(default_factory=list)
    revenue: int = 0  # fen, last 12 months, cancelled orders excluded, the stars' excluded
    star_revenue: dict[int, int] = field(default_factory=dict)
    order_id: int = 1
    ids: dict[str, int] = field(default_factory=dict)
    _days: dict[int, tuple[str, str]] = field(default_factory=dict)
    _lanes: dict[tuple[int, int], tuple[list[str], list[float]]] = field(default_factory=dict)
    contract_no: Counter[int] = field(default_factory=Counter)
    # Orders whose audit event is written: (created at, id, customer, taken by, number, fen).
    audit_share: float = 0.0
    sampled: list[tuple[int, int, int, int, str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sample_rng = random.Random(self.rng.random())
        t = self.timeline
        self.months = t.months(17)
        self.current = self.months[-1]
        self.revenue_from = t.today_epoch - REVENUE_DAYS
        self.month_of = {
            day: index for index, (first, last) in enumerate(self.months) for day in range(first, last + 1)
        }
        self._prices: dict[tuple[str, str, str], int] = {}

    def chunks(self, first_ids: dict[str, int]) -> Iterator[list[str]]:
        self.ids = dict(first_ids)
        self.order_id = self.ids["order"]
        lines: list[str] = []
        p = self.plan
        stars = []
        for i in range(p.count):
            if not p.n_orders[i]:
                continue
            if p.flags[i] & STAR:
                stars.append(i)
                continue
            self._emit(i, self._orders_of(i), lines)
            if len(lines) >= CHUNK:
                yield lines
                lines = []
        self._stars(stars, lines)
        yield lines

    # --- one customer's orders -----------------------------------------------------------------

    def _dates(self, i: int) -> list[int]:
        """Order days (epoch days), the latest first when the plan fixes it."""
        p, t, rng = self.plan, self.timeline, self.rng
        n, flags = p.n_orders[i], p.flags[i]
        start = max(t.index_of(p.created[i]), 0) + t.first_epoch
        if flags & DECLINING:
            m0, m1, m2, m3 = self.months[-5:-1]
            a = max(1, n // 12) if n >= 10 else 0
            days = []
            for (first, last), k in zip((m0, m1, m2, m3), (4 * a, 3 * a, 2 * a, a), strict=True):
                days += [first + int(rng.random() * (last - first + 1)) for _k in range(k)]
            lo, hi = (start, m0[0] - 1) if start < m0[0] else self.current
            return days + [lo + int(rng.random() * (hi - lo + 1)) for _k in range(n - len(days))]
        end = t.today_epoch - max(p.order_end_ago[i], 0)
        start = min(start, end)
        days = [end]
        if flags & LEAVER:
            days = [t.today_epoch - int(rng.random() * 2)]
            first, last = self.months[-2]
            days.append(first + int(rng.random() * (last - first + 1)))
        return days + [start + int(rng.random() * (end - start + 1)) for _k in range(n - len(days))]

    def _lane_tails(self, i: int) -> tuple[list[str], list[int]]:
        """The customer's lanes as COPY tails, with their list prices (before the customer's rate)."""
        p, rnd = self.plan, self.rng.random
        city = CITY_NAMES[p.city[i]]
        tier = p.tier[i]
        hubs, cw = self._hubs(p.city[i], tier)
        lanes = {(city, weighted(rnd, hubs, cw)) for _k in range(between(rnd, 1, 2 if tier == 2 else 3))}
        if rnd() < 0.25:
            lanes.add((weighted(rnd, hubs, cw), city))
        vehicle = VEHICLE_NAMES[p.vehicle[i]]
        cargo = CARGOS[p.cargo[i]]
        tails: list[str] = []
        prices: list[int] = []
        for origin, destination in sorted(lanes):
            tails.append(f"{origin}\t{destination}\t{cargo}\t{vehicle}\n")
            key = (origin, destination, vehicle)
            price = self._prices.get(key)
            if price is None:
                price = self._prices[key] = lane_price(origin, destination, vehicle)
            prices.append(price)
        return tails, prices

    def _hubs(self, city: int, tier: int) -> tuple[list[str], list[float]]:
        key = (city, tier)
        if key not in self._lanes:
            name = CITY_NAMES[city]
            hubs = {h: w for h, w in HUBS.items() if h != name}
            if tier == 2:  # small shippers mostly send within the region
                hubs = {h: w for h, w in hubs.items() if _km(name, h) < 900} or hubs
            elif tier == 0:  # big shippers need trunk lines
                hubs = {h: w for h, w in hubs.items() if _km(name, h) > 400} or hubs
            total, cw = 0.0, []
            for w in hubs.values():
                total += w
                cw.append(total)
            self._lanes[key] = (list(hubs), cw)
        return self._lanes[key]

    def _orders_of(self, i: int) -> list[Order]:
        p, t, rng = self.plan, self.timeline, self.rng
        rnd = rng.random
        tails, prices = self._lane_tails(i)
        rate = 0.9 + 0.2 * rnd()
        holder, collab, flags = p.holder(i), p.collab[i], p.flags[i]
        other_cargo = CARGO_BY_INDUSTRY[INDUSTRIES[p.industry[i]]]
        today, month_start = t.today_epoch, self.current[0]
        orders = []
        for k, day in enumerate(self._dates(i)):
            lane = int(rnd() * len(tails))
            amount = round(prices[lane] * rate * (0.93 + 0.15 * rnd()), -1)
            age = today - day
            forced_open = k == 0 and flags & LEAVER
            if forced_open:
                status = "open" if age == 0 else "in_transit"
            elif rnd() < 0.015 and not flags & (STAR | LEAVER):
                status = "cancelled"
            elif age <= 1:
                status = "open" if rnd() < 0.5 else "in_transit"
            elif age <= 4:
                status = "in_transit" if rnd() < 0.5 else "delivered"
            else:
                status = "delivered" if day >= month_start else "closed"
            tail = tails[lane]
            if rnd() < 0.1:
                origin, destination, _cargo, vehicle = tail.split("\t")
                tail = f"{origin}\t{destination}\t{pick(rnd, other_cargo)}\t{vehicle}"
            taken = holder if forced_open or not collab or rnd() >= 0.1 else collab
            orders.append(Order(day, int(amount) * 100, status, taken, tail))
        return orders

    def _emit(self, i: int, orders: list[Order], lines: list[str]) -> None:
        """Write one customer's orders and what follows from them."""
        p, t = self.plan, self.timeline
        cid, holder = i + 1, p.holder(i)
        monthly: dict[int, int] = {}
        revenue = billed = 0
        written = []
        pk = self.order_id
        sample, share, month_of, since = (
            self.sample_rng.random,
            self.audit_share,
            self.month_of,
            self.revenue_from,
        )
        for o in orders:
            iso, compact = self._day_text(o.day)
            offset = 3600 + (o.cents // 100) % 36_000
            created = min(o.day * DAY + offset, t.now_s)
            number = f"SD{compact}{pk:08d}"
            lines.append(
                f"{pk}\t{cid}\t{number}\t{iso}\t{o.cents // 100}.{o.cents % 100:02d}\t{o.status}\t"
                f"{o.taken_by}\t{holder}\t{t.stamp(created)}\tf\t{o.tail}"
            )
            if sample() < share:  # its customers.order_created event
                self.sampled.append((created, pk, cid, o.taken_by, number, o.cents))
            written.append((pk, o))
            pk += 1
            if o.status != "cancelled":
                billed += 1
                month = month_of.get(o.day, 0)
                monthly[month] = monthly.get(month, 0) + o.cents
                if o.day >= since:
                    revenue += o.cents
        self.order_id = pk
        if p.flags[i] & STAR:
            self.star_revenue[p.owner[i]] = self.star_revenue.get(p.owner[i], 0) + revenue
        else:
            self.revenue += revenue
        p.last_order[i] = max(o.day for o in orders)
        self._statements(i, monthly)
        self._contracts(i, revenue, billed)
        if self.rng.random() < COMPLAINT_SHARE:
            self._complaints(i, written)

    def _day_text(self, day: int) -> tuple[str, str]:
        """(``YYYY-MM-DD``, ``YYYYMMDD``) of an epoch day (cached)."""
        text = self._days.get(day)
        if text is None:
            iso = self.timeline.day(day)
            text = self._days[day] = (iso, iso.replace("-", ""))
        return text

    # --- what follows from the orders ----------------------------------------------------------

    def _statements(self, i: int, monthly: dict[int, int]) -> None:
        """Monthly statements (月结) of every closed month; the current month's is not out yet."""
        p, t, rng = self.plan, self.timeline, self.rng
        terms, flags, holder = p.terms[i], p.flags[i], p.holder(i)
        last_closed = len(self.months) - 2
        for index in sorted(monthly):
            if index > last_closed or not monthly[index]:
                continue
            cents = monthly[index]
            due = self.months[index][1] + terms
            overdue = t.today_epoch - due
            if flags & LEAVER and index == last_closed:
                paid = False
            elif overdue > 20:
                paid = rng.random() < (0.6 if flags & PUBLIC else 0.98)
            elif overdue > 0:
                paid = rng.random() < 0.75
            else:
                paid = rng.random() < 0.1
            paid_cents = cents if paid else (0 if flags & LEAVER else cents * rng.choice((0, 0, 3, 5)) // 10)
            self.receivables.append(
                f"{self.ids['receivable']}\t{i + 1}\t{NULL}\t{_money(cents)}\t{_money(paid_cents)}\t"
                f"{t.day(due)}\t{'paid' if paid else 'open'}\t{holder}\n"
            )
            self.ids["receivable"] += 1

    def _contracts(self, i: int, revenue: int, billed: int) -> None:
        """This year's framework contract for current customers, last year's for large ones."""
        p, t, rng = self.plan, self.timeline, self.rng
        tier, flags = p.tier[i], p.flags[i]
        if not (flags & LEAVER or (billed and tier != 2) or billed > 6):
            return
        year = t.today.year
        years = [] if flags & PUBLIC else [year]
        if tier == 0 or flags & PUBLIC:
            years.insert(0, year - 1)
        created = t.date(p.created[i] // DAY)
        cold = VEHICLE_NAMES[p.vehicle[i]] == "冷藏车"
        for y in years:
            starts = max(dt.date(y, 1, 1), created)
            if starts.year > y:
                continue
            self.contract_no[y] += 1
            amount = _money(round(revenue, -6)) if revenue and rng.random() < 0.7 else NULL
            self.contracts.append(
                f"{self.ids['contract']}\t{i + 1}\tSDHT-{y}-{self.contract_no[y]:07d}\t"
                f"{y}年度{'冷链' if cold else '道路货物'}运输服务框架合同\t{starts.isoformat()}\t{y}-12-31\t"
                f"{amount}\t\t\t{p.holder(i)}\n"
            )
            self.ids["contract"] += 1

    def _complaints(self, i: int, written: list[tuple[int, Order]]) -> None:
        """One or two complaints about the customer's orders (the demo's texts)."""
        t, rng = self.timeline, self.rng
        billed = [(pk, o) for pk, o in written if o.status != "cancelled"]
        cold = VEHICLE_NAMES[self.plan.vehicle[i]] == "冷藏车"
        for pk, order in rng.sample(billed, min(len(billed), rng.choice((1, 1, 2)))):
            on = min(order.day + rng.randint(1, 3), t.today_epoch)
            categories = {"延误": 40, "货损": 25, "账单错误": 20, "服务态度": 15} | (
                {"温控异常": 20} if cold else {}
            )
            category = rng.choices(list(categories), weights=list(categories.values()))[0]
            descriptions, resolutions = COMPLAINTS[category]
            origin, destination, cargo, _vehicle = order.tail.split("\t")
            values = {
                "o": origin,
                "d": destination,
                "cargo": cargo,
                "h": rng.randint(3, 20),
                "n": rng.randint(2, 30),
            }
            resolved = t.today_epoch - on > 14 or rng.random() < 0.3
            severity = rng.choice(
                ("high", "medium") if category in ("货损", "温控异常") else ("medium", "low")
            )
            self.complaints.append(
                f"{self.ids['complaint']}\t{i + 1}\t{pk}\t{t.day(on)}\t{category}\t{severity}\t"
                f"{'resolved' if resolved else 'open'}\t{escape(rng.choice(descriptions).format(**values))}\t"
                f"{escape(rng.choice(resolutions)) if resolved else ''}\n"
            )
            self.ids["complaint"] += 1

    # --- the stars -----------------------------------------------------------------------------

    def _stars(self, customers: list[int], lines: list[str]) -> None:
        """Scale each star's orders so their customers bring ``STAR_SHARES`` of the revenue."""
        p = self.plan
        drawn = {i: self._orders_of(i) for i in customers}
        stars = sorted({p.owner[i] for i in customers})
        raw = {s: 0 for s in stars}
        for i, orders in drawn.items():
            raw[p.owner[i]] += sum(
                o.cents for o in orders if o.status != "cancelled" and o.day >= self.revenue_from
            )
        shares = dict(zip(stars, STAR_SHARES, strict=False))
        rest = Decimal(1) - sum(shares.values(), Decimal(0))
        for i, orders in drawn.items():
            star = p.owner[i]
            factor = shares[star] * Decimal(self.revenue) / (rest * raw[star]) if raw[star] else Decimal(1)
            for o in orders:
                o.cents = int((Decimal(o.cents) * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            self._emit(i, orders, lines)


def star_shares_check(writer: CommerceWriter) -> dict[int, Decimal]:
    """Each star's share of the 12-month revenue as written (for the summary)."""
    total = writer.revenue + sum(writer.star_revenue.values())
    return (
        {star: Decimal(cents) / Decimal(total) for star, cents in writer.star_revenue.items()}
        if total
        else {}
    )
