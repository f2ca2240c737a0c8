from __future__ import annotations

from rest_framework import serializers

from baton.audit.models import AuditCheckpoint, AuditEvent
from baton.audit.selectors import AUDIT_EVENT_FIELDS


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        # The same fields the chain hashes, plus the hashes themselves.
        fields = list(AUDIT_EVENT_FIELDS)
        read_only_fields = fields


class AuditCheckpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditCheckpoint
        fields = ["seq", "head_hash", "created_at", "signature"]
        read_only_fields = fields


class AuditVerifySerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    count = serializers.IntegerField(help_text="Events verified.")
    head_hash = serializers.CharField(help_text="Hash of the last event verified.")
    first_bad_seq = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
