"""The files of prometheus_client's multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``).

Kept apart from ``baton.core.metrics`` so that gunicorn's master process and Celery's signal
handlers can use it without loading Django.
"""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import multiprocess


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, belongs to another user
        return True
    return True


def prune(directory: str | None = None) -> int:
    """Delete the metric files of processes that no longer run; returns how many.

    Called when the web and worker services start (gunicorn ``on_starting``, Celery
    ``worker_init``): the counts of a previous run go, those of processes still running (the
    other service on this host) stay.
    """
    path = directory or os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not path or not Path(path).is_dir():
        return 0
    removed = 0
    for file in Path(path).glob("*_*.db"):
        pid = file.stem.rsplit("_", 1)[-1]
        if pid.isdigit() and not _running(int(pid)):
            file.unlink(missing_ok=True)
            removed += 1
    return removed


def process_exited(pid: int) -> None:
    """Forget the live gauges of a process that has exited (gunicorn ``child_exit``)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)
