"""A year of history for the planned customers: interactions, orders, the S1101 story, statements."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from baton.customers.demo.data import (
    CARGO_BY_INDUSTRY,
    COLD_TEXTS,
    COMPLAINTS,
    CUSTOMER_WECHATS,
    DECLINE_TEXTS,
    NEXT_STEPS,
    PRIVATE_MESSAGE,
    SHANGHAI,
    STORY_EMPLOYEE,
    STORY_SHARE,
    TEXTS,
    VAGUE_TEXTS,
)
from baton.customers.demo.generators import (
    Plan,
    _local,
    _money,
    _months,
    _poisson,
    _weighted,
    lane_price,
    part_rng,
)
from baton.customers.demo.seeder import (
    Seeding,
)
from baton.customers.models import (
    Complaint,
    ComplaintSeverity,
    ComplaintStatus,
    Contract,
    CustomerStatus,
    Interaction,
    InteractionChannel,
    Order,
    OrderStatus,
    OwnershipChangeKind,
    Receivable,
    ReceivableStatus,
    Tier,
)

# --- History: interactions and orders ----------------------------------------------------------


def _history(s: Seeding) -> None:
    """Orders and interactions of the last 12 months of every customer but S1101's (_story)."""
    rng = part_rng(s.ctx.seed, "history")
    for plan in s.plans:
        if plan.owner is None or plan.owner.employee_no != STORY_EMPLOYEE:
            _orders_for(s, rng, plan)
            _interactions_for(s, rng, plan, fixed=[])


def _orders_for(s: Seeding, rng: random.Random, plan: Plan, counts: dict[int, int] | None = None) -> None:
    """Orders month by month at the customer's rate (or ``counts`` orders in the given months)."""
    if plan.status == CustomerStatus.PROSPECT or (plan.pool is s.public and not plan.left_kind):
        return
    assert plan.created_at is not None
    months = _months(s.today)
    start = max(months[0][0], plan.created_at.date())
    end = min(s.today, plan.last_order_cap or s.today)
    if start > end:
        return
    drawn: list[dt.date] = []
    for index, (first, last) in enumerate(months):
        lo, hi = max(first, start), min(last, end)
        if lo > hi:
            continue
        if counts is not None and index in counts:
            n = counts[index]
        else:
            n = _poisson(rng, plan.monthly_orders * ((hi - lo).days + 1) / 30.4)
        drawn += [lo + dt.timedelta(days=rng.randint(0, (hi - lo).days)) for _i in range(n)]
    if plan.last_order_cap is not None:
        drawn.append(end)
    elif plan.status == CustomerStatus.ACTIVE and not any((s.today - d).days <= 45 for d in drawn):
        drawn.append(max(start, s.today - dt.timedelta(days=rng.randint(0, 44))))
    s.orders_of[id(plan)] += [_order(s, rng, plan, day) for day in sorted(drawn)]


def _order(s: Seeding, rng: random.Random, plan: Plan, day: dt.date) -> Order:
    origin, destination = rng.choice(plan.lanes)
    vehicle = plan.vehicle
    if vehicle not in ("冷藏车", "危险品车") and rng.random() < 0.15:
        vehicle = rng.choice(("4.2米厢式货车", "6.8米厢式货车", "9.6米厢式货车", "13米高栏车"))
    amount = lane_price(origin, destination, vehicle) * plan.rate_factor * rng.uniform(0.93, 1.08)
    age = (s.today - day).days
    if rng.random() < 0.015:
        status = OrderStatus.CANCELLED
    elif age <= 1:
        status = rng.choice((OrderStatus.OPEN, OrderStatus.IN_TRANSIT))
    elif age <= 4:
        status = rng.choice((OrderStatus.IN_TRANSIT, OrderStatus.DELIVERED))
    elif (day.year, day.month) == (s.today.year, s.today.month):
        status = OrderStatus.DELIVERED  # this month's statement is not out yet
    else:
        status = OrderStatus.CLOSED
    holder = plan.owner or plan.former_owner
    taken_by = plan.collaborator if plan.collaborator is not None and rng.random() < 0.1 else holder
    made = dt.datetime.combine(day, dt.time(rng.randint(1, 10), rng.randint(0, 59)), dt.UTC)
    return Order(
        customer=plan.customer,
        number="",  # numbered in date order when inserted
        order_date=day,
        route_from=origin,
        route_to=destination,
        cargo=plan.cargo if rng.random() < 0.9 else rng.choice(CARGO_BY_INDUSTRY[plan.identity.industry]),
        vehicle_type=vehicle,
        amount=_money(round(amount, -1)),
        status=status,
        taken_by=taken_by,
        receivable_owner=holder,
        created_at=min(made, s.now),
    )


