"""Pages for importing, reviewing captured records, exporting and approving exports.

Imports and queued records come from the ``customer_import`` scope, exports from the
``customer`` scope (``export`` for one's own, ``approve`` for the inbox); anything outside
answers 404 like a missing object.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from baton.core.errors import BatonError, Forbidden
from baton.core.forms import form_add_service_error
from baton.core.policy import requires
from baton.core.views import BatonTemplateView, ScopedObjectMixin
from baton.customers.models import Contact
from baton.customers.selectors import contacts_visible_to, customers_visible_to
from baton.customers.services.identity import normalize_name
from baton.exchange.forms import (
    ExportDecisionForm,
    ExportRequestForm,
    ImportConfirmForm,
    ImportUploadForm,
    ReviewAssignForm,
    ReviewDiscardForm,
)
from baton.exchange.models import ExportRequest, ExportStatus, ImportBatch, ImportStatus, ReviewItem
from baton.exchange.parsers.columns import translated_columns
from baton.exchange.parsers.files import MAX_UPLOAD_BYTES
from baton.exchange.selectors import (
    exports_awaiting_decision_by,
    exports_decidable_by,
    exports_of,
    import_report,
    imports_visible_to,
    review_items_pending,
    review_items_visible_to,
)
from baton.exchange.services import (
    EXPORT_APPROVAL_THRESHOLD,
    export_decide,
    export_download,
    export_file_name,
    export_request,
    import_confirm,
    import_upload,
    review_item_assign,
    review_item_discard,
)
from baton.exchange.services.exports import CONTENT_TYPES

PER_PAGE = 50
CANDIDATES_SHOWN = 20
IMPORT = requires("customer_import", "create")
EXPORT = requires("customer", "export")
APPROVE = requires("customer", "approve")


def download_response(*, export: ExportRequest) -> FileResponse:
    """The export as an attachment the browser must not sniff or cache."""
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export_file_name(export),
        content_type=CONTENT_TYPES[export.format],  # type: ignore[index]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


def _refusal(request: HttpRequest, exc: BatonError) -> HttpResponse:
    """A service's refusal as a page with its message (403 for Forbidden, else 400)."""
    status = 403 if isinstance(exc, Forbidden) else exc.status
    return render(request, "exchange/refused.html", {"message": exc.message}, status=status)


# --- Imports ----------------------------------------------------------------------------------


