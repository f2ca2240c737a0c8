"""Celery application for production mode (Redis broker). Tasks stay thin: they call services.

Logging: the worker and beat log through Django's ``LOGGING`` (JSON lines in production)
instead of Celery's own format: the ``setup_logging`` receiver below applies it, so Celery
leaves the root logger alone.
"""

import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging, worker_init, worker_process_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baton.settings")

app = Celery("baton")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    # A dispatch message nobody took within a minute is dropped: the next one replaces it.
    "run-due-jobs": {
        "task": "baton.core.tasks.run_due_jobs_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}


@setup_logging.connect
def _logging_from_django(**_kwargs: Any) -> None:
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@worker_init.connect
def _metrics_prune(**_kwargs: Any) -> None:
    from baton.core import metrics_files

    metrics_files.prune()


@worker_process_shutdown.connect
def _metrics_process_exited(pid: int | None = None, **_kwargs: Any) -> None:
    from baton.core import metrics_files

    metrics_files.process_exited(pid or os.getpid())
