"""Errors that services raise. Each carries a stable code and a translated message.

The API turns them into ``{"error": {"code", "message", "fields"}}``; the UI shows the
message. Nothing here leaks whether an object outside the caller's scope exists.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class BatonError(Exception):
    status = 400
    default_code = "invalid"
    default_message: Any = _("The request is not valid.")

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        fields: dict[str, list[Any]] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        self.code = code or self.default_code
        self.fields = fields or {}
        super().__init__(str(self.message))


class InvalidInput(BatonError):
    status = 400


class Forbidden(BatonError):
    status = 403
    default_code = "permission_denied"
    default_message = _("You do not have permission to do this.")


class NotFound(BatonError):
    status = 404
    default_code = "not_found"
    default_message = _("Not found.")


class Conflict(BatonError):
    status = 409
    default_code = "conflict"
    default_message = _("The object changed meanwhile; reload and try again.")
