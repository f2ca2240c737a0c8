from celery import shared_task

from baton.core.jobs import run_due_jobs


@shared_task(acks_late=True)
def run_due_jobs_task() -> list[str]:
    """Beat calls this every minute; each job decides for itself whether it is due."""
    return run_due_jobs()
