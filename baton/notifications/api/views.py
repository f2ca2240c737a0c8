from __future__ import annotations

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from baton.core.api.serializers import StrictSerializer
from baton.core.api.viewsets import BatonAPIView
from baton.core.policy import AUTHENTICATED, get_in_scope
from baton.notifications.api.serializers import NotificationSerializer, NotificationsReadAllSerializer
from baton.notifications.filters import NotificationFilterSet
from baton.notifications.models import Notification
from baton.notifications.selectors import notifications_for
from baton.notifications.services import notification_read, notifications_read_all


@extend_schema(tags=["notifications"])
class NotificationViewSet(mixins.ListModelMixin, BatonAPIView, viewsets.GenericViewSet):
    """The caller's own notifications, newest first. Anyone signed in has their own and sees no
    one else's: another person's notification answers 404 like a missing one."""

    policy = AUTHENTICATED
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet[Notification]:
        return notifications_for(user=self.request.user)

    def get_object(self) -> Notification:
        return get_in_scope(
            self.get_queryset(),
            user=self.request.user,
            resource="notification",
            action="read",
            pk=self.kwargs["pk"],
        )

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def read(self, request: Request, pk: str) -> Response:
        """Mark one notification read (reading it again changes nothing)."""
        StrictSerializer(data=request.data).is_valid(raise_exception=True)  # no fields are accepted
        notification = notification_read(actor=request.user, notification=self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=NotificationsReadAllSerializer)
    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=[], pagination_class=None)
    def read_all(self, request: Request) -> Response:
        """Mark every unread notification read."""
        StrictSerializer(data=request.data).is_valid(raise_exception=True)  # no fields are accepted
        marked = notifications_read_all(actor=request.user)
        return Response(NotificationsReadAllSerializer({"marked": marked}).data)
