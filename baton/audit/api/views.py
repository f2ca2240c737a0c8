from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from baton.audit.api.serializers import (
    AuditCheckpointSerializer,
    AuditEventSerializer,
    AuditVerifySerializer,
)
from baton.audit.filters import AuditEventFilterSet
from baton.audit.selectors import audit_checkpoints_visible_to, audit_events_visible_to
from baton.audit.services import audit_chain_verify
from baton.core.api.serializers import StrictSerializer
from baton.core.api.viewsets import BatonAPIView, ScopedViewSet
from baton.core.policy import requires


@extend_schema(tags=["audit"])
class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The hash-chained audit trail (``audit.view``), addressed by sequence number."""

    resource = "audit"
    selector = audit_events_visible_to
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    ordering_fields = ["seq"]
    lookup_field = "seq"
    lookup_value_regex = "[0-9]+"


@extend_schema(tags=["audit"])
class AuditCheckpointViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Signed checkpoints of the chain head, for safekeeping outside Baton.

    Needs ``audit.verify``: checkpoints are what an outside verifier compares the chain with.
    """

    resource = "audit"
    selector = audit_checkpoints_visible_to
    action_policies = {"list": "verify"}
    serializer_class = AuditCheckpointSerializer
    filter_backends: list[Any] = []


@extend_schema(tags=["audit"])
class AuditVerifyView(BatonAPIView):
    """Recompute the whole chain and check it against the signed checkpoints.

    The check is recorded as an ``audit.verified`` event (after the check itself).
    """

    policy = requires("audit", "verify")

    @extend_schema(request=None, responses=AuditVerifySerializer)
    def post(self, request: Request) -> Response:
        serializer = StrictSerializer(data=request.data)  # no fields are accepted
        serializer.is_valid(raise_exception=True)
        result = audit_chain_verify(actor=request.user)
        return Response(
            AuditVerifySerializer(
                {
                    "ok": result.ok,
                    "count": result.count,
                    "head_hash": result.head_hash,
                    "first_bad_seq": result.first_bad_seq,
                    "reason": str(result.reason),
                }
            ).data
        )
