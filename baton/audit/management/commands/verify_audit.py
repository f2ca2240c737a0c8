from typing import Any

from django.core.management.base import BaseCommand

from baton.audit.selectors import audit_verify


class Command(BaseCommand):
    help = "Verify the audit hash chain and its signed checkpoints. Exit 0 when intact, 1 otherwise."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if result.ok:
            self.stdout.write(result.summary())
            return
        self.stderr.write(result.summary())
        raise SystemExit(1)
