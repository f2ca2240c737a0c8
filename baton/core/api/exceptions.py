"""One error shape for the whole API: ``{"error": {"code", "message", "fields"}}``."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from baton.core.errors import BatonError

logger = logging.getLogger(__name__)

_MESSAGES = {
    "not_authenticated": lambda: _("Authentication credentials were not provided."),
    "authentication_failed": lambda: _("Authentication failed."),
    "permission_denied": lambda: _("You do not have permission to do this."),
    "not_found": lambda: _("Not found."),
    "method_not_allowed": lambda: _("This method is not allowed here."),
    "throttled": lambda: _("Too many requests; try again later."),
    "unsupported_media_type": lambda: _("This content type is not supported."),
}


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten(v) for v in detail]
    return str(detail)


def error_response(code: str, message: str, fields: dict[str, Any] | None, status_code: int) -> Response:
    return Response({"error": {"code": code, "message": message, "fields": fields or {}}}, status=status_code)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, BatonError):
        return error_response(exc.code, str(exc.message), _flatten(exc.fields), exc.status)
    if isinstance(exc, RequestDataTooBig):
        return error_response("request_too_large", _("The request body is too large."), None, 400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None

    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = _flatten(detail) if isinstance(detail, dict) else {"non_field_errors": _flatten(detail)}
        response = error_response(
            "invalid", _("Some fields are not valid."), fields, status.HTTP_400_BAD_REQUEST
        )
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
        message_factory = _MESSAGES.get(code)
        message = message_factory() if message_factory and code == exc.default_code else str(exc.detail)
        response = error_response(code, message, None, exc.status_code)
    for key, value in headers.items():
        response[key] = value
    return response
