from __future__ import annotations

from rest_framework import serializers

from baton.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "key", "title", "body", "link", "severity", "created_at", "read_at"]
        read_only_fields = fields


class NotificationsReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were unread and are now read.")
