"""Reading imports, the review queue and exports, always through a data scope.

Imports and queued records follow the ``customer_import`` scope of their uploader. Exports
follow the ``customer`` resource: a person sees their own exports (``export``), and those
they may decide on (``approve`` over every customer in the export).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from baton.authz.selectors import restrict, user_can
from baton.customers.models import Customer
from baton.customers.selectors import customers_visible_to
from baton.exchange.models import ExportRequest, ExportStatus, ImportBatch, ReviewItem, ReviewStatus
from baton.exchange.parsers.columns import error_message


def imports_visible_to(*, user: Any, action: str = "create") -> QuerySet[ImportBatch]:
    """Import batches within the user's ``customer_import`` scope, newest first."""
    base = ImportBatch.objects.select_related("uploaded_by", "uploaded_by__employee")
    return restrict(base, user=user, resource="customer_import", action=action)


def review_items_visible_to(*, user: Any, action: str = "create") -> QuerySet[ReviewItem]:
    """Records waiting in (or resolved from) the review queue, of the imports the user sees."""
    batches = imports_visible_to(user=user, action=action).values("pk")
    return ReviewItem.objects.filter(batch__in=batches).select_related(
        "batch", "employee", "resolved_by", "interaction__customer"
    )


def review_items_pending(*, user: Any) -> QuerySet[ReviewItem]:
    return review_items_visible_to(user=user).filter(status=ReviewStatus.PENDING)


def import_report(*, batch: ImportBatch) -> list[dict[str, Any]]:
    """The batch's (row, field, error) entries, each message in the reader's language."""
    return [
        {
            **entry,
            "message": error_message(entry.get("code", ""), entry.get("params"), entry.get("message", "")),
        }
        for entry in batch.report
    ]


def exports_of(*, user: Any) -> QuerySet[ExportRequest]:
    """The user's own exports, for holders of ``customer.export``."""
    if not user_can(user=user, resource="customer", action="export"):
        return ExportRequest.objects.none()
    return ExportRequest.objects.filter(requested_by=user).select_related("requested_by", "decided_by")


def exports_decidable_by(*, user: Any) -> QuerySet[ExportRequest]:
    """Other people's exports whose every customer lies in the user's ``customer.approve``
    scope: the approvals inbox (pending) and the decisions taken there."""
    if not user_can(user=user, resource="customer", action="approve"):
        return ExportRequest.objects.none()
    approvable = customers_visible_to(user=user, action="approve").values("pk")
    outside = Customer.objects.exclude(pk__in=approvable)
    return (
        ExportRequest.objects.filter(needs_approval=True)
        .exclude(requested_by=user)
        .exclude(customers__in=outside)
        .select_related("requested_by", "requested_by__employee", "decided_by")
    )


def exports_awaiting_decision_by(*, user: Any) -> QuerySet[ExportRequest]:
    return exports_decidable_by(user=user).filter(status=ExportStatus.PENDING).order_by("requested_at", "id")


def exports_visible_to(*, user: Any, action: str = "export") -> QuerySet[ExportRequest]:
    """Exports the user may look at: their own (``export``) and those they may decide on;
    with ``action="approve"`` only the latter."""
    decidable = exports_decidable_by(user=user)
    if action == "approve":
        return decidable
    own = exports_of(user=user)
    return (
        ExportRequest.objects.filter(pk__in=own.values("pk"))
        | ExportRequest.objects.filter(pk__in=decidable.values("pk"))
    ).select_related("requested_by", "decided_by")
