"""The demo company is built by a chain of seeders, one per domain.

``settings.DEMO_SEEDERS`` lists dotted paths to functions ``seeder(ctx: DemoContext)``; each
adds its domain's data and may leave things in ``ctx.extra`` for the seeders after it. The
customers domain plugs in here by appending its seeder to the list.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

# The fixed demo logins, in the order demo_credentials prints them.
DEMO_LOGINS = ["admin", "M0001", "H0001", "F0001", "S1000", "S1100", "S1101", "S1102", "S1201", "O0002"]


@dataclass
class DemoContext:
    seed: int
    rng: random.Random
    company: Any = None
    departments: dict[str, Any] = field(default_factory=dict)
    teams: dict[str, Any] = field(default_factory=dict)
    employees: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def _derive(seed: int, purpose: str) -> bytes:
    return hmac.new(f"baton-demo-{seed}".encode(), purpose.encode(), hashlib.sha256).digest()


def demo_password(seed: int, employee_no: str) -> str:
    """A demo account's password, derived from the seed so it can be printed again later."""
    token = base64.b32encode(_derive(seed, f"password:{employee_no}")).decode().lower()[:10]
    return f"jieli-{token}"


def demo_totp_secret(seed: int, employee_no: str) -> str:
    return base64.b32encode(_derive(seed, f"totp:{employee_no}")).decode()[:32]


def run_seeders(ctx: DemoContext) -> None:
    for path in settings.DEMO_SEEDERS:
        import_string(path)(ctx)
