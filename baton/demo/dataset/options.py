"""What ``generate_dataset`` is asked to make, checked before anything is written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from baton.core import clock

# The dataset's "now" unless --now says otherwise: a fixed moment, so that the same arguments give
# the same data on any day. The benchmark runs its scans "as of" this moment (bench/run.py).
DEFAULT_NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
DEFAULT_SEED = 2026
DEFAULT_LEAVER_CUSTOMERS = 10_000
MIN_EMPLOYEES = 40
MIN_CUSTOMERS = 200
# Orders every one of the leaver's and the stars' customers needs (see plan.py).
LEAVER_MIN_ORDERS = 2
STAR_MIN_ORDERS = 6


class DatasetRefused(Exception):
    """The dataset cannot be made here, or not with these options; nothing was written."""


@dataclass(frozen=True)
class DatasetOptions:
    """The size of the dataset, its seed and its "now". ``leaver_customers`` None means the
    default: 10,000, or 1% of the customers when that is fewer."""

    employees: int = 10_000
    customers: int = 1_000_000
    interactions: int = 10_000_000
    orders: int = 2_000_000
    audit_events: int = 1_000_000
    leaver_customers: int | None = None
    seed: int = DEFAULT_SEED
    now: dt.datetime = DEFAULT_NOW

    @property
    def leaver_count(self) -> int:
        if self.leaver_customers is not None:
            return self.leaver_customers
        return max(1, min(DEFAULT_LEAVER_CUSTOMERS, self.customers // 100))

    def checked(self) -> DatasetOptions:
        """These options, or ``DatasetRefused`` saying which one cannot work."""
        if self.employees < MIN_EMPLOYEES:
            raise DatasetRefused(f"--employees must be at least {MIN_EMPLOYEES}.")
        if self.customers < MIN_CUSTOMERS:
            raise DatasetRefused(f"--customers must be at least {MIN_CUSTOMERS}.")
        if min(self.interactions, self.orders, self.audit_events) < 0:
            raise DatasetRefused("--interactions, --orders and --audit-events cannot be negative.")
        leaver = self.leaver_count
        if not 1 <= leaver <= self.customers // 4:
            raise DatasetRefused(
                "--leaver-customers must be between 1 and a quarter of the customers "
                f"({self.customers // 4})."
            )
        needed = leaver * LEAVER_MIN_ORDERS + 2 * STAR_MIN_ORDERS * stars_portfolio(self.customers)
        if self.orders < needed:
            raise DatasetRefused(
                f"--orders must be at least {needed}: the leaver's customers each need an open order "
                "and a billed one, and the high-revenue salespeople need orders to carry their share."
            )
        if self.now.tzinfo is None:
            raise DatasetRefused("--now needs a time zone.")
        return self


def stars_portfolio(customers: int) -> int:
    """How many large accounts each high-revenue salesperson holds."""
    return max(5, min(40, customers // 2000))


def parse_now(value: str | dt.datetime | None) -> dt.datetime:
    """--now as given (ISO 8601; no offset means Asia/Shanghai), or the fixed default."""
    if value is None or value == "":
        return DEFAULT_NOW
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise DatasetRefused("--now needs a time zone.")
        return value.astimezone(dt.UTC)
    try:
        return clock.parse_iso(value)
    except ValueError as exc:
        raise DatasetRefused(f"--now is not an ISO 8601 time: {value!r}") from exc
