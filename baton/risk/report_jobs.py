"""The quarterly snapshot of the concentration report (scheduler and ``run_due_jobs --now``).

The job is looked at every day but acts only on the first day of a quarter (Asia/Shanghai),
storing the quarter that just closed for every company that has no final snapshot of it yet;
running it again the same day changes nothing (``report_services.report_snapshots_due``).
"""

from __future__ import annotations

import datetime as dt

from baton.core.jobs import register
from baton.risk.report_services import report_snapshots_due


@register("risk.quarterly_report_snapshot", every=dt.timedelta(days=1))
def quarterly_report_snapshot(now: dt.datetime) -> object:
    return report_snapshots_due(now=now)
