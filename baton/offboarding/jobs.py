"""Offboarding's periodic jobs (run by the scheduler and by ``run_due_jobs --now``)."""

from __future__ import annotations

import datetime as dt

from baton.core.jobs import register
from baton.offboarding import services


@register("offboarding.reminders", every=dt.timedelta(minutes=15))
def reminders(now: dt.datetime) -> object:
    return services.reminders_run(now=now)


@register("offboarding.last_day", every=dt.timedelta(minutes=15))
def last_day(now: dt.datetime) -> object:
    return services.cases_last_day_run(now=now)


@register("offboarding.revisits_overdue", every=dt.timedelta(hours=1))
def revisits_overdue(now: dt.datetime) -> object:
    return services.revisits_overdue_run(now=now)
