"""The early-warning jobs (scheduler and ``run_due_jobs --now``): the daily scan, the
housekeeping of access counters and health snapshots, and (in ``report_jobs``) the quarterly
report snapshot."""

from __future__ import annotations

import datetime as dt

from baton.core.jobs import register
from baton.risk import report_jobs  # noqa: F401  (registers the quarterly report snapshot)
from baton.risk.services import risk_scan
from baton.risk.services_access import access_counters_purge

# R8 looks back a day at most; R7 compares with 30 days ago. Keep a margin for investigations.
ACCESS_COUNTERS_KEPT = dt.timedelta(days=90)
HEALTH_SNAPSHOTS_KEPT = dt.timedelta(days=400)


@register("risk.daily_scan", every=dt.timedelta(hours=24))
def daily_scan(now: dt.datetime) -> object:
    return risk_scan(now=now)


@register("risk.housekeeping", every=dt.timedelta(hours=24))
def housekeeping(now: dt.datetime) -> object:
    from baton.core import clock
    from baton.risk.models import HealthSnapshot

    counters = access_counters_purge(before=now - ACCESS_COUNTERS_KEPT)
    oldest_day = clock.local_date(now - HEALTH_SNAPSHOTS_KEPT)
    snapshots, _ = HealthSnapshot.objects.filter(day__lt=oldest_day).delete()
    return {"access_counters": counters, "health_snapshots": snapshots}
