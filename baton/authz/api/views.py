from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from baton.authz.api.serializers import (
    GrantSetSerializer,
    RoleSerializer,
    UserRolesSerializer,
    UserRolesSetSerializer,
)
from baton.authz.selectors import accounts_for_role_admin, roles_visible_to
from baton.authz.services import grant_set, user_roles_set
from baton.core.api.viewsets import ScopedViewSet


@extend_schema(tags=["roles"])
class RoleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Roles and their grants (``role`` grants; administrators by default)."""

    resource = "role"
    selector = roles_visible_to
    action_policies = {"grants": "change"}
    serializer_class = RoleSerializer
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]

    @extend_schema(request=GrantSetSerializer, responses=RoleSerializer)
    @action(detail=True, methods=["put"], filter_backends=[])
    def grants(self, request: Request, pk: str) -> Response:
        """Set one grant of the role, or remove it with ``"scope": null``. Audited."""
        role = self.get_object()
        serializer = GrantSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        grant_set(actor=request.user, role=role, **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=role.pk)).data)


@extend_schema(tags=["roles"])
class UserRolesViewSet(ScopedViewSet):
    """The roles of one login account."""

    resource = "role"
    selector = accounts_for_role_admin
    action_policies = {"roles": "view", "set_roles": "change"}
    serializer_class = UserRolesSerializer
    filter_backends: list[Any] = []

    @extend_schema(responses=UserRolesSerializer)
    @action(detail=True, methods=["get"])
    def roles(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=UserRolesSetSerializer, responses=UserRolesSerializer)
    @roles.mapping.put
    def set_roles(self, request: Request, pk: str) -> Response:
        """Replace the account's roles with the given role codes. Audited."""
        account = self.get_object()
        serializer = UserRolesSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user_roles_set(actor=request.user, user=account, role_codes=serializer.validated_data["roles"])
        return Response(self.get_serializer(self.get_queryset().get(pk=account.pk)).data)