def _walk(
    rng: random.Random, *, span: int, max_gap: int, first: tuple[int, int], fixed: list[int]
) -> list[int]:
    """Days-ago of follow-ups from today back to ``span`` days ago: the latest within ``first``
    (a range of days ago), none more than ``max_gap`` days apart, counting the ``fixed`` ones
    (somebody else's follow-ups) too. Returns only the new ones."""
    out: list[int] = []
    cursor = 0
    proposal = rng.randint(*first)
    while proposal <= span:
        between = [f for f in fixed if cursor < f <= proposal]
        if between:
            cursor = max(between)
        else:
            out.append(proposal)
            cursor = proposal
        proposal = cursor + max(1, round(max_gap * rng.uniform(0.35, 1.0)))
    return out


def _interactions_for(s: Seeding, rng: random.Random, plan: Plan, fixed: list[int]) -> None:
    """Follow-ups often enough that no owned customer is due back to the public pool (a few are in
    the warning period on purpose); none after a customer went to the public pool."""
    if plan.pool is s.public and not plan.left_kind:
        return
    assert plan.created_at is not None
    fu, _deal, warn = s.limits(plan.tier)
    since = plan.owned_since or plan.created_at
    if plan.left_kind and plan.left_at is not None:
        # The former owner stopped following it up; it went back when the time ran out.
        quiet = fu if plan.left_kind == OwnershipChangeKind.RETURNED else 10
        last = (s.now - plan.left_at).days + quiet
        days = _walk(
            rng, span=min(364, (s.now - since).days), max_gap=fu - 3, first=(last, last + 2), fixed=[]
        )
    else:
        cap = fu - warn - 3  # three days' margin for moving weekend visits to Friday
        first = (fu - warn + 1, fu - 1) if plan.warn else (1, min(cap, 10))
        days = _walk(rng, span=min(364, (s.now - since).days), max_gap=cap, first=first, fixed=fixed)
    for ago in days:
        s.interactions.append(_interaction(s, rng, plan, ago, by=_who(rng, plan)))


def _who(rng: random.Random, plan: Plan) -> Any:
    holder = plan.owner or plan.former_owner
    if plan.collaborator is not None and rng.random() < 0.35:
        return plan.collaborator
    team = plan.pool.team if plan.pool is not None else None
    if plan.key and team is not None and team.lead is not None and rng.random() < 0.06:
        return team.lead
    return holder


def _fill(plan: Plan, rng: random.Random, day: dt.date) -> dict[str, Any]:
    """Values for the placeholders of a text, consistent with what the customer ships."""
    origin, destination = rng.choice(plan.lanes)
    shipments = rng.randint(8, 60)
    return {
        "who": plan.people[0].address_as if rng.random() < 0.7 else rng.choice(plan.people).address_as,
        "boss": plan.boss,
        "o": origin,
        "d": destination,
        "lane": f"{origin}{rng.choice(('→', '到', '→', '-'))}{destination}",
        "cargo": plan.cargo,
        "vehicle": plan.vehicle,
        "n": rng.randint(1, 4),
        "tons": rng.choice((80, 120, 150, 200, 300, 500)) * (3 if plan.tier == Tier.LARGE else 1),
        "wan": rng.choice(("1", "2", "3", "5", "10"))
        if plan.tier == Tier.LARGE
        else rng.choice(("0.5", "1")),
        "terms": plan.terms,
        "lead": plan.lead_days,
        "k": shipments,
        "k_on": shipments - rng.choice((0, 0, 1, 1, 2)),
        "dmg": rng.choice((0, 0, 0, 1)),
        "month": (day.month - 2) % 12 + 1,  # last month
        "price": lane_price(origin, destination, plan.vehicle),
        "h": rng.randint(2, 8),
        "len": rng.choice(("9.6", "13")),
        "year": day.year + 1 if day.month >= 10 else day.year,  # contracts renew in the autumn
    }


