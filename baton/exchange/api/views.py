from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from baton.core.api.viewsets import ScopedViewSet
from baton.core.errors import InvalidInput, NotFound
from baton.customers.selectors import contacts_visible_to, customers_visible_to
from baton.exchange.api import serializers as s
from baton.exchange.parsers.files import MAX_UPLOAD_BYTES
from baton.exchange.selectors import (
    exports_of,
    exports_visible_to,
    imports_visible_to,
    review_items_visible_to,
)
from baton.exchange.services import (
    export_decide,
    export_download,
    export_request,
    import_confirm,
    import_upload,
    review_item_assign,
    review_item_discard,
)
from baton.exchange.views import download_response


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


ALL_CREATE = {name: "create" for name in ("list", "retrieve", "create", "confirm", "assign", "discard")}


@extend_schema(tags=["imports"])
class ImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Import files of customers, contacts, interactions, orders, e-mail, call logs and WeChat
    chats (``customer_import.create``). Uploading checks the file (dry run) and reports
    (row, field, error); ``confirm`` imports it. See docs/exchange.md for formats."""

    resource = "customer_import"
    selector = imports_visible_to
    action_policies = ALL_CREATE
    serializer_class = s.ImportBatchSerializer
    filterset_fields = ["kind", "status"]
    ordering_fields = ["uploaded_at"]

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()
        if self.action == "confirm":  # only the uploader imports what they checked
            queryset = queryset.filter(uploaded_by=self.request.user)
        return queryset

    @extend_schema(
        request={"multipart/form-data": s.ImportUploadSerializer},
        responses={
            201: s.ImportBatchSerializer,
            400: OpenApiResponse(description="File refused: type, disguised content, size, rows, columns."),
        },
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.ImportUploadSerializer, request)
        upload = data["file"]
        batch = import_upload(
            actor=request.user,
            kind=data["kind"],
            name=upload.name or "",
            data=upload.read(MAX_UPLOAD_BYTES + 1),  # one byte more is enough to refuse it
        )
        if not data["dry_run"]:
            try:
                batch = import_confirm(actor=request.user, batch=batch, skip_bad_rows=data["skip_bad_rows"])
            except InvalidInput as exc:
                if exc.code != "import_has_errors":
                    raise
                batch.refresh_from_db()
        return Response(self.get_serializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ImportConfirmSerializer,
        responses={
            200: s.ImportBatchSerializer,
            400: OpenApiResponse(description="import_has_errors (nothing written) or invalid_transition."),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def confirm(self, request: Request, pk: str) -> Response:
        """Import the checked file; with errors left, only with ``skip_bad_rows``."""
        batch = self.get_object()
        data = _valid(s.ImportConfirmSerializer, request)
        batch = import_confirm(actor=request.user, batch=batch, skip_bad_rows=data["skip_bad_rows"])
        return Response(self.get_serializer(batch).data)


@extend_schema(tags=["imports"])
class ReviewItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Captured records that matched no contact, or several customers (``customer_import``)."""

    resource = "customer_import"
    selector = review_items_visible_to
    action_policies = ALL_CREATE
    serializer_class = s.ReviewItemSerializer
    filterset_fields = ["status", "channel", "reason", "batch"]
    ordering_fields = ["occurred_at"]

    @extend_schema(request=s.ReviewAssignSerializer, responses=s.ReviewItemSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def assign(self, request: Request, pk: str) -> Response:
        """Record the interaction at a customer (and contact) you may change."""
        item = self.get_object()
        data = _valid(s.ReviewAssignSerializer, request)
        contact = customer = None
        if data.get("contact") is not None:
            contact = (
                contacts_visible_to(user=request.user, action="change").filter(pk=data["contact"]).first()
            )
            if contact is None:
                raise NotFound()
        if data.get("customer") is not None:
            customer = (
                customers_visible_to(user=request.user, action="change").filter(pk=data["customer"]).first()
            )
            if customer is None:
                raise NotFound()
        item = review_item_assign(
            actor=request.user, item=item, customer=customer, contact=contact, note=data["note"]
        )
        return Response(self.get_serializer(item).data)

    @extend_schema(request=s.ReviewDiscardSerializer, responses=s.ReviewItemSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def discard(self, request: Request, pk: str) -> Response:
        """The record belongs to no customer."""
        item = review_item_discard(
            actor=request.user,
            item=self.get_object(),
            note=_valid(s.ReviewDiscardSerializer, request)["note"],
        )
        return Response(self.get_serializer(item).data)


@extend_schema(tags=["exports"])
class ExportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Customer exports (``customer.export``) and their approval (``customer.approve``).

    Lists show your own exports and those you may decide on; only the requester downloads.
    """

    resource = "customer"
    selector = exports_visible_to
    action_policies = {
        "list": "export",
        "retrieve": "export",
        "create": "export",
        "download": "export",
        "approve": "approve",
        "reject": "approve",
    }
    serializer_class = s.ExportSerializer
    filterset_fields = ["status", "format"]
    ordering_fields = ["requested_at"]

    def get_queryset(self) -> Any:
        if self.action == "download":
            return exports_of(user=self.request.user)
        return super().get_queryset()

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # A download answers with the file whatever the client said it accepts.
        return super().perform_content_negotiation(request, force=force or self.action == "download")

    @extend_schema(
        request=s.ExportRequestSerializer,
        responses={
            201: s.ExportSerializer,
            403: OpenApiResponse(description="No grant, a frozen account, or an employee in handover."),
        },
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.ExportRequestSerializer, request)
        export = export_request(actor=request.user, format=data["format"], filters=data["filters"])
        return Response(self.get_serializer(export).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="export_pending or export_rejected."),
            403: OpenApiResponse(description="No grant, a frozen account, or an employee in handover."),
        }
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def download(self, request: Request, pk: str) -> Any:
        """The file, as an attachment (xlsx or csv), watermarked for the requester."""
        export = export_download(actor=request.user, export=self.get_object())
        return download_response(export=export)

    @extend_schema(request=s.ExportDecisionSerializer, responses=s.ExportSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request: Request, pk: str) -> Response:
        """Let the requester download it."""
        export = export_decide(
            actor=request.user,
            export=self.get_object(),
            approve=True,
            reason=_valid(s.ExportDecisionSerializer, request)["reason"],
        )
        return Response(self.get_serializer(export).data)

    @extend_schema(request=s.ExportDecisionSerializer, responses=s.ExportSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def reject(self, request: Request, pk: str) -> Response:
        """Refuse it; ``reason`` is required."""
        export = export_decide(
            actor=request.user,
            export=self.get_object(),
            approve=False,
            reason=_valid(s.ExportDecisionSerializer, request)["reason"],
        )
        return Response(self.get_serializer(export).data)
