"""``/healthz``: can this process reach its database, its cache and the Celery broker?

For load balancers and process supervisors. Public (no session), answers within a few
seconds: each check has a short timeout. The answer names the checks and, for a failure, the
kind of error only (an exception class name): never a host, a URL or a password.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import Error as DatabaseFailure
from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from baton.core.policy import public_view

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 2.0


class CheckFailed(Exception):
    """A dependency answered, but not as expected."""


class Skipped(Exception):
    """The dependency is not part of this installation (e.g. no broker when embedded)."""


def check_database() -> None:
    """``SELECT 1`` on the default database (PostgreSQL: under a statement timeout)."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)", [str(int(TIMEOUT_SECONDS * 1000))]
            )
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
    if row is None or row[0] != 1:
        raise CheckFailed("unexpected answer")


def check_cache() -> None:
    """Write a key, read it back, delete it (Redis in production: socket timeouts in settings)."""
    key = f"baton:healthz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise CheckFailed("value not read back")
    finally:
        cache.delete(key)


def check_broker() -> None:
    """Open a connection to ``CELERY_BROKER_URL``; skipped when none is configured."""
    url = settings.CELERY_BROKER_URL
    if not url:
        raise Skipped("not configured")
    options = {"socket_timeout": TIMEOUT_SECONDS, "socket_connect_timeout": TIMEOUT_SECONDS, "max_retries": 0}
    with Connection(url, connect_timeout=TIMEOUT_SECONDS, transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=TIMEOUT_SECONDS)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}

# What a failing dependency may raise; anything else is a bug and gives a 500.
FAILURES: tuple[type[Exception], ...] = (CheckFailed, DatabaseFailure, RedisError, KombuError, OSError)


def health_report() -> tuple[bool, dict[str, dict[str, object]]]:
    """Run every check; returns whether all passed (or were skipped) and the details."""
    healthy = True
    report: dict[str, dict[str, object]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Skipped as skipped:
            report[name] = {"status": "skipped", "reason": str(skipped)}
            continue
        except FAILURES as exc:
            healthy = False
            report[name] = {"status": "fail", "error": type(exc).__name__}
            logger.warning("health check %s failed: %s", name, type(exc).__name__)
            continue
        report[name] = {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}
    return healthy, report


@public_view  # for load balancers: no session, no personal data in the answer
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 ``{"status": "ok", "checks": {...}}`` or 503 ``{"status": "fail", ...}``."""
    healthy, report = health_report()
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": report}, status=200 if healthy else 503
    )
