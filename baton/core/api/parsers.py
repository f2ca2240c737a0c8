from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class RequestTooLarge(ParseError):
    default_code = "request_too_large"
    default_detail = _("The request body is too large.")


class BoundedJSONParser(JSONParser):
    """JSON parser that refuses bodies above ``DATA_UPLOAD_MAX_MEMORY_SIZE``.

    DRF's parser reads the stream itself, so Django's own limit would not apply.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        if limit is not None and length > limit:
            raise RequestTooLarge()
        if stream is None:
            raise ParseError(_("The request body is empty."))
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge()
        try:
            return super().parse(io.BytesIO(raw), media_type, parser_context)
        except ParseError as exc:
            raise ParseError(_("The request body is not valid JSON.")) from exc