def _interaction(
    s: Seeding,
    rng: random.Random,
    plan: Plan,
    ago: int,
    *,
    by: Any,
    channel: str | None = None,
    text: str | None = None,
) -> Interaction:
    day = s.local_day(ago)
    if channel is None:
        channel = rng.choices(
            list(TEXTS), weights=(34, 30, 10, 4 if plan.tier == Tier.SMALL else 12, 5 if plan.key else 1, 8)
        )[0]
        if day.weekday() >= 5 and rng.random() < 0.8:
            channel = InteractionChannel.WECHAT  # weekends happen on WeChat
    if text is None:
        texts = TEXTS[channel]
        if plan.vehicle == "冷藏车" and channel in (InteractionChannel.CALL, InteractionChannel.WECHAT):
            texts = texts + COLD_TEXTS
        text = rng.choice(texts)
    content = text.format(**_fill(plan, rng, day))
    when = _local(day, rng, evening=channel == InteractionChannel.WECHAT and rng.random() < 0.2)
    if when > s.now:
        when = s.now - dt.timedelta(minutes=rng.randint(5, 90))
    direction, duration = "", None
    inbound = text in CUSTOMER_WECHATS or text.startswith("{who}来电")
    if channel == InteractionChannel.CALL:
        direction, duration = ("in" if inbound else "out"), rng.randint(45, 900)
    elif channel in (InteractionChannel.WECHAT, InteractionChannel.EMAIL):
        direction = "in" if inbound else "out"
    known = [c for c in plan.contacts if c.created_at <= when] or plan.contacts[:1]
    contact = known[0] if rng.random() < 0.7 else rng.choice(known)
    return Interaction(
        customer=plan.customer,
        contact=contact,
        employee=by,
        channel=channel,
        occurred_at=when,
        direction=direction,
        duration_seconds=duration,
        content=content,
        next_step="" if channel == InteractionChannel.NOTE else rng.choice(NEXT_STEPS),
        created_at=min(when + dt.timedelta(minutes=rng.randint(1, 240)), s.now),
    )


# --- The story of S1101 ------------------------------------------------------------------------


def _story(s: Seeding) -> None:
    """S1101's customers: orders (four large accounts in decline, revenue scaled to about 15% of
    the company's), his own interactions week by week (about five, then one a week for the last
    two) and the specialists' follow-ups that keep his accounts in the team pool."""
    rng = part_rng(s.ctx.seed, "story")
    story = s.story()
    for plan in story:
        if plan.tier == Tier.LARGE:  # his big accounts ship more, and at better rates
            plan.monthly_orders = rng.uniform(12, 17)
            plan.rate_factor = rng.uniform(1.0, 1.15)
        counts = None
        if plan.declining:
            base = plan.monthly_orders
            counts = {
                8: round(base * rng.uniform(0.95, 1.1)),
                9: round(base * rng.uniform(0.6, 0.7)),
                10: round(base * rng.uniform(0.3, 0.4)),
                11: max(1, round(base * rng.uniform(0.08, 0.15))),
            }
        _orders_for(s, rng, plan, counts)
        if plan.declining:
            _force_decline(s, rng, plan)
    _calibrate_share(s, rng, story)

    weekly = [1, 1, *_around(rng, 5, 8), *(rng.choice((4, 5, 5, 6, 6)) for _w in range(42))]
    weights = [{Tier.LARGE: 3.0, Tier.MEDIUM: 1.5, Tier.SMALL: 0.7}[Tier(p.tier)] for p in story]
    declining = [p for p in story if p.declining]
    own: dict[int, list[int]] = defaultdict(list)
    for week, count in enumerate(weekly):
        weekdays = [7 * week + d for d in range(1, 7) if s.local_day(7 * week + d).weekday() < 5]
        for i in range(count):
            ago = rng.choice(weekdays)
            if week == 0 and i == 0:
                # Asking a big customer to move to his private WeChat (captured by the company
                # WeChat archive), days before he hands in his notice.
                plan = declining[0]
                interaction = _interaction(
                    s, rng, plan, ago, by=plan.owner, channel=InteractionChannel.WECHAT, text=PRIVATE_MESSAGE
                )
                interaction.direction, interaction.next_step = "out", ""
            elif week < 10 and rng.random() < 0.7:
                # His last two months of notes: visits that were a formality (走过场).
                plan = rng.choices(story, weights=weights)[0]
                channel, text = rng.choice(VAGUE_TEXTS)
                interaction = _interaction(s, rng, plan, ago, by=plan.owner, channel=channel, text=text)
                interaction.next_step = ""
            else:
                plan = rng.choices(story, weights=weights)[0]
                interaction = _interaction(s, rng, plan, ago, by=plan.owner)
            own[id(plan)].append(ago)
            s.interactions.append(interaction)
    for plan in story:
        before = len(s.interactions)
        _interactions_for(s, rng, plan, fixed=own[id(plan)])
        for interaction in s.interactions[before:]:
            interaction.employee = plan.collaborator or plan.owner
        if plan.declining:
            for ago in (rng.randint(20, 40), rng.randint(45, 70)):
                s.interactions.append(
                    _interaction(
                        s,
                        rng,
                        plan,
                        ago,
                        by=plan.collaborator,
                        channel=InteractionChannel.NOTE,
                        text=rng.choice(DECLINE_TEXTS),
                    )
                )


