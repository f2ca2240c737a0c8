"""The one clock. Code that depends on "now" asks here, so tests and ``--now`` can set it."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar

_frozen: ContextVar[dt.datetime | None] = ContextVar("baton_frozen_now", default=None)


def now() -> dt.datetime:
    """Current time, timezone-aware in UTC."""
    frozen = _frozen.get()
    if frozen is not None:
        return frozen
    return dt.datetime.now(dt.UTC)


@contextlib.contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Run a block as if it were ``moment`` (must be timezone-aware)."""
    if moment.tzinfo is None:
        raise ValueError("frozen_at needs a timezone-aware datetime")
    token = _frozen.set(moment.astimezone(dt.UTC))
    try:
        yield moment
    finally:
        _frozen.reset(token)


def parse_iso(value: str) -> dt.datetime:
    """Parse an ISO 8601 time; a time without offset is read as Asia/Shanghai."""
    from zoneinfo import ZoneInfo

    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    return parsed.astimezone(dt.UTC)


SHANGHAI_NAME = "Asia/Shanghai"


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar day in Asia/Shanghai (the day people see) of a UTC moment."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(SHANGHAI_NAME)).date()


def local_moment(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """``day`` at ``hour:minute`` Asia/Shanghai, as a UTC time."""
    from zoneinfo import ZoneInfo

    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(SHANGHAI_NAME)).astimezone(
        dt.UTC
    )
