from typing import Any

from django.core.management.base import BaseCommand, CommandError

from baton.core import clock, jobs


class Command(BaseCommand):
    help = "Run every periodic job that is due as of --now (default: the current time)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", help="ISO 8601 time; without an offset it is read as Asia/Shanghai")
        parser.add_argument("--only", help="run only the job with this name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            now = clock.parse_iso(options["now"]) if options["now"] else clock.now()
        except ValueError as exc:
            raise CommandError(f"--now is not an ISO 8601 time: {options['now']}") from exc
        ran = jobs.run_due_jobs(now=now, only=options["only"])
        self.stdout.write(f"ran {len(ran)} job(s) as of {now.isoformat()}: {', '.join(ran) or '-'}")