def _around(rng: random.Random, mean: int, weeks: int) -> list[int]:
    """``weeks`` weekly counts that differ by a little but add up to ``mean * weeks``."""
    counts = [mean] * weeks
    for _i in range(weeks):
        a, b = rng.sample(range(weeks), 2)
        if counts[a] > mean - 2 and counts[b] < mean + 2:
            counts[a] -= 1
            counts[b] += 1
    return counts


def _month_totals(s: Seeding, orders: list[Order]) -> list[tuple[int, Decimal]]:
    totals = []
    for first, last in _months(s.today):
        inside = [o for o in orders if first <= o.order_date <= last]
        totals.append((len(inside), sum((o.amount for o in inside), Decimal("0"))))
    return totals


def _force_decline(s: Seeding, rng: random.Random, plan: Plan) -> None:
    """Each of the last three months below the one before, in orders and in money."""
    orders = s.orders_of[id(plan)]
    for o in orders:
        if o.status == OrderStatus.CANCELLED:
            o.status = OrderStatus.CLOSED
    months = _months(s.today)
    for index in (9, 10, 11):
        first, last = months[index]
        totals = _month_totals(s, orders)
        (prev_n, prev_amount), (n, amount) = totals[index - 1], totals[index]
        if n >= prev_n:
            inside = [o for o in orders if first <= o.order_date <= last]
            for o in inside[: n - prev_n + 1]:
                orders.remove(o)
            n, amount = _month_totals(s, orders)[index]
        if n and amount >= prev_amount * Decimal("0.9"):
            factor = Decimal(str(rng.uniform(0.6, 0.85))) * prev_amount / amount
            for o in orders:
                if first <= o.order_date <= last:
                    o.amount = _money(o.amount * factor)


def _revenue(orders: list[Order]) -> Decimal:
    return sum((o.amount for o in orders if o.status != OrderStatus.CANCELLED), Decimal("0"))


def _calibrate_share(s: Seeding, rng: random.Random, story: list[Plan]) -> None:
    """Scale S1101's order amounts once so that his customers bring about 15% of the revenue."""
    ids = {id(p) for p in story}
    theirs = sum((_revenue(o) for key, o in s.orders_of.items() if key in ids), Decimal("0"))
    others = sum((_revenue(o) for key, o in s.orders_of.items() if key not in ids), Decimal("0"))
    share = Decimal(str(rng.uniform(*STORY_SHARE)))
    factor = share / (1 - share) * others / theirs
    s.story_scale = factor
    for key in ids:
        for o in s.orders_of[key]:
            o.amount = _money(o.amount * factor)


# --- Statements, contracts, complaints ---------------------------------------------------------


