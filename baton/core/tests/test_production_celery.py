"""Production mode, for real: a Celery worker process on Redis runs the offboarding reminder
job against PostgreSQL; a worker killed in the middle of the job leaves it to be done exactly
once after its message comes back.

The worker reads the very database this test writes (a transactional test, so rows are
committed) and a Redis database of its own (``BATON_TEST_REDIS_URL``, flushed).
"""

from __future__ import annotations

import datetime as dt
import time

import psycopg
import pytest
from celery import Celery
from django.db import connection
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector

from baton.audit.models import AuditEvent
from baton.core import jobs
from baton.core.models import JobState
from baton.core.tests import production
from baton.notifications.models import Delivery, Notification
from baton.offboarding.models import HandoverItem, ReminderLog

pytestmark = [
    pytest.mark.production,
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
]

VISIBILITY_TIMEOUT = 3  # seconds before the message of a dead worker may be delivered again
RUN_JOB = "baton.core.tasks.run_job_task"
RUN_DUE_JOBS = "baton.core.tasks.run_due_jobs_task"
TOLD = ("S1101", "S1000", "H0001")  # the leaver, the department head, HR


@pytest.fixture
def broker():
    if connection.vendor != "postgresql":
        production.unavailable("needs PostgreSQL: run with DATABASE_URL=postgres://…/baton_prod")
    client = production.redis_flushed()
    producer = Celery("baton-test", broker=production.REDIS_URL, set_as_current=False)
    yield client, producer
    producer.close()
    client.flushdb()
    client.close()


