"""The daily risk scan (scheduler and ``run_due_jobs --now``)."""

from __future__ import annotations

import datetime as dt

from baton.core.jobs import register
from baton.risk.services import risk_scan


@register("risk.daily_scan", every=dt.timedelta(hours=24))
def daily_scan(now: dt.datetime) -> object:
    return risk_scan(now=now)
