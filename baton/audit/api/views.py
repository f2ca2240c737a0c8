from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from baton.audit.api.filters import AuditEventFilterSet
from baton.audit.api.serializers import (
    AuditCheckpointSerializer,
    AuditEventSerializer,
    AuditVerifySerializer,
)
from baton.audit.models import AuditCheckpoint, AuditEvent
from baton.audit.services import audit_chain_verify
from baton.authz.selectors import restrict
from baton.core.api.serializers import StrictSerializer
from baton.core.api.viewsets import BatonAPIView, ScopedViewSet
from baton.core.policy import requires


def audit_events_for_api(*, user: Any, action: str = "view") -> QuerySet[AuditEvent]:
    """The audit trail, newest first, for holders of the ``audit`` grant."""
    return restrict(AuditEvent.objects.order_by("-seq"), user=user, resource="audit", action=action)


def audit_checkpoints_for_api(*, user: Any, action: str = "verify") -> QuerySet[AuditCheckpoint]:
    """Signed checkpoints, oldest first, for those who may verify the trail."""
    return restrict(AuditCheckpoint.objects.order_by("seq"), user=user, resource="audit", action=action)


@extend_schema(tags=["audit"])
class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The hash-chained audit trail (``audit.view``), addressed by sequence number."""

    resource = "audit"
    selector = audit_events_for_api
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
    selector = audit_checkpoints_for_api
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
