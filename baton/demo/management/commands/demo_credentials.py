import json
from typing import Any

import pyotp
from django.core.management.base import BaseCommand, CommandError

from baton.accounts.models import TotpDevice, User
from baton.demo.models import DemoDataset
from baton.demo.registry import DEMO_LOGINS, demo_password, demo_totp_secret


class Command(BaseCommand):
    help = "Print the demo logins (工号, name, roles, password, TOTP secret). Only on a seed_demo database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
        parser.add_argument(
            "--all", action="store_true", help="every demo employee, not only the fixed logins"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dataset = DemoDataset.objects.order_by("pk").first()
        if dataset is None:
            raise CommandError("This database was not created by seed_demo; refusing to print credentials.")
        users = {u.employee_no: u for u in User.objects.prefetch_related("role_assignments__role")}
        with_mfa = set(TotpDevice.objects.filter(confirmed=True).values_list("user__employee_no", flat=True))
        order = sorted(users) if options["all"] else [no for no in DEMO_LOGINS if no in users]
        rows: list[dict[str, Any]] = []
        for no in order:
            user = users[no]
            rows.append(
                {
                    "employee_no": no,
                    "name": user.display_name,
                    "roles": sorted(a.role.code for a in user.role_assignments.all()),
                    "password": demo_password(dataset.seed, no),
                    "totp_secret": demo_totp_secret(dataset.seed, no) if no in with_mfa else None,
                }
            )
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            otp = pyotp.TOTP(row["totp_secret"]).now() if row["totp_secret"] else "-"
            self.stdout.write(
                f"{row['employee_no']:<8} {row['name']:<6} {','.join(row['roles']):<28} "
                f"{row['password']:<18} TOTP secret: {row['totp_secret'] or '-'} (code now: {otp})"
            )
