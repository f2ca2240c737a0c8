from __future__ import annotations

from rest_framework import serializers

from baton.accounts.models import User
from baton.authz.models import Grant, Role, Scope
from baton.core.api.serializers import StrictSerializer


class GrantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Grant
        fields = ["resource", "action", "scope"]
        read_only_fields = fields


class RoleSerializer(serializers.ModelSerializer):
    grants = GrantSerializer(many=True, read_only=True)

    class Meta:
        model = Role
        fields = ["id", "code", "name", "description", "requires_mfa", "is_system", "grants"]
        read_only_fields = fields


class GrantSetSerializer(StrictSerializer):
    """Give the role ``action`` on ``resource`` at ``scope``; ``scope: null`` takes it away."""

    resource = serializers.CharField(max_length=50)
    action = serializers.CharField(max_length=20)
    scope = serializers.ChoiceField(choices=Scope.choices, allow_null=True)


class UserRolesSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "employee_no", "roles"]
        read_only_fields = fields

    def get_roles(self, user: User) -> list[str]:
        return sorted(a.role.code for a in user.role_assignments.all())


class UserRolesSetSerializer(StrictSerializer):
    roles = serializers.ListField(
        child=serializers.SlugField(max_length=50),
        allow_empty=True,
        max_length=50,
        help_text="Role codes; replaces the user's roles.",
    )