def _commerce(s: Seeding) -> None:
    """Monthly statements (月结) with some overdue, framework contracts, complaints."""
    rng = part_rng(s.ctx.seed, "commerce")
    months = _months(s.today)
    contract_no: Counter[int] = Counter()
    for plan in s.plans:
        orders = [o for o in s.orders_of.get(id(plan), []) if o.status != OrderStatus.CANCELLED]
        holder = plan.owner or plan.former_owner
        # Statements of every closed month; the current month's is not out yet.
        for first, last in months[:-1]:
            billed = [o for o in orders if first <= o.order_date <= last]
            if not billed:
                continue
            amount = sum((o.amount for o in billed), Decimal("0"))
            due = last + dt.timedelta(days=plan.terms)
            overdue_days = (s.today - due).days
            if overdue_days > 20:
                paid = rng.random() < (0.6 if plan.left_kind else 0.98)
            elif overdue_days > 0:
                paid = rng.random() < 0.75
            else:
                paid = rng.random() < 0.1
            paid_amount = amount if paid else _money(amount * Decimal(rng.choice(("0", "0", "0.3", "0.5"))))
            s.receivables.append(
                Receivable(
                    customer=plan.customer,
                    amount=amount,
                    paid_amount=paid_amount,
                    due_on=due,
                    status=ReceivableStatus.PAID if paid else ReceivableStatus.OPEN,
                    owner=holder,
                )
            )
        # Framework contracts: this year's for current customers, last year's for large ones.
        if (orders and plan.tier != Tier.SMALL) or len(orders) > 6:
            years = [s.today.year] if not plan.left_kind else []
            if plan.tier == Tier.LARGE or plan.left_kind:
                years.insert(0, s.today.year - 1)
            for year in years:
                assert plan.created_at is not None
                starts = max(dt.date(year, 1, 1), plan.created_at.date())
                if starts > dt.date(year, 12, 31):
                    continue
                contract_no[year] += 1
                cold = plan.vehicle == "冷藏车"
                s.contracts.append(
                    Contract(
                        customer=plan.customer,
                        number=f"SDHT-{year}-{contract_no[year]:04d}",
                        title=f"{year}年度{'冷链' if cold else '道路货物'}运输服务框架合同",
                        starts_on=starts,
                        ends_on=dt.date(year, 12, 31),
                        amount=_money(round(float(_revenue(orders)), -4))
                        if orders and rng.random() < 0.7
                        else None,
                        owner=holder,
                    )
                )
        # Complaints on about one in twelve customers with orders.
        if orders and rng.random() < 0.08:
            for order in rng.sample(orders, min(len(orders), rng.choice((1, 1, 2)))):
                _complaint(s, rng, plan, order)


def _complaint(s: Seeding, rng: random.Random, plan: Plan, order: Order) -> None:
    on = min(order.order_date + dt.timedelta(days=rng.randint(1, 3)), s.today)
    categories = {"延误": 40, "货损": 25, "账单错误": 20, "服务态度": 15}
    if plan.vehicle == "冷藏车":
        categories["温控异常"] = 20
    category = _weighted(rng, categories)
    descriptions, resolutions = COMPLAINTS[category]
    values = {"o": order.route_from, "d": order.route_to, "cargo": order.cargo, "h": rng.randint(3, 20)}
    values["n"] = rng.randint(2, 30)
    description = rng.choice(descriptions).format(**values)
    resolved = (s.today - on).days > 14 or rng.random() < 0.3
    s.complaints.append(
        Complaint(
            customer=plan.customer,
            order=order,
            occurred_on=on,
            category=category,
            severity=rng.choice(
                (ComplaintSeverity.HIGH, ComplaintSeverity.MEDIUM)
                if category in ("货损", "温控异常")
                else (ComplaintSeverity.MEDIUM, ComplaintSeverity.LOW)
            ),
            status=ComplaintStatus.RESOLVED if resolved else ComplaintStatus.OPEN,
            description=description,
            resolution=rng.choice(resolutions) if resolved else "",
        )
    )
    ago = (s.now.astimezone(SHANGHAI).date() - on).days
    if ago >= 1 and plan.contacts:
        taker = plan.owner or plan.former_owner
        if plan.collaborator is not None and taker.employee_no == STORY_EMPLOYEE:
            taker = plan.collaborator  # his own interactions are counted week by week (_story)
        s.interactions.append(
            _interaction(
                s,
                rng,
                plan,
                ago,
                by=taker,
                channel=InteractionChannel.CALL,
                text="{who}来电投诉：" + description,
            )
        )
