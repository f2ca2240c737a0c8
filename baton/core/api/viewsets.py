"""Base classes for the API. Every endpoint derives from ``BatonAPIView`` or ``ScopedViewSet``."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions, viewsets
from rest_framework.request import Request
from rest_framework.views import APIView

from baton.core.policy import AUTHENTICATED, Policy, deny, get_in_scope, requires


class PolicyPermission(permissions.BasePermission):
    """Applies the view's policy; a refusal is audited (and counted for R9)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        policy: Policy = view.get_policy()
        if policy.kind == "public":
            return True
        if not request.user or not request.user.is_authenticated:
            return False
        if policy.allows(request.user):
            return True
        deny(user=request.user, policy=policy)
        return False


class BatonAPIView(APIView):
    policy: Policy = AUTHENTICATED
    permission_classes = [PolicyPermission]

    def get_policy(self) -> Policy:
        return self.policy


class ScopedViewSet(viewsets.GenericViewSet):
    """A viewset over one protected resource.

    ``resource`` names the resource, ``selector(user=..., action=...)`` returns the scoped
    queryset, and ``action_policies`` maps extra actions to the grant they need.
    """

    resource: str = ""
    selector: Any = None
    permission_classes = [PolicyPermission]
    ACTION_GRANTS = {
        "list": "view",
        "retrieve": "view",
        "create": "create",
        "update": "change",
        "partial_update": "change",
        "destroy": "delete",
    }
    action_policies: dict[str, str] = {}

    @property
    def grant_action(self) -> str:
        name = self.action or "list"
        return self.action_policies.get(name) or self.ACTION_GRANTS.get(name, "view")

    def get_policy(self) -> Policy:
        return requires(self.resource, self.grant_action)

    def get_queryset(self) -> Any:
        return type(self).selector(user=self.request.user, action=self.grant_action)

    def get_object(self) -> Any:
        lookup = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        queryset = (
            self.filter_queryset(self.get_queryset()) if self.action != "retrieve" else self.get_queryset()
        )
        obj = get_in_scope(
            queryset,
            user=self.request.user,
            resource=self.resource,
            action=self.grant_action,
            **{self.lookup_field: lookup},
        )
        self.check_object_permissions(self.request, obj)
        return obj
