"""Logs: one JSON object per line in production, stamped with the request id, and with
secrets and phone numbers redacted before anything is written."""

import datetime as dt
import io
import json
import logging
from types import SimpleNamespace

import pytest

from baton.core.logging import JsonFormatter, RedactingFilter, RequestContextFilter, redact

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """The production console handler (same filters and formatter as settings.LOGGING),
    writing to a buffer; attached to the root logger for the test."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(RequestContextFilter())
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    root.removeHandler(handler)


def test_a_record_logged_while_serving_a_request_carries_its_id_and_no_personal_data(json_log, org):
    client = org.client_for("H0001")
    response = client.get(
        "/org/employees/13812345678/?token=abcdef0123456789",
        HTTP_AUTHORIZATION="Bearer bt_abcdefghijklmnop",
    )

    assert response.status_code == 404
    records = [r for r in json_log() if r["logger"] == "django.request"]
    assert len(records) == 1
    record = records[0]
    assert record["request_id"] == response["X-Request-ID"]
    assert record["level"] == "WARNING"
    assert record["message"] == "Not Found: /org/employees/[redacted]/"
    assert dt.datetime.fromisoformat(record["time"]).utcoffset() == dt.timedelta(0)
    text = json.dumps(record, ensure_ascii=False)
    for secret in ("13812345678", "abcdef0123456789", "bt_abcdefghijklmnop", org.employees["H0001"].name):
        assert secret not in text


def test_outside_a_request_the_id_is_a_dash(json_log):
    logging.getLogger("baton.test").info("job %s ran", "audit_checkpoint")
    assert json_log()[-1]["request_id"] == "-"
    assert json_log()[-1]["message"] == "job audit_checkpoint ran"


@pytest.mark.parametrize(
    ("message", "hidden"),
    [
        ("headers {'Authorization': 'Bearer abc.def.ghi'}", "abc.def.ghi"),
        ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
        ("used token bt_Zx81_kq0PLmN3aa", "bt_Zx81_kq0PLmN3aa"),
        ("login failed password=hunter2hunter2 for 42", "hunter2hunter2"),
        ('{"token": "t0k3n-value", "id": 5}', "t0k3n-value"),
        ("connect postgres://baton_app:APP_PW_1@db:5432/baton", "APP_PW_1"),
        ("broker redis://:r3d1s-pw@cache:6379/1 down", "r3d1s-pw"),
        ("call 13812345678 now", "13812345678"),
        ("call +86 139-0000 no, +8613900001111 yes", "13900001111"),
    ],
)
def test_secrets_and_phone_numbers_are_redacted(message, hidden):
    cleaned = redact(message)
    assert hidden not in cleaned
    assert "[redacted]" in cleaned


def test_ids_and_ordinary_numbers_survive():
    message = "case 12 reminded 3 people; order 20261102000123 total 138.50; seq 13812"
    assert redact(message) == message


def test_exception_text_is_redacted_too(json_log):
    try:
        raise ValueError("cannot reach redis://:hidden-pw@cache:6379/0 for 13912345678")
    except ValueError:
        logging.getLogger("baton.test").exception("delivery failed")
    record = json_log()[-1]
    assert "ValueError" in record["exception"]
    assert "hidden-pw" not in record["exception"] and "13912345678" not in record["exception"]


def test_only_log_fields_join_the_json_not_other_extras():
    record = logging.LogRecord("celery.worker.strategy", logging.INFO, __file__, 1, "received", None, None)
    record.data = {"args": "('13812345678',)"}  # Celery passes task arguments like this
    record.log_fields = {"status": 200, "message": "must not replace the message"}
    payload = json.loads(JsonFormatter().format(record))

    assert payload["status"] == 200
    assert payload["message"] == "received"
    assert "args" not in payload


def test_gunicorn_access_records_leave_out_query_string_address_and_agent():
    from baton.core.gunicorn_logging import JsonAccessLogger

    buffer = io.StringIO()
    logger = JsonAccessLogger.__new__(JsonAccessLogger)
    logger.access_log = logging.getLogger("test.gunicorn.access")
    logger.access_log.propagate = False
    logger._access_log_enabled = True
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    logger.access_log.addHandler(handler)
    logger.access_log.setLevel(logging.INFO)
    try:
        logger.access(
            SimpleNamespace(status="200 OK", status_code=200, headers=[("X-Request-ID", "abc123")], sent=512),
            SimpleNamespace(headers=[]),
            {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": "/customers/",
                "QUERY_STRING": "q=13812345678",
                "REMOTE_ADDR": "203.0.113.7",
                "HTTP_USER_AGENT": "Mozilla/5.0 (Zhang Wei's phone)",
            },
            dt.timedelta(milliseconds=42),
        )
    finally:
        logger.access_log.removeHandler(handler)
    record = json.loads(buffer.getvalue())

    assert record["request_id"] == "abc123"
    assert (record["method"], record["path"], record["status"], record["bytes"]) == (
        "GET",
        "/customers/",
        200,
        512,
    )
    assert record["duration_ms"] == 42.0
    text = buffer.getvalue()
    assert "13812345678" not in text and "203.0.113.7" not in text and "Zhang" not in text


def test_production_settings_use_the_json_formatter_with_redaction():
    from baton.core.logging import handler_config

    production = handler_config(json_lines=True)
    assert production["handlers"]["console"]["formatter"] == "json"
    assert production["handlers"]["console"]["filters"] == ["request_context", "redact"]
    assert production["handlers"]["console"]["stream"] == "ext://sys.stdout"
