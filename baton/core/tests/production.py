"""Helpers for the production-mode tests: real Celery workers, gunicorn, Redis, PostgreSQL.

Those tests are marked ``production`` and run once, in their own step of scripts/test.sh.
A missing Redis (or PostgreSQL) skips them with the reason, unless ``CI`` or
``BATON_REQUIRE_POSTGRES`` is set: then it fails them.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from redis.exceptions import RedisError

ROOT = Path(__file__).resolve().parents[3]
VENV_BIN = ROOT / ".venv" / "bin"
REQUIRED = bool(os.environ.get("CI") or os.environ.get("BATON_REQUIRE_POSTGRES"))
# A Redis database of its own (flushed by the tests); not the one of a running Baton.
REDIS_URL = os.environ.get("BATON_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


def unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"{reason} (required: CI or BATON_REQUIRE_POSTGRES is set)")
    pytest.skip(reason)


def redis_flushed() -> redis.Redis:
    """The test Redis database, emptied; skips (or fails in CI) when Redis does not answer."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.flushdb()
    except (RedisError, OSError) as exc:
        client.close()
        unavailable(f"Redis does not answer at {REDIS_URL} ({type(exc).__name__}); start redis-server")
    return client


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url(settings_dict: dict[str, Any]) -> str:
    """A DATABASE_URL for the (test) database described by ``settings_dict``."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else f"{user}@"
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production process sharing this test run's keys."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BATON_", "DATABASE_", "CELERY_", "PROMETHEUS_")) and key != "REDIS_URL"
    }
    env.update(
        {
            "BATON_ENV": "production",
            "BATON_SECRET_KEY": settings.SECRET_KEY,
            "BATON_FIELD_KEY": settings.FIELD_ENCRYPTION_KEY,
            "BATON_FIELD_HASH_KEY": settings.FIELD_HASH_KEY,
            "BATON_AUDIT_SIGNING_KEY": settings.AUDIT_SIGNING_KEY,
            "BATON_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "BATON_VAR_DIR": str(settings.VAR_DIR),
            "BATON_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "DJANGO_SETTINGS_MODULE": "baton.settings",
        }
    )
    env.update(overrides)
    return env


class Process:
    """A service started by a test in its own session, so it and its children can be killed."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._log_file = log.open("ab")
        self.proc = subprocess.Popen(  # noqa: S603 - our own command line
            argv, cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True
        )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL the process and everything it started: no cleanup, no acknowledgements."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._log_file.close()

    def stop(self, timeout: float = 15) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._log_file.close()


def celery_worker(env: dict[str, str], log: Path) -> Process:
    """One worker with one pool process, as in production but one task at a time. (The solo
    pool would not do: it acknowledges only between tasks, even an early-acknowledged one.)"""
    argv = [str(VENV_BIN / "celery"), "-A", "baton", "--quiet", "worker", "--pool=prefork", "--concurrency=1"]
    argv += ["--loglevel=INFO"]
    argv += [
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"test-{uuid.uuid4().hex[:8]}@%h",
    ]
    return Process(argv, env, log)


def wait_for(condition: Callable[[], Any], *, timeout: float, what: str, log: Process | None = None) -> Any:
    """Poll ``condition`` until it is truthy; fail with the service's log after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    detail = f"\n--- log ---\n{log.output()[-6000:]}" if log else ""
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}{detail}")


def json_lines(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The log lines parsed as JSON, and the lines that are not JSON (Celery's own
    ``worker: …`` console notices aside)."""
    records, stray = [], []
    for line in text.splitlines():
        if not line.strip() or line.startswith("worker: "):
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            stray.append(line)
    return records, stray
