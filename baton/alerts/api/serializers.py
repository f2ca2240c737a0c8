from __future__ import annotations

from rest_framework import serializers

from baton.alerts.models import Alert
from baton.core.api.serializers import StrictSerializer


class AlertSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True, default=None, allow_null=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "rule",
            "category",
            "company",
            "team",
            "team_name",
            "owner",
            "owner_name",
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


class AlertCountsSerializer(serializers.Serializer):
    """Alerts per status and per category under the other filters."""

    total = serializers.IntegerField(help_text="Alerts matching every filter.")
    status = serializers.DictField(
        child=serializers.IntegerField(), help_text="Status -> alerts (the category filter applies)."
    )
    category = serializers.DictField(
        child=serializers.IntegerField(), help_text="Category -> alerts (the status filter applies)."
    )
