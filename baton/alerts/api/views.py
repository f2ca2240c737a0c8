from __future__ import annotations

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from baton.alerts.api.serializers import AlertCountsSerializer, AlertSerializer, AlertTransitionSerializer
from baton.alerts.filters import AlertFilterSet
from baton.alerts.models import Alert, AlertStatus
from baton.alerts.selectors import alerts_ordered_for, alerts_visible_to
from baton.alerts.services import alert_transition
from baton.alerts.views import AlertPolicy
from baton.core.api.viewsets import ScopedViewSet
from baton.core.policy import Policy


@extend_schema(tags=["alerts"])
class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The alert centre: security alerts (``security_alert`` grants) and risk alerts (churn,
    concentration, compliance, departures…; ``risk_alert`` within its data scope). The
    viewer's team comes first, then newest. Acknowledging, resolving and dismissing need the
    change grant of the alert's kind; an alert outside it answers 404."""

    resource = "risk_alert"
    selector = alerts_visible_to
    action_policies = {"acknowledge": "change", "resolve": "change", "dismiss": "change", "counts": "view"}
    serializer_class = AlertSerializer
    filterset_class = AlertFilterSet
    filter_backends = [DjangoFilterBackend, OrderingFilter]  # ``q`` searches the title
    ordering_fields = ["raised_at", "last_seen_at", "severity"]

    def get_policy(self) -> Policy:
        # Either kind of grant opens the endpoint; the selector decides which rows.
        return AlertPolicy("grant", self.resource, self.grant_action)

    def get_queryset(self) -> QuerySet[Alert]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Alert.objects.none()
        alerts = super().get_queryset().select_related("team", "owner")
        return alerts_ordered_for(user=self.request.user, queryset=alerts)

    @extend_schema(responses=AlertCountsSerializer, filters=True)
    @action(detail=False, methods=["get"], filter_backends=[DjangoFilterBackend])
    def counts(self, request: Request) -> Response:
        """Alerts per status and per category, under the same filters as the list."""
        filterset = AlertFilterSet(request.query_params, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return Response(AlertCountsSerializer(filterset.counts()).data)

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
