"""Periodic jobs. The Celery beat schedule and ``manage.py run_worker`` / ``run_due_jobs``
all call ``run_due_jobs``; each job is idempotent and runs at most once per period."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from baton.core import clock

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    run: Callable[[dt.datetime], object]


_jobs: dict[str, Job] = {}


def register(
    name: str, every: dt.timedelta
) -> Callable[[Callable[[dt.datetime], object]], Callable[[dt.datetime], object]]:
    def decorator(func: Callable[[dt.datetime], object]) -> Callable[[dt.datetime], object]:
        _jobs[name] = Job(name=name, every=every, run=func)
        return func

    return decorator


def registered() -> list[Job]:
    return sorted(_jobs.values(), key=lambda j: j.name)


def run_due_jobs(*, now: dt.datetime | None = None, only: str | None = None) -> list[str]:
    """Run every job whose period has passed as of ``now``; returns the names that ran."""
    from baton.core.models import JobState

    moment = now or clock.now()
    ran: list[str] = []
    for job in registered():
        if only and job.name != only:
            continue
        with transaction.atomic():
            state, _created = JobState.objects.get_or_create(name=job.name)
            state = JobState.objects.select_for_update().get(pk=state.pk)
            if state.last_run_at is not None and state.last_run_at <= moment < state.last_run_at + job.every:
                continue
            with clock.frozen_at(moment):
                job.run(moment)
            state.last_run_at = moment
            state.save(update_fields=["last_run_at"])
        logger.info("job %s ran as of %s", job.name, moment.isoformat())
        ran.append(job.name)
    return ran
