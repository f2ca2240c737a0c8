"""Time in the dataset: its "now", the 15-month window, and fast text for dates and times.

Everything is counted in whole days and seconds from the Unix epoch, and formatted from small
caches instead of through ``datetime`` for each of millions of rows. People work on Shanghai
days: 08:30–18:30 local is 00:30–10:30 UTC on the same date, so a working moment of a local day
is written as that date plus a UTC time of day.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from baton.core import clock

DAY = 86_400
WINDOW_DAYS = 456  # about 15 months of history, today included
SHANGHAI_OFFSET = 8 * 3600
WORK_START = 30 * 60  # 08:30 Shanghai in seconds of the UTC day
WORK_END = 10 * 3600 + 30 * 60  # 18:30 Shanghai
EVENING_START = 11 * 3600  # 19:00 Shanghai
EVENING_END = 14 * 3600  # 22:00 Shanghai
WEEKDAY_WEIGHT, WEEKEND_WEIGHT = 5, 1  # how much more happens on a working day


def _tod(second: int) -> str:
    return f"{second // 3600:02d}:{second % 3600 // 60:02d}:{second % 60:02d}+00"


TIMES_OF_DAY = [_tod(s) for s in range(DAY)]


@dataclass
class Timeline:
    """The dataset's now and its window of days (index 0 = the oldest day, ``today`` the last)."""

    now: dt.datetime
    now_s: int = 0
    today: dt.date = dt.date(2000, 1, 1)
    today_epoch: int = 0  # the local today as days since 1970-01-01
    first_epoch: int = 0  # the first day of the window
    _days: dict[int, str] = field(default_factory=dict)
    weekend: list[bool] = field(default_factory=list)
    _slots: list[int] = field(default_factory=list)  # day index, repeated by its weight
    _slot_start: list[int] = field(default_factory=list)  # first slot of each day

    def __post_init__(self) -> None:
        self.now = self.now.astimezone(dt.UTC)
        self.now_s = int(self.now.timestamp())
        self.today = clock.local_date(self.now)
        self.today_epoch = (self.today - dt.date(1970, 1, 1)).days
        self.first_epoch = self.today_epoch - WINDOW_DAYS + 1
        for index in range(WINDOW_DAYS):
            weekend = self.date(self.first_epoch + index).weekday() >= 5
            self.weekend.append(weekend)
            self._slot_start.append(len(self._slots))
            self._slots += [index] * (WEEKEND_WEIGHT if weekend else WEEKDAY_WEIGHT)
        self._slot_start.append(len(self._slots))

    @property
    def last(self) -> int:
        """Index of today in the window."""
        return WINDOW_DAYS - 1

    @staticmethod
    def date(epoch_day: int) -> dt.date:
        return dt.date(1970, 1, 1) + dt.timedelta(days=epoch_day)

    def day(self, epoch_day: int) -> str:
        """``YYYY-MM-DD`` of a day counted from the epoch (cached)."""
        text = self._days.get(epoch_day)
        if text is None:
            text = self._days[epoch_day] = self.date(epoch_day).isoformat()
        return text

    def stamp(self, seconds: int) -> str:
        """A UTC moment (seconds since the epoch) as COPY text for ``timestamptz``."""
        return f"{self.day(seconds // DAY)} {TIMES_OF_DAY[seconds % DAY]}"

    def index_of(self, seconds: int) -> int:
        """The window index of the local day of a moment, clamped to the window."""
        index = (seconds + SHANGHAI_OFFSET) // DAY - self.first_epoch
        return min(max(index, 0), self.last)

    def epoch_of(self, index: int) -> int:
        return self.first_epoch + index

    def ago(self, days: float) -> int:
        """The moment ``days`` before now, in seconds."""
        return self.now_s - int(days * DAY)

    def weighted_day(self, rng: random.Random, first: int, last: int) -> int:
        """A day index in [first, last], working days ``WEEKDAY_WEIGHT`` times as likely."""
        lo, hi = self._slot_start[first], self._slot_start[last + 1]
        return self._slots[lo + int(rng.random() * (hi - lo))]

    def months(self, count: int) -> list[tuple[int, int]]:
        """The last ``count`` calendar months up to today (the current one ends today), oldest
        first, as (first, last) epoch days."""
        out = []
        index = self.today.year * 12 + self.today.month - 1 - (count - 1)
        for _i in range(count):
            first = dt.date(index // 12, index % 12 + 1, 1)
            nxt = dt.date((index + 1) // 12, (index + 1) % 12 + 1, 1)
            last = min(nxt - dt.timedelta(days=1), self.today)
            epoch = dt.date(1970, 1, 1)
            out.append(((first - epoch).days, (last - epoch).days))
            index += 1
        return out