@pytest.fixture
def workers(broker, tmp_path):
    """Start workers on demand; every one still running is stopped at the end."""
    started: list[production.Process] = []
    env = production.production_env(
        DATABASE_URL=production.database_url(connection.settings_dict),
        CELERY_BROKER_URL=production.REDIS_URL,
        BATON_CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        BATON_DB_CONN_MAX_AGE="0",
    )

    def start(**extra_env: str) -> production.Process:
        worker = production.celery_worker({**env, **extra_env}, tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    _wait_until_alone()  # the database is flushed next: no session of a worker may linger


def _wait_until_alone() -> None:
    def alone() -> bool:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return cur.fetchone()[0] == 0

    production.wait_for(alone, timeout=30, what="the workers' database sessions to end")


def _overdue_moment(case) -> dt.datetime:
    """An hour after the first handover item fell due: one reminder is due, no escalation."""
    return HandoverItem.objects.filter(case=case).order_by("due_at").first().due_at + dt.timedelta(hours=1)


def _drained(client) -> bool:
    """Nothing waiting in the queue and nothing taken but unacknowledged."""
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


def _reminders_told_once(case, org) -> None:
    assert ReminderLog.objects.filter(case=case).count() == 1
    assert ReminderLog.objects.get(case=case).level == "reminder"
    for employee_no in TOLD:
        told = Notification.objects.filter(recipient=org.users[employee_no], kind="offboarding.reminder")
        assert told.count() == 1, employee_no
    keys = list(Delivery.objects.values_list("channel", "key", "notification_id", "address"))
    assert len(keys) == len(set(keys))
    assert AuditEvent.objects.filter(action="offboarding.reminder_sent").count() == 1


def _job_runs_counted(directory) -> dict[tuple[str, str], float]:
    """``baton_job_runs_total`` as the web's /metrics would add it up from the shared directory."""
    registry = CollectorRegistry(auto_describe=False)
    MultiProcessCollector(registry, path=str(directory))
    return {
        (s.labels["job"], s.labels["outcome"]): s.value
        for family in registry.collect()
        if family.name == "baton_job_runs"
        for s in family.samples
        if s.name == "baton_job_runs_total"
    }


def test_beat_dispatch_runs_every_due_job_once_on_a_worker(case, crm, broker, workers, tmp_path):
    client, producer = broker
    moment = _overdue_moment(case)
    (tmp_path / "metrics").mkdir()
    worker = workers(PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"))

    producer.send_task(RUN_DUE_JOBS, kwargs={"now": moment.isoformat()})

    every_job = {job.name for job in jobs.registered()}
    production.wait_for(
        lambda: set(JobState.objects.filter(last_run_at=moment).values_list("name", flat=True)) == every_job,
        timeout=60,
        what="every job to run as of the dispatch time",
        log=worker,
    )
    production.wait_for(lambda: _drained(client), timeout=30, what="the queue to drain", log=worker)
    _reminders_told_once(case, crm.org)

    # Beat again for the same moment: every job is done for its period, nothing runs twice.
    again = producer.send_task(RUN_DUE_JOBS, kwargs={"now": moment.isoformat()})
    production.wait_for(
        lambda: f"{RUN_DUE_JOBS}[{again.id}] succeeded in" in worker.output(),
        timeout=30,
        what="the second dispatch",
        log=worker,
    )
    production.wait_for(lambda: _drained(client), timeout=30, what="the queue to drain", log=worker)
    _reminders_told_once(case, crm.org)

    records, stray = production.json_lines(worker.output())
    assert stray == [], "the worker logs JSON lines only in production"
    ran = [r for r in records if r["logger"] == "baton.core.jobs" and r["message"].startswith("job ")]
    assert sorted(r["message"].split()[1] for r in ran) == sorted(every_job)
    # The worker's pool process counted its runs into the host's metrics directory.
    counted = _job_runs_counted(tmp_path / "metrics")
    assert {job for (job, outcome), n in counted.items() if outcome == "ran" and n == 1} == every_job


def _waiting_for_lock(table: str) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_locks WHERE relation = %s::regclass AND NOT granted", [table])
        return cur.fetchone()[0] > 0


def _written_uncommitted(table: str) -> bool:
    """Some other session has inserted into ``table`` in a transaction still open."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_locks WHERE relation = %s::regclass AND granted"
            " AND mode = 'RowExclusiveLock' AND pid <> pg_backend_pid()",
            [table],
        )
        return cur.fetchone()[0] > 0


def _job_row_locked(dsn: str, name: str) -> bool:
    with psycopg.connect(dsn, autocommit=False) as probe:
        try:
            probe.execute("SELECT 1 FROM core_jobstate WHERE name = %s FOR UPDATE NOWAIT", [name])
        except psycopg.errors.LockNotAvailable:
            return True
        return False


@pytest.fixture
def notifications_held(workers):
    """The test holds the notification table, so the reminder job blocks in its middle: it
    has written the ReminderLog row (not yet committed) and waits to notify people. Released
    at the latest before the workers are stopped."""
    blocker = psycopg.connect(production.database_url(connection.settings_dict), autocommit=False)
    blocker.execute("LOCK TABLE notifications_notification IN ACCESS EXCLUSIVE MODE")
    yield blocker
    if not blocker.closed:
        blocker.rollback()
        blocker.close()


def test_a_worker_killed_mid_job_leaves_the_job_done_exactly_once(
    case, crm, broker, workers, notifications_held
):
    client, producer = broker
    moment = _overdue_moment(case)
    dsn = production.database_url(connection.settings_dict)
    JobState.objects.create(name="offboarding.reminders")  # as after any earlier run
    first = workers()
    message = producer.send_task(RUN_JOB, args=["offboarding.reminders", moment.isoformat()])
    production.wait_for(
        lambda: _waiting_for_lock("notifications_notification"),
        timeout=60,
        what="the job to block",
        log=first,
    )
    assert _job_row_locked(dsn, "offboarding.reminders"), "the job holds its JobState row"
    assert _written_uncommitted("offboarding_reminderlog"), "the job has written its ReminderLog row"
    assert not ReminderLog.objects.exists(), "what the job wrote so far is not committed"

    first.kill()
    notifications_held.rollback()
    notifications_held.close()

    unacked = client.zrange("unacked_index", 0, -1, withscores=True)
    assert len(unacked) == 1, "the killed worker's message is taken but not acknowledged"
    taken_at = unacked[0][1]
    time.sleep(max(0.0, taken_at + VISIBILITY_TIMEOUT + 0.5 - time.time()))
    second = workers()  # restores messages older than the visibility timeout as it starts

    production.wait_for(
        lambda: JobState.objects.filter(name="offboarding.reminders", last_run_at=moment).exists(),
        timeout=60,
        what="the job to run after redelivery",
        log=second,
    )
    production.wait_for(lambda: _drained(client), timeout=30, what="the queue to drain", log=second)

    assert f"{RUN_JOB}[{message.id}] received" in second.output(), "the same message came back"
    _reminders_told_once(case, crm.org)
    ran = [
        line
        for line in (first.output() + second.output()).splitlines()
        if "job offboarding.reminders ran" in line
    ]
    assert len(ran) == 1