class ImportListView(BatonTemplateView):
    """Upload a file (which runs the dry run) and the imports the user may see."""

    policy = IMPORT
    template_name = "exchange/import_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        batches = imports_visible_to(user=self.request.user)
        ctx["page_obj"] = Paginator(batches, PER_PAGE).get_page(self.request.GET.get("page"))
        ctx.setdefault("form", ImportUploadForm())
        ctx["pending_reviews"] = review_items_pending(user=self.request.user).count()
        ctx["columns"] = {
            kind: translated_columns(kind)
            for kind in ("customers", "contacts", "interactions", "orders", "call_log")
        }
        return ctx

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = import_upload(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    name=upload.name,
                    data=upload.read(MAX_UPLOAD_BYTES + 1),  # one byte more is enough to refuse it
                )
            except BatonError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("The file was checked. Look at the report, then confirm."))
                return redirect("exchange:import_detail", pk=batch.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ImportDetailView(ScopedObjectMixin, TemplateView):
    """One import: its counts, the (row, field, error) report, and the confirm button."""

    policy = IMPORT
    template_name = "exchange/import_detail.html"
    context_object_name = "batch"
    object: ImportBatch

    def get_scoped_queryset(self) -> QuerySet[ImportBatch]:
        return imports_visible_to(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["report"] = import_report(batch=self.object)
        ctx["summary"] = self.object.summary
        ctx["can_confirm"] = (
            self.object.status == ImportStatus.CHECKED and self.object.uploaded_by_id == self.request.user.pk
        )
        ctx["confirm_form"] = ImportConfirmForm()
        ctx["queued"] = review_items_visible_to(user=self.request.user).filter(batch=self.object).count()
        return ctx


class ImportConfirmView(ScopedObjectMixin, TemplateView):
    """Import the checked file for real (optionally skipping bad rows)."""

    policy = IMPORT
    http_method_names = ["post"]
    object: ImportBatch

    def get_scoped_queryset(self) -> QuerySet[ImportBatch]:
        return imports_visible_to(user=self.request.user).filter(uploaded_by_id=self.request.user.pk)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ImportConfirmForm(request.POST)
        skip = form.is_valid() and form.cleaned_data["skip_bad_rows"]
        try:
            batch = import_confirm(actor=request.user, batch=self.object, skip_bad_rows=skip)
        except BatonError as exc:
            messages.error(request, str(exc.message))
        else:
            summary = batch.summary
            messages.success(
                request,
                _("Imported: %(created)d new, %(unchanged)d already there, %(queued)d to review.")
                % {k: summary.get(k, 0) for k in ("created", "unchanged", "queued")},
            )
        return redirect("exchange:import_detail", pk=self.object.pk)


# --- Review queue ---------------------------------------------------------------------------


class ReviewQueueView(BatonTemplateView):
    """Captured records that matched no contact (or several customers), oldest decisions first."""

    policy = IMPORT
    template_name = "exchange/review_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        items = review_items_pending(user=self.request.user)
        ctx["page_obj"] = Paginator(items, PER_PAGE).get_page(self.request.GET.get("page"))
        return ctx


class ReviewItemView(ScopedObjectMixin, TemplateView):
    """One queued record, with customers to assign it to (search by name)."""

    policy = IMPORT
    template_name = "exchange/review_detail.html"
    context_object_name = "item"
    object: ReviewItem

    def get_scoped_queryset(self) -> QuerySet[ReviewItem]:
        return review_items_visible_to(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        candidates = customers_visible_to(user=self.request.user, action="change")
        if query:
            candidates = candidates.filter(normalized_name__contains=normalize_name(query))
        current = Contact.objects.filter(removed_at__isnull=True)
        ctx["query"] = query
        ctx["candidates"] = list(
            candidates.prefetch_related(Prefetch("contacts", queryset=current))[:CANDIDATES_SHOWN]
        )
        ctx.setdefault("assign_form", ReviewAssignForm())
        ctx.setdefault("discard_form", ReviewDiscardForm())
        return ctx


class ReviewAssignView(ReviewItemView):
    """Assign the record to a customer or contact (records the interaction; audited)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ReviewAssignForm(request.POST)
        if form.is_valid():
            kind, _sep, raw_id = form.cleaned_data["target"].partition(":")
            contact = customer = None
            if kind == "contact":
                contact = contacts_visible_to(user=request.user, action="change").filter(pk=raw_id).first()
            else:
                customer = customers_visible_to(user=request.user, action="change").filter(pk=raw_id).first()
            if contact is None and customer is None:
                form.add_error("target", _("Choose a customer or a contact."))
            else:
                try:
                    review_item_assign(
                        actor=request.user,
                        item=self.object,
                        customer=customer,
                        contact=contact,
                        note=form.cleaned_data["note"],
                    )
                except BatonError as exc:
                    form_add_service_error(form, exc)
                else:
                    messages.success(request, _("The record was added to the customer's timeline."))
                    return redirect("exchange:review_list")
        return self.render_to_response(self.get_context_data(assign_form=form), status=400)


class ReviewDiscardView(ReviewItemView):
    """The record belongs to no customer."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ReviewDiscardForm(request.POST)
        if form.is_valid():
            try:
                review_item_discard(actor=request.user, item=self.object, note=form.cleaned_data["note"])
            except BatonError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("The record was discarded."))
                return redirect("exchange:review_list")
        return self.render_to_response(self.get_context_data(discard_form=form), status=400)


# --- Exports --------------------------------------------------------------------------------


class ExportListView(BatonTemplateView):
    """Ask for an export and download the ready ones."""

    policy = EXPORT
    template_name = "exchange/export_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        exports = exports_of(user=self.request.user)
        ctx["page_obj"] = Paginator(exports, PER_PAGE).get_page(self.request.GET.get("page"))
        ctx.setdefault("form", ExportRequestForm())
        ctx["threshold"] = EXPORT_APPROVAL_THRESHOLD
        ctx["blocked"] = _blocked_message(self.request.user)
        ctx["awaiting"] = exports_awaiting_decision_by(user=self.request.user).count()
        return ctx

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ExportRequestForm(request.POST)
        if form.is_valid():
            try:
                export = export_request(
                    actor=request.user, format=form.cleaned_data["format"], filters=form.filters()
                )
            except Forbidden as exc:
                return _refusal(request, exc)
            except BatonError as exc:
                form_add_service_error(form, exc)
            else:
                if export.status == ExportStatus.PENDING:
                    message = _(
                        "Export %(number)s holds %(count)d customers, more than %(threshold)d: "
                        "it waits for a department head's approval."
                    )
                else:
                    message = _("Export %(number)s of %(count)d customers is ready to download.")
                messages.success(
                    request,
                    message
                    % {
                        "number": export.number,
                        "count": export.customer_count,
                        "threshold": EXPORT_APPROVAL_THRESHOLD,
                    },
                )
                return redirect("exchange:export_list")
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _blocked_message(user: Any) -> str:
    if getattr(user, "is_frozen", False):
        return _("This account is frozen, so it cannot export customer data.")
    employee = getattr(user, "employee", None)
    if employee is not None and employee.status in ("resigning", "left"):
        return _(
            "During the handover period (离职交接) customer data cannot be exported. "
            "Your manager can export what the handover needs."
        )
    return ""


class ExportDownloadView(ScopedObjectMixin):
    """The requester's file, as an attachment (made and audited at the first download)."""

    policy = EXPORT
    object: ExportRequest
    watermark = False

    def get_scoped_queryset(self) -> QuerySet[ExportRequest]:
        return exports_of(user=self.request.user)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            export = export_download(actor=request.user, export=self.object)
        except BatonError as exc:
            return _refusal(request, exc)
        return download_response(export=export)


# --- Approvals ------------------------------------------------------------------------------


class ApprovalListView(BatonTemplateView):
    """Exports waiting for the viewer's approval, and the decisions taken on exports they cover."""

    policy = APPROVE
    template_name = "exchange/approval_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["pending"] = list(exports_awaiting_decision_by(user=user)[:PER_PAGE])
        ctx["decided"] = list(
            exports_decidable_by(user=user)
            .exclude(status=ExportStatus.PENDING)
            .order_by("-decided_at")[:PER_PAGE]
        )
        ctx.setdefault("form", ExportDecisionForm())
        return ctx


class ApprovalDecideView(ScopedObjectMixin, TemplateView):
    """Approve or reject one export (audited)."""

    policy = APPROVE
    http_method_names = ["post"]
    object: ExportRequest

    def get_scoped_queryset(self) -> QuerySet[ExportRequest]:
        return exports_decidable_by(user=self.request.user)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ExportDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose approve or reject."))
            return redirect("exchange:approval_list")
        approve = form.cleaned_data["decision"] == "approve"
        try:
            export = export_decide(
                actor=request.user, export=self.object, approve=approve, reason=form.cleaned_data["reason"]
            )
        except BatonError as exc:
            messages.error(request, str(exc.message))
        else:
            text = _("Export %(number)s was approved.") if approve else _("Export %(number)s was rejected.")
            messages.success(request, text % {"number": export.number})
        return redirect("exchange:approval_list")
