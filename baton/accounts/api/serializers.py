from __future__ import annotations

from typing import Any

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


class AccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employee_no = serializers.CharField()
    display_name = serializers.CharField()
    employee = serializers.IntegerField(source="employee.pk", allow_null=True)
    is_active = serializers.BooleanField()
    is_frozen = serializers.BooleanField()
    frozen_reason = serializers.CharField()
    mfa_enabled = serializers.BooleanField()
    roles = serializers.SerializerMethodField()

    def get_roles(self, user: Any) -> list[str]:
        return sorted(a.role.code for a in user.role_assignments.all())


class AccountCreateSerializer(StrictSerializer):
    employee = serializers.IntegerField(help_text="Id of the employee who gets the account.")
    password = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})
    roles = serializers.ListField(
        child=serializers.SlugField(),
        required=False,
        help_text="Role codes; needs the role.change grant. Default: the roles of the team role.",
    )


class FreezeSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=200)


class PasswordChangeSerializer(StrictSerializer):
    old_password = serializers.CharField(max_length=256, trim_whitespace=False)
    new_password = serializers.CharField(max_length=256, trim_whitespace=False)
