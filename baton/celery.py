"""Celery application for production mode (Redis broker). Tasks stay thin: they call services."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baton.settings")

app = Celery("baton")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    "run-due-jobs": {"task": "baton.core.tasks.run_due_jobs_task", "schedule": 60.0},
}
