from __future__ import annotations

from rest_framework import serializers

from baton.core.api.serializers import StrictSerializer
from baton.org.models import employee_no_validator


class TokenRequestSerializer(StrictSerializer):
    employee_no = serializers.CharField(max_length=32, validators=[employee_no_validator])
    password = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text="TOTP or recovery code; needed when the account has MFA set up.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Shown once; send it as `Authorization: Bearer <token>`.")
    expires_at = serializers.DateTimeField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employee_no = serializers.CharField()
    name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField(), help_text="Role codes.")
    grants = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text="resource → action → scope (own, team, department or company).",
    )
    mfa_enabled = serializers.BooleanField()
    mfa_required = serializers.BooleanField()
