"""Pieces shared by the customer pages: policies, partial rendering, document downloads."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext_lazy

from baton.core import uploads
from baton.core.errors import BatonError
from baton.core.policy import Policy
from baton.customers.models import (
    Contract,
    InteractionAttachment,
)
from baton.customers.selectors import (
    customer_scope_at_least,
)
from baton.customers.services import (
    document_download_record,
)

CUSTOMERS_PER_PAGE = 50
LIST_FILTER_FIELDS = ("q", "region", "industry", "tier", "status", "is_key_account", "team")
POOL_FILTER_FIELDS = ("q", "region", "industry", "tier")

# What the fact extractor's kinds are called on the page; an unknown kind shows as it is.
FACT_KIND_LABELS = {
    "volume": gettext_lazy("Volume"),
    "vehicle_request": gettext_lazy("Vehicle requests"),
    "vehicle_type": gettext_lazy("Vehicle types"),
    "cargo_type": gettext_lazy("Cargo"),
    "time_window": gettext_lazy("Time windows"),
    "lead_time": gettext_lazy("Lead times"),
    "route": gettext_lazy("Routes"),
    "service_expectation": gettext_lazy("Service expectations"),
    "reporting": gettext_lazy("Reporting preferences"),
    "decision_maker": gettext_lazy("Decision makers"),
    "payment_terms": gettext_lazy("Payment terms"),
}


@dataclass(frozen=True)
class CustomerScopePolicy(Policy):
    """A customer grant held at ``min_scope`` or wider. "team" means team leads and above, by
    what their roles may see rather than by what the roles are called."""

    min_scope: str = "team"

    def allows(self, user: Any) -> bool:
        return super().allows(user) and customer_scope_at_least(
            user=user, scope=self.min_scope, action=self.action
        )


TEAM_WIDE_VIEW = CustomerScopePolicy("grant", "customer", "view", min_scope="team")
TEAM_WIDE_CHANGE = CustomerScopePolicy("grant", "customer", "change", min_scope="team")


def wants_partial(request: HttpRequest) -> bool:
    """An HTMX request for a fragment (not a history restore, which needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def error_text(exc: BatonError) -> str:
    """A service's refusal as one line, for a message."""
    problems = [str(m) for ms in exc.fields.values() for m in ms]
    return " ".join(problems) or str(exc.message)


_CONTENT_TYPE_BY_EXTENSION = {kind.extension: kind.content_type for kind in uploads.KINDS.values()}


def document_response(*, actor: Any, obj: Contract | InteractionAttachment) -> FileResponse:
    """A contract's scan or an interaction's attachment as a download the browser must neither
    sniff nor cache; the copy handed out is audited. A contract without a scan answers 404."""
    if isinstance(obj, Contract):
        if not obj.scan:
            raise Http404
        extension = os.path.splitext(obj.scan.name)[1].lower()
        stored, name = obj.scan, f"{obj.number}{extension}"
        content_type = _CONTENT_TYPE_BY_EXTENSION.get(extension, "application/octet-stream")
    else:
        stored, name, content_type = obj.file, obj.name, obj.content_type
    with contextlib.ExitStack() as stack:
        # Open before the audit event (a lost file is an error, not a download); close it again
        # if recording fails, otherwise hand it on to the response.
        handle = stack.enter_context(stored.open("rb"))
        document_download_record(actor=actor, obj=obj)
        stack.pop_all()
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


def days_since(moment: dt.datetime | None, now: dt.datetime) -> int | None:
    return (now - moment).days if moment is not None else None
