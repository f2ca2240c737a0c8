"""Production mode, started for real: settings from deploy/baton.env.example pass
``check --deploy``; gunicorn with deploy/gunicorn.conf.py answers /healthz and /metrics with
JSON logs; Celery beat starts with JSON logs and keeps its schedule in BATON_VAR_DIR."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from django.db import connection

from baton.core.models import JobState
from baton.core.tests import production
from baton.core.tests.test_deploy_files import example

pytestmark = pytest.mark.production


def example_env(tmp_path, **overrides: str) -> dict[str, str]:
    """The example environment with every REPLACE_ME placeholder given a real random value."""
    env = production.production_env()
    for name, value in example().items():
        env[name] = secrets.token_urlsafe(48) if value.startswith("REPLACE_ME") else value
    env["DATABASE_URL"] = env["DATABASE_URL"].replace("REPLACE_ME_database_password", secrets.token_hex(12))
    env["BATON_VAR_DIR"] = str(tmp_path / "var")
    env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path / "metrics")
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=production.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_with_a_placeholder_left(tmp_path):
    env = example_env(tmp_path, BATON_FIELD_KEY=example()["BATON_FIELD_KEY"])
    result = manage(env, "check")
    assert result.returncode != 0
    assert "Replace the placeholder value of: BATON_FIELD_KEY." in result.stderr
    assert example()["BATON_FIELD_KEY"] not in result.stderr.replace("BATON_FIELD_KEY", "")


def test_check_deploy_passes_with_the_example_environment(tmp_path):
    result = manage(example_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http://127.0.0.1 only
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_healthz_and_metrics_with_json_logs(tmp_path):
    if connection.vendor != "postgresql":
        production.unavailable("needs PostgreSQL: run with DATABASE_URL=postgres://…/baton_prod")
    redis_client = production.redis_flushed()
    JobState.objects.create(name="notifications.deliver", last_run_at="2026-11-02T01:00:00Z")
    port, token = production.free_port(), secrets.token_urlsafe(32)
    (tmp_path / "metrics").mkdir()
    (tmp_path / "var" / "static").mkdir(parents=True)
    env = example_env(
        tmp_path,
        DATABASE_URL=production.database_url(connection.settings_dict),
        REDIS_URL=production.REDIS_URL,
        CELERY_BROKER_URL=production.REDIS_URL,
        BATON_ALLOWED_HOSTS="127.0.0.1",
        BATON_BIND=f"127.0.0.1:{port}",
        BATON_WEB_WORKERS="2",
        BATON_METRICS_TOKEN=token,
        BATON_DB_CONN_MAX_AGE="0",
    )
    web = production.Process(
        [str(production.VENV_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py"], env, tmp_path / "web.log"
    )
    base = f"http://127.0.0.1:{port}"
    try:
        production.wait_for(
            lambda: _answers(f"{base}/healthz"), timeout=30, what="gunicorn to answer", log=web
        )
        status, headers, body = get(f"{base}/healthz?phone=13812345678&token=very-secret")
        assert status == 200, body
        answer = json.loads(body)
        assert answer["status"] == "ok"
        assert {name: check["status"] for name, check in answer["checks"].items()} == {
            "database": "ok",
            "cache": "ok",
            "broker": "ok",
        }
        for _ in range(6):
            assert get(f"{base}/healthz")[0] == 200

        assert get(f"{base}/metrics")[0] == 401
        status, _, exposition = get(f"{base}/metrics", Authorization=f"Bearer {token}")
        assert status == 200
        text = exposition.decode()
        # Counted by two worker processes, added up through PROMETHEUS_MULTIPROC_DIR.
        assert 'baton_http_requests_total{method="GET",route="core:healthz",status="200"} 8.0' in text
        assert "baton_database_up 1.0" in text
        assert 'baton_job_last_success_timestamp_seconds{job="notifications.deliver"}' in text
    finally:
        web.stop()
        redis_client.flushdb()
        redis_client.close()

    records, stray = production.json_lines(web.output())
    assert stray == [], "gunicorn and Django log JSON lines only"
    access = [r for r in records if r["logger"] == "gunicorn.access"]
    assert len(access) >= 9
    [logged] = [r for r in access if r["request_id"] == headers["X-Request-ID"]]
    assert logged["path"] == "/healthz", "no query string"
    assert logged["method"] == "GET" and logged["status"] == 200 and logged["duration_ms"] >= 0
    assert (
        "13812345678" not in web.output() and "very-secret" not in web.output() and token not in web.output()
    )
    assert any(r["logger"] == "gunicorn.error" and "Booting worker" in r["message"] for r in records)


def _answers(url: str) -> bool:
    try:
        return get(url)[0] in (200, 503)
    except OSError:
        return False


def test_beat_starts_with_json_logs_and_keeps_its_schedule_in_the_var_dir(tmp_path):
    production.redis_flushed()
    (tmp_path / "var").mkdir()
    env = example_env(tmp_path, CELERY_BROKER_URL=production.REDIS_URL, REDIS_URL=production.REDIS_URL)
    beat = production.Process(
        [str(production.VENV_BIN / "celery"), "-A", "baton", "--quiet", "beat", "--loglevel", "INFO"],
        env,
        tmp_path / "beat.log",
    )
    try:
        production.wait_for(
            lambda: list((tmp_path / "var").glob("celerybeat-schedule*")),
            timeout=30,
            what="beat's schedule file",
            log=beat,
        )
        production.wait_for(
            lambda: "beat: Starting" in beat.output(), timeout=30, what="beat to start", log=beat
        )
    finally:
        beat.stop()
    records, stray = production.json_lines(beat.output())
    assert stray == []
    assert any(r["logger"] == "celery.beat" for r in records)
