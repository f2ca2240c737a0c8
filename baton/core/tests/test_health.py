"""/healthz: public, 200 when the database, the cache and the broker answer, 503 naming the
check that failed, and never a URL or password in the answer or the log."""

import json
import logging

import pytest
from django.db import OperationalError
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from baton.core import health

pytestmark = pytest.mark.django_db


def get(client=None):
    response = (client or Client()).get("/healthz")
    return response, json.loads(response.content)


def test_healthy_answers_200_without_signing_in():
    response, body = get()

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["cache"]["status"] == "ok"
    # Embedded mode has no broker: skipped, which is not a failure.
    assert body["checks"]["broker"] == {"status": "skipped", "reason": "not configured"}


def test_a_failing_database_answers_503_and_names_it(monkeypatch):
    def down():
        raise OperationalError("connection to server at 10.0.0.5, user baton_app, password s3cret failed")

    monkeypatch.setitem(health.CHECKS, "database", down)
    response, body = get()

    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["database"] == {"status": "fail", "error": "OperationalError"}
    assert body["checks"]["cache"]["status"] == "ok"
    assert b"s3cret" not in response.content and b"10.0.0.5" not in response.content


def test_a_failing_cache_answers_503(monkeypatch):
    def broken_set(*args, **kwargs):
        raise RedisConnectionError("Error 111 connecting to redis.internal:6379")

    monkeypatch.setattr(health.cache, "set", broken_set)
    response, body = get()

    assert response.status_code == 503
    assert body["checks"]["cache"] == {"status": "fail", "error": "ConnectionError"}
    assert body["checks"]["database"]["status"] == "ok"


def test_a_cache_that_loses_the_value_fails(monkeypatch):
    monkeypatch.setattr(health.cache, "get", lambda key: None)
    response, body = get()

    assert response.status_code == 503
    assert body["checks"]["cache"] == {"status": "fail", "error": "CheckFailed"}


def test_an_unreachable_broker_fails_fast_and_its_url_stays_secret(settings, caplog):
    settings.CELERY_BROKER_URL = "redis://:broker-s3cret@127.0.0.1:1/0"  # nothing listens on port 1
    with caplog.at_level(logging.WARNING, logger="baton.core.health"):
        response, body = get()

    assert response.status_code == 503
    assert body["checks"]["broker"]["status"] == "fail"
    assert body["checks"]["broker"]["error"] == "OperationalError"
    assert b"broker-s3cret" not in response.content and b"127.0.0.1" not in response.content
    assert "health check broker failed: OperationalError" in caplog.text
    assert "broker-s3cret" not in caplog.text


def test_only_get():
    assert Client().post("/healthz").status_code == 405


def test_declared_public():
    from baton.core.policy import PUBLIC

    assert health.healthz.policy is PUBLIC
