"""Celery tasks for the periodic jobs. Thin: they name a job and call ``core.jobs``.

Beat sends ``run_due_jobs_task`` every minute; it sends one ``run_job_task`` per job that
looks due, so jobs spread over the workers. Each ``run_job_task`` decides under the job's
``JobState`` row lock (``core.jobs.job_run``), so a message delivered twice, or a job
dispatched twice, runs once per period. Messages are acknowledged after the task finished
(``CELERY_TASK_ACKS_LATE``): a worker killed mid-job leaves its message to be delivered again.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from baton.core import clock, jobs


def _moment(now: str | None) -> dt.datetime:
    return clock.parse_iso(now) if now else clock.now()


@shared_task(acks_late=True)
def run_due_jobs_task(now: str | None = None) -> list[str]:
    """Send one ``run_job_task`` per job that looks due; returns their names.

    ``now`` (ISO 8601) is passed on only when given (``--now``-style runs); otherwise each job
    uses the time at which it runs.
    """
    due = jobs.jobs_due(now=_moment(now))
    for job in due:
        run_job_task.delay(job.name, now)
    return [job.name for job in due]


@shared_task(acks_late=True)
def run_job_task(name: str, now: str | None = None) -> str:
    """Run the job ``name`` if it is due (as of ``now``, default the current time)."""
    return jobs.job_run(jobs.get(name), now=_moment(now)).value
