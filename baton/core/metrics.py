"""Prometheus metrics: what the processes count, what a scrape computes, and ``/metrics``.

Counted in the process that does the work (``prometheus_client`` default registry):

- ``baton_http_requests_total{method, route, status}`` and
  ``baton_http_request_duration_seconds{method, route}`` (``MetricsMiddleware``); ``route`` is
  the URL pattern's name (``api:customer-list``), never the path, so no id or name of a person
  becomes a label;
- ``baton_db_query_duration_seconds{alias}`` and ``baton_db_query_errors_total{alias}`` for the
  queries made while answering requests;
- ``baton_job_runs_total{job, outcome}`` and ``baton_job_duration_seconds{job, outcome}``
  (``core.jobs.job_run``).

Computed at scrape time from the database, for the whole installation (cheap, indexed counts):
``baton_database_up``, ``baton_notification_deliveries{status}`` (pending, failed),
``baton_offboarding_cases_open``, ``baton_job_last_success_timestamp_seconds{job}`` and
``baton_job_period_seconds{job}``.

Several processes (gunicorn workers, Celery pool processes): set ``PROMETHEUS_MULTIPROC_DIR``
to one directory per host, shared by the web and worker services there, before they start.
Each process then writes its counts to files in it and ``/metrics`` adds them up.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.db import Error as DatabaseFailure
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric

from baton.core.policy import public_view

logger = logging.getLogger(__name__)
disable_created_metrics()  # no *_created series: Prometheus does not need them

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

HTTP_REQUESTS = Counter(
    "baton_http_requests",
    "HTTP requests answered, by method, URL route name and status.",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "baton_http_request_duration_seconds",
    "Time from the first middleware to the response, by method and URL route name.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
DB_QUERY_DURATION = Histogram(
    "baton_db_query_duration_seconds",
    "Database queries made while answering requests, by connection alias.",
    ["alias"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0),
)
DB_QUERY_ERRORS = Counter(
    "baton_db_query_errors", "Database queries that raised an error while answering requests.", ["alias"]
)
JOB_RUNS = Counter(
    "baton_job_runs", "Periodic job runs by job name and outcome (ran, not_due, failed).", ["job", "outcome"]
)
JOB_DURATION = Histogram(
    "baton_job_duration_seconds",
    "Duration of periodic job runs, by job name and outcome.",
    ["job", "outcome"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0),
)


def job_observed(*, job: str, outcome: str, seconds: float) -> None:
    """Count one run of a periodic job (called by ``core.jobs.job_run``)."""
    JOB_RUNS.labels(job, outcome).inc()
    JOB_DURATION.labels(job, outcome).observe(seconds)


# --- Requests ---------------------------------------------------------------------------------


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name:
        return str(match.view_name)
    if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return "static"
    return "unmatched"


def _timed_queries(alias: str) -> Callable[..., Any]:
    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        except DatabaseFailure:
            DB_QUERY_ERRORS.labels(alias).inc()
            raise
        finally:
            DB_QUERY_DURATION.labels(alias).observe(time.perf_counter() - started)

    return wrapper


class MetricsMiddleware:
    """Count and time every request by route name; time its database queries. Outermost."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.query_timers = {alias: _timed_queries(alias) for alias in settings.DATABASES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        with ExitStack() as stack:
            for alias, timer in self.query_timers.items():
                stack.enter_context(connections[alias].execute_wrapper(timer))
            response = self.get_response(request)
        method = request.method if request.method in _METHODS else "other"
        route = _route(request)
        HTTP_REQUESTS.labels(method, route, str(response.status_code)).inc()
        HTTP_DURATION.labels(method, route).observe(time.perf_counter() - started)
        return response


# --- Scrape-time gauges -----------------------------------------------------------------------


def _state_families() -> list[Metric]:
    from baton.core import jobs
    from baton.core.models import JobState
    from baton.notifications.models import Delivery, DeliveryStatus
    from baton.offboarding.models import OPEN_CASE_STATUSES, OffboardingCase

    deliveries = GaugeMetricFamily(
        "baton_notification_deliveries", "Outbox rows waiting to be sent or given up on.", labels=["status"]
    )
    for status in (DeliveryStatus.PENDING, DeliveryStatus.FAILED):
        deliveries.add_metric([status.value], Delivery.objects.filter(status=status).count())
    open_cases = GaugeMetricFamily("baton_offboarding_cases_open", "Offboarding cases not yet closed.")
    open_cases.add_metric([], OffboardingCase.objects.filter(status__in=OPEN_CASE_STATUSES).count())
    last = GaugeMetricFamily(
        "baton_job_last_success_timestamp_seconds",
        "When each periodic job last completed (Unix time, as of the time it ran for).",
        labels=["job"],
    )
    for name, moment in JobState.objects.filter(last_run_at__isnull=False).values_list("name", "last_run_at"):
        if moment is not None:
            last.add_metric([name], moment.timestamp())
    period = GaugeMetricFamily("baton_job_period_seconds", "How often each job should run.", labels=["job"])
    for job in jobs.registered():
        period.add_metric([job.name], job.every.total_seconds())
    return [deliveries, open_cases, last, period]


class StateCollector:
    """Gauges read from the database at scrape time; ``baton_database_up`` 0 when it fails."""

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("baton_database_up", "1 when the scrape's database queries answered.")
        try:
            families = _state_families()
        except DatabaseFailure as exc:
            logger.warning("metrics: database queries failed (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families


class _ThisProcess:
    """The default registry of this process, forwarded into the scrape registry."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def exposition() -> bytes:
    """The text exposition of every metric: all processes' counts plus the scrape gauges."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(StateCollector())
    return generate_latest(registry)


# --- The endpoint -----------------------------------------------------------------------------


def _authorised(request: HttpRequest, token: str) -> bool:
    supplied = request.headers.get("Authorization", "")
    return hmac.compare_digest(supplied.encode(), f"Bearer {token}".encode())


@public_view  # no user session: the bearer token in BATON_METRICS_TOKEN is the guard
@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus scrape endpoint: 404 unless BATON_METRICS_TOKEN is set, 401 without it."""
    token = settings.BATON_METRICS_TOKEN
    if not token:
        raise Http404
    if not _authorised(request, token):
        response = HttpResponse(status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
