import logging
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from baton.core import jobs

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Embedded background worker: runs due periodic jobs every --interval seconds (no Redis needed)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=30.0)
        parser.add_argument("--once", action="store_true", help="run due jobs once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = False

        def _stop(signum: int, frame: Any) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        self.stdout.write("Baton worker started")
        while not stop:
            close_old_connections()
            ran = jobs.run_due_jobs()
            if ran:
                logger.info("worker ran %s", ", ".join(ran))
            if options["once"]:
                break
            slept = 0.0
            while not stop and slept < options["interval"]:
                time.sleep(0.5)
                slept += 0.5
