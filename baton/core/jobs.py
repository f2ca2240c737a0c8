"""Periodic jobs. The Celery beat schedule and ``manage.py run_worker`` / ``run_due_jobs``
all end in ``job_run``; each job is idempotent and runs at most once per period.

A job runs inside one transaction that holds its ``JobState`` row (``SELECT … FOR UPDATE``):
two workers handed the same job wait for each other, and the second sees the period done.
A worker killed mid-job leaves no trace (its transaction rolls back), so the job runs again,
once, when its message is delivered again.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction

from baton.core import clock, metrics

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    run: Callable[[dt.datetime], object]


class Outcome(StrEnum):
    RAN = "ran"
    NOT_DUE = "not_due"
    FAILED = "failed"


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


def get(name: str) -> Job:
    """The registered job called ``name``; KeyError for an unknown name."""
    return _jobs[name]


def _done_for_period(last_run_at: dt.datetime | None, job: Job, moment: dt.datetime) -> bool:
    return last_run_at is not None and last_run_at <= moment < last_run_at + job.every


def jobs_due(*, now: dt.datetime) -> list[Job]:
    """The jobs whose period has passed as of ``now``, read without locks (a hint for
    dispatching; ``job_run`` decides under the row lock)."""
    from baton.core.models import JobState

    last = dict(JobState.objects.values_list("name", "last_run_at"))
    return [job for job in registered() if not _done_for_period(last.get(job.name), job, now)]


def job_run(job: Job, *, now: dt.datetime) -> Outcome:
    """Run ``job`` as of ``now`` unless it already ran in this period; one transaction."""
    from baton.core.models import JobState

    started = time.monotonic()
    outcome = Outcome.FAILED  # until the transaction has committed
    try:
        with transaction.atomic():
            state, _created = JobState.objects.get_or_create(name=job.name)
            state = JobState.objects.select_for_update().get(pk=state.pk)
            if _done_for_period(state.last_run_at, job, now):
                done = Outcome.NOT_DUE
            else:
                with clock.frozen_at(now):
                    job.run(now)
                state.last_run_at = now
                state.save(update_fields=["last_run_at"])
                done = Outcome.RAN
        outcome = done
    finally:
        metrics.job_observed(job=job.name, outcome=outcome, seconds=time.monotonic() - started)
        if outcome is Outcome.FAILED:  # the exception itself goes on to the caller
            logger.error("job %s failed as of %s", job.name, now.isoformat())
    if outcome is Outcome.RAN:
        logger.info("job %s ran as of %s", job.name, now.isoformat())
    return outcome


def run_due_jobs(*, now: dt.datetime | None = None, only: str | None = None) -> list[str]:
    """Run every job whose period has passed as of ``now``, one after the other in this
    process; returns the names that ran."""
    moment = now or clock.now()
    return [
        job.name
        for job in registered()
        if (not only or job.name == only) and job_run(job, now=moment) is Outcome.RAN
    ]
