import json
from typing import Any

from django.core.management.base import BaseCommand

from baton.audit.chain import format_time
from baton.audit.models import AuditCheckpoint
from baton.audit.services import audit_checkpoint_write


class Command(BaseCommand):
    help = "Sign the audit chain head (--write) and/or export every checkpoint as JSON lines."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--write", action="store_true", help="sign the current head first")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["write"]:
            audit_checkpoint_write()
        for cp in AuditCheckpoint.objects.order_by("seq"):
            self.stdout.write(
                json.dumps(
                    {
                        "seq": cp.seq,
                        "head_hash": cp.head_hash,
                        "created_at": format_time(cp.created_at),
                        "signature": cp.signature,
                    }
                )
            )
