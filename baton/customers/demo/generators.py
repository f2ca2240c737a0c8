"""Pure generators of the demo (no database): identities, prices, the in-memory plan of a customer."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from baton.customers.demo.data import (
    BRAND_CHARS,
    CITIES,
    CITY_WEIGHTS,
    COUNTY_CITIES,
    DISTRICTS,
    FEN,
    INDUSTRY_WEIGHTS,
    INDUSTRY_WORDS,
    MUNICIPALITIES,
    PROVINCE_NAMES,
    REGION_WEIGHTS,
    ROADS,
    SHANGHAI,
    VEHICLES,
)
from baton.customers.models import (
    Contact,
    Customer,
    CustomerStatus,
    Pool,
)
from baton.customers.services.identity import credit_code_check_char, normalize_name

# --- Pure generators (no database) -------------------------------------------------------------


def part_rng(seed: int, part: str) -> random.Random:
    """An independent random stream for one part of the demo (names, history, story …)."""
    return random.Random(f"baton-demo-customers:{seed}:{part}")


def _weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _org_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714): 8 characters and its check character."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "".join(rng.choice("0123456789") if i < 2 else rng.choice(alphabet) for i in range(8))
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def credit_code(rng: random.Random, area: str) -> str:
    """A unified social credit code (GB 32100) of a company registered in ``area``."""
    first17 = "91" + area + _org_code(rng)
    return first17 + credit_code_check_char(first17)


@dataclass(frozen=True)
class CompanyIdentity:
    """Who a customer is: its registered name and where it sits."""

    name: str
    brand: str
    city: str
    region: str
    industry: str
    credit_code: str
    address: str
    domain: str


def company_identities(*, seed: int, count: int) -> list[CompanyIdentity]:
    """``count`` distinct companies (city + 字号 + industry word + 有限公司) with credit codes for
    about 90% of them; the same seed always gives the same companies in the same order."""
    rng = part_rng(seed, "names")
    brands = list(BRAND_CHARS)
    cities_by_region: dict[str, dict[str, float]] = defaultdict(dict)
    for city, row in CITIES.items():
        cities_by_region[row[1]][city] = CITY_WEIGHTS.get(city, 1)
    seen: set[str] = set()
    codes: set[str] = set()
    out: list[CompanyIdentity] = []
    while len(out) < count:
        region = _weighted(rng, REGION_WEIGHTS)
        city = _weighted(rng, cities_by_region[region])
        industry = _weighted(rng, INDUSTRY_WEIGHTS)
        b1, b2 = rng.sample(brands, 2)
        brand = b1 + b2
        word = rng.choice(INDUSTRY_WORDS[industry])
        suffix = rng.choices(("有限公司", "股份有限公司", "有限责任公司"), weights=(86, 8, 6))[0]
        form = rng.random()
        if form < 0.12:
            name = f"{brand}{word}（{city}）{suffix}"
        elif form < 0.3 and city not in COUNTY_CITIES:
            name = f"{city}市{brand}{word}{suffix}"
        else:
            name = f"{city}{brand}{word}{suffix}"
        key = normalize_name(name)
        if brand == "顺达" or key in seen or normalize_name(f"{city}{brand}{word}") in seen:
            continue
        seen.add(key)
        seen.add(normalize_name(f"{city}{brand}{word}"))
        province, _region, area, city_py, _lat, _lon = CITIES[city]
        districts = DISTRICTS[city]
        code = ""
        if rng.random() < 0.9:
            code = credit_code(rng, area)
            if code in codes:
                continue
            codes.add(code)
        place = f"{city}市" if city not in MUNICIPALITIES else ""
        head = PROVINCE_NAMES.get(province, f"{province}省")
        address = f"{head}{place}{rng.choice(districts)}{rng.choice(ROADS)}{rng.randint(1, 388)}号" + (
            f"{rng.randint(1, 12)}栋" if rng.random() < 0.35 else ""
        )
        domain = f"{BRAND_CHARS[b1]}{BRAND_CHARS[b2]}-{city_py}.example"
        out.append(CompanyIdentity(name, brand, city, region, industry, code, address, domain))
    return out


def names_digest(identities: list[CompanyIdentity]) -> str:
    """A fingerprint of the generated names, to compare two generations."""
    return hashlib.sha256("\n".join(i.name for i in identities).encode()).hexdigest()


def _km(a: str, b: str) -> float:
    """Road distance, approximated as 1.25 times the great-circle distance."""
    if a == b:
        return 45.0
    lat1, lon1 = (math.radians(x) for x in CITIES[a][4:6])
    lat2, lon2 = (math.radians(x) for x in CITIES[b][4:6])
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 1.25 * 2 * 6371 * math.asin(math.sqrt(h))


def lane_price(origin: str, destination: str, vehicle: str) -> int:
    """List price of a full truck on a lane, in CNY, rounded to 10."""
    fixed, per_km = VEHICLES[vehicle]
    return int(round((fixed + per_km * _km(origin, destination)) / 10) * 10)


# --- The plan of one customer, built in memory -----------------------------------------------


@dataclass
class Person:
    name: str
    surname: str
    title: str
    address_as: str  # 王经理, 李总
    phone: str
    wechat_id: str
    email: str


@dataclass
class Plan:
    """Everything about one customer before it is written."""

    identity: CompanyIdentity
    tier: str
    status: str = CustomerStatus.ACTIVE
    key: bool = False
    pool: Pool | None = None
    owner: Any = None  # Employee
    former_owner: Any = None  # for customers returned or released to the public pool
    left_at: dt.datetime | None = None  # when it went back to the public pool
    left_kind: str = ""
    collaborator: Any = None
    created_at: dt.datetime | None = None
    owned_since: dt.datetime | None = None
    people: list[Person] = field(default_factory=list)
    lanes: list[tuple[str, str]] = field(default_factory=list)
    cargo: str = ""
    vehicle: str = ""
    terms: int = 30
    lead_days: int = 1
    rate_factor: float = 1.0
    monthly_orders: float = 0.0
    last_order_cap: dt.date | None = None
    declining: bool = False
    warn: bool = False
    tags: list[str] = field(default_factory=list)
    source: str = ""
    customer: Customer | None = None
    contacts: list[Contact] = field(default_factory=list)

    @property
    def boss(self) -> str:
        for p in self.people:
            if p.title == "总经理":
                return p.address_as
        return self.people[0].surname + "总"

    @property
    def team_id(self) -> int | None:
        return self.pool.team_id if self.pool is not None else None


def _local(day: dt.date, rng: random.Random, *, evening: bool = False) -> dt.datetime:
    """A time of the working day (or the evening, for WeChat) on ``day`` in Shanghai, as UTC."""
    minutes = rng.randint(19 * 60, 22 * 60) if evening else rng.randint(8 * 60 + 30, 18 * 60 + 30)
    local = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60, rng.randint(0, 59)), SHANGHAI)
    return local.astimezone(dt.UTC)


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(FEN, rounding=ROUND_HALF_UP)


def _months(today: dt.date, count: int = 12) -> list[tuple[dt.date, dt.date]]:
    """The last ``count`` calendar months up to today (the current one ends today), oldest first,
    as (first day, last day) — the months ``customers.selectors.monthly_volume`` shows."""
    out = []
    index = today.year * 12 + today.month - 1 - (count - 1)
    for _i in range(count):
        first = dt.date(index // 12, index % 12 + 1, 1)
        nxt = dt.date((index + 1) // 12, (index + 1) % 12 + 1, 1)
        out.append((first, min(nxt - dt.timedelta(days=1), today)))
        index += 1
    return out
