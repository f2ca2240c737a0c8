from __future__ import annotations

from rest_framework import serializers

from baton.alerts.models import Alert
from baton.core.api.serializers import StrictSerializer


class AlertSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alert
        fields = [
            "id",
            "rule",
            "category",
            "subject_type",
            "subject_id",
            "severity",
            "status",
            "title",
            "details",
            "raised_at",
            "last_seen_at",
            "closed_at",
            "note",
        ]
        read_only_fields = fields


class AlertTransitionSerializer(StrictSerializer):
    note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why; required to resolve or dismiss.",
    )
