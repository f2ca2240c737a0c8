from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from baton.alerts.api.serializers import AlertSerializer, AlertTransitionSerializer
from baton.alerts.models import Alert, AlertStatus
from baton.alerts.selectors import alerts_visible_to
from baton.alerts.services import alert_transition
from baton.authz.selectors import restrict
from baton.core.api.viewsets import ScopedViewSet


def alerts_for_api(*, user: Any, action: str = "view") -> QuerySet[Alert]:
    """``alerts_visible_to``, narrowed further to holders of ``action`` (e.g. ``change``)."""
    return restrict(alerts_visible_to(user=user), user=user, resource="security_alert", action=action)


@extend_schema(tags=["alerts"])
class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Security alerts (``security_alert`` grants) and their handling."""

    resource = "security_alert"
    selector = alerts_for_api
    action_policies = {"acknowledge": "change", "resolve": "change", "dismiss": "change"}
    serializer_class = AlertSerializer
    filterset_fields = ["status", "severity", "rule", "category"]
    search_fields = ["title", "subject_id"]
    ordering_fields = ["raised_at", "last_seen_at", "severity"]

    def _transition(self, request: Request, status: str) -> Response:
        alert = self.get_object()
        serializer = AlertTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        alert = alert_transition(
            actor=request.user, alert=alert, status=status, note=serializer.validated_data["note"]
        )
        return Response(self.get_serializer(alert).data)

    @extend_schema(request=AlertTransitionSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def acknowledge(self, request: Request, pk: str) -> Response:
        """Someone is looking at it."""
        return self._transition(request, AlertStatus.ACKNOWLEDGED)

    @extend_schema(request=AlertTransitionSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def resolve(self, request: Request, pk: str) -> Response:
        """Dealt with; the note says how."""
        return self._transition(request, AlertStatus.RESOLVED)

    @extend_schema(request=AlertTransitionSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def dismiss(self, request: Request, pk: str) -> Response:
        """Not a real problem; the note says why."""
        return self._transition(request, AlertStatus.DISMISSED)
