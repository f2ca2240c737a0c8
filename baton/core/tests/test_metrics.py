"""/metrics: hidden unless BATON_METRICS_TOKEN is set, 401 without the token, and metrics
labelled by route name (never by path), jobs by name and outcome, and cheap scrape gauges."""

import datetime as dt
import os
import re

import pytest
from django.db import DatabaseError, OperationalError
from django.test import Client

from baton.core import jobs, metrics, metrics_files
from baton.core.models import JobState

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture
def token(settings):
    settings.BATON_METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(**headers) -> tuple[int, str]:
    response = Client().get("/metrics", **headers)
    return response.status_code, response.content.decode()


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one series in the exposition text (labels in any order)."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        series, value = line.rsplit(" ", 1)
        found = dict(re.findall(r'(\w+)="([^"]*)"', series))
        if series.split("{")[0] == name and found == labels:
            return float(value)
    return None


def test_without_a_configured_token_the_endpoint_does_not_exist(settings):
    settings.BATON_METRICS_TOKEN = ""
    assert scrape()[0] == 404
    assert scrape(HTTP_AUTHORIZATION="Bearer anything")[0] == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", TOKEN, f"Bearer {TOKEN}x"])
def test_a_missing_or_wrong_token_is_refused(token, header):
    response = Client().get("/metrics", **({"HTTP_AUTHORIZATION": header} if header else {}))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"baton_" not in response.content


def test_the_token_opens_the_exposition(token, case):
    Client().get("/healthz")
    status, text = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert status == 200
    for name in (
        "baton_http_requests_total",
        "baton_http_request_duration_seconds_bucket",
        "baton_db_query_duration_seconds_count",
        "baton_database_up",
        "baton_notification_deliveries",
        "baton_offboarding_cases_open",
        "baton_job_period_seconds",
    ):
        assert f"\n{name}" in text, name
    assert sample(text, "baton_database_up") == 1
    assert sample(text, "baton_offboarding_cases_open") == 1
    assert sample(text, "baton_http_requests_total", method="GET", route="core:healthz", status="200") >= 1
    assert sample(text, "baton_job_period_seconds", job="notifications.deliver") == 60


def test_requests_are_labelled_by_route_name_never_by_path(token, org):
    client = org.client_for("H0001")
    employee = org.employees["S1101"]
    before = metrics.HTTP_REQUESTS.labels("GET", "unmatched", "404")._value.get()

    client.get(f"/org/employees/{employee.pk}/")
    client.get("/no-such-page/13812345678/")
    _, text = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert metrics.HTTP_REQUESTS.labels("GET", "unmatched", "404")._value.get() == before + 1
    routes = set(re.findall(r'route="([^"]*)"', text))
    assert "org:employee_detail" in routes
    assert not [r for r in routes if "/" in r], routes
    assert "13812345678" not in text and employee.name not in text and "S1101" not in text


def test_job_runs_are_counted_by_job_and_outcome(token):
    moment = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
    ran = metrics.JOB_RUNS.labels("notifications.deliver", "ran")._value.get()
    not_due = metrics.JOB_RUNS.labels("notifications.deliver", "not_due")._value.get()

    job = jobs.get("notifications.deliver")
    assert jobs.job_run(job, now=moment) is jobs.Outcome.RAN
    assert jobs.job_run(job, now=moment) is jobs.Outcome.NOT_DUE
    _, text = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert metrics.JOB_RUNS.labels("notifications.deliver", "ran")._value.get() == ran + 1
    assert metrics.JOB_RUNS.labels("notifications.deliver", "not_due")._value.get() == not_due + 1
    assert sample(text, "baton_job_last_success_timestamp_seconds", job="notifications.deliver") == (
        moment.timestamp()
    )
    assert 'baton_job_duration_seconds_count{job="notifications.deliver",outcome="ran"}' in text


def test_a_failing_job_is_counted_and_leaves_no_trace(monkeypatch):
    def broken(now):
        JobState.objects.create(name="written-then-rolled-back")
        raise RuntimeError("job bug")

    job = jobs.Job(name="test.broken", every=dt.timedelta(minutes=1), run=broken)
    failed = metrics.JOB_RUNS.labels("test.broken", "failed")._value.get()

    with pytest.raises(RuntimeError):
        jobs.job_run(job, now=dt.datetime(2026, 11, 2, tzinfo=dt.UTC))

    assert metrics.JOB_RUNS.labels("test.broken", "failed")._value.get() == failed + 1
    assert not JobState.objects.filter(name__in=["written-then-rolled-back", "test.broken"]).exists()


def test_database_trouble_during_a_scrape_reports_database_down(token, monkeypatch):
    def down():
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(metrics, "_state_families", down)
    status, text = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert status == 200
    assert sample(text, "baton_database_up") == 0
    assert "baton_offboarding_cases_open" not in text


def test_database_query_errors_are_counted():
    from django.db import connection

    errors = metrics.DB_QUERY_ERRORS.labels("default")._value.get()
    wrapped = metrics._timed_queries("default")
    with pytest.raises(DatabaseError), connection.execute_wrapper(wrapped), connection.cursor() as cur:
        cur.execute("SELECT * FROM no_such_table_here")
    assert metrics.DB_QUERY_ERRORS.labels("default")._value.get() == errors + 1


def test_metric_files_of_dead_processes_are_pruned(tmp_path):
    dead = 2**22 + 12345  # above the kernel's pid_max default: no such process
    (tmp_path / f"counter_{dead}.db").write_bytes(b"x")
    (tmp_path / f"histogram_{dead}.db").write_bytes(b"x")
    alive = tmp_path / f"counter_{os.getpid()}.db"
    alive.write_bytes(b"x")

    assert metrics_files.prune(str(tmp_path)) == 2
    assert [p.name for p in tmp_path.iterdir()] == [alive.name]
    assert metrics_files.prune(str(tmp_path / "missing")) == 0
