"""gunicorn's logs as JSON lines, like the rest of Baton (used by deploy/gunicorn.conf.py).

The access log names the method, the path without its query string (search terms live
there), the status, the duration and the response's request id; not the client address, the
user agent or the referrer.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from gunicorn.glogging import Logger

from baton.core.logging import handler_config, redact


def logconfig_dict(*, level: str = "INFO") -> dict[str, Any]:
    """gunicorn's ``logconfig_dict``: its error and access loggers to Baton's JSON handler."""
    shared = handler_config(json_lines=True)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        **shared,
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }


class JsonAccessLogger(Logger):
    """gunicorn ``logger_class`` writing one structured record per request."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: dt.timedelta) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status_code if isinstance(resp.status_code, int) else str(resp.status).split(" ")[0]
        request_id = next((value for key, value in resp.headers if key.lower() == "x-request-id"), "-")
        method = str(environ.get("REQUEST_METHOD", "-"))
        path = redact(str(environ.get("PATH_INFO", "")))
        fields = {
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "bytes": getattr(resp, "sent", None),
        }
        extra = {"log_fields": fields, "request_id": request_id}
        self.access_log.log(logging.INFO, "%s %s %s", method, path, status, extra=extra)
