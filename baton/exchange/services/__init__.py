"""Writes of the exchange domain: imports, the review queue, exports. Each is audited."""

from baton.exchange.services.exports import (
    EXPORT_APPROVAL_THRESHOLD,
    export_blocked_check,
    export_decide,
    export_download,
    export_file_name,
    export_request,
)
from baton.exchange.services.imports import import_check, import_confirm, import_upload
from baton.exchange.services.review import review_item_assign, review_item_discard

__all__ = [
    "EXPORT_APPROVAL_THRESHOLD",
    "export_blocked_check",
    "export_decide",
    "export_download",
    "export_file_name",
    "export_request",
    "import_check",
    "import_confirm",
    "import_upload",
    "review_item_assign",
    "review_item_discard",
]
