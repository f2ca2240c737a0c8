"""Log formatting. Messages carry ids, never names, phone numbers, tokens or passwords.

Code is written to log ids and counts only; ``RedactingFilter`` is the second line of
defence for what slips through (a library's message, an exception text): bearer tokens,
``Authorization`` headers, ``password=…`` / ``token=…`` pairs, passwords inside URLs and
mainland mobile numbers are replaced before any handler writes the record.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any

from baton.core import context

REDACTED = "[redacted]"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization: Bearer … / Basic … (header dumps, repr of request.headers)
    (re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)[^'\",}\s]+(\s+[^'\",}\s]+)?"), rf"\1{REDACTED}"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), rf"\1 {REDACTED}"),
    # Baton API tokens (bt_…) wherever they appear
    (re.compile(r"\bbt_[A-Za-z0-9_-]{8,}"), REDACTED),
    # password=…, "token": "…", secret: …, api_key=…
    (
        re.compile(
            r"(?i)(\b(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|signature|otp|totp)"
            r"['\"]?\s*[:=]\s*['\"]?)[^'\"&,;}\s]+"
        ),
        rf"\1{REDACTED}",
    ),
    # scheme://user:password@host → scheme://user:[redacted]@host
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]*:)[^@\s/]+@", re.IGNORECASE), rf"\1{REDACTED}@"),
    # mainland mobile numbers, optionally with +86
    (re.compile(r"(?<![\d])(?:\+?86[- ]?)?1[3-9]\d{9}(?![\d])"), REDACTED),
)


def redact(text: str) -> str:
    """``text`` with secrets and phone numbers replaced by ``[redacted]``."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RequestContextFilter(logging.Filter):
    """Stamp each record with the id of the request being served (or ``-``).

    Django logs 4xx/5xx answers (``django.request``) after the middleware has returned, so
    the id then comes from the ``request`` the record carries.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            request_id = getattr(getattr(record, "request", None), "request_id", None)
            record.request_id = request_id or context.current().request_id or "-"
        return True


class RedactingFilter(logging.Filter):
    """Redact the rendered message and exception text of every record (see ``redact``)."""

    _exceptions = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._exceptions.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, and the keys of
    an ``extra={"log_fields": {...}}`` dict (the access log's). Other ``extra`` attributes
    are left out: Celery, for one, passes task arguments in ``extra["data"]``."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        fields = getattr(record, "log_fields", None)
        if isinstance(fields, dict):
            payload.update({key: value for key, value in fields.items() if key not in payload})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            payload["exception"] = record.exc_text
        return json.dumps(payload, ensure_ascii=False, default=str)


def handler_config(*, json_lines: bool) -> dict[str, Any]:
    """The ``logging.config`` pieces shared by Django, gunicorn and Celery: one stdout
    handler with the request id and redaction filters."""
    return {
        "filters": {
            "request_context": {"()": "baton.core.logging.RequestContextFilter"},
            "redact": {"()": "baton.core.logging.RedactingFilter"},
        },
        "formatters": {
            "json": {"()": "baton.core.logging.JsonFormatter"},
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "filters": ["request_context", "redact"],
                "formatter": "json" if json_lines else "plain",
            }
        },
    }
