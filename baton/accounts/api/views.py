from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import BaseAuthentication
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from baton.accounts.api import schema  # noqa: F401  (registers the bearer scheme)
from baton.accounts.api.serializers import (
    AccountCreateSerializer,
    AccountSerializer,
    FreezeSerializer,
    MeSerializer,
    PasswordChangeSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from baton.accounts.authentication import BearerTokenAuthentication
from baton.accounts.models import ApiToken, User
from baton.accounts.selectors import accounts_visible_to
from baton.accounts.services import (
    LoginRefused,
    account_create,
    api_token_issue,
    api_token_revoke,
    mfa_reset,
    password_change,
    sessions_revoke_all,
    user_freeze,
    user_has_mfa,
    user_requires_mfa,
    user_unfreeze,
)
from baton.authz.actor import actor_for
from baton.authz.selectors import user_can
from baton.core.api.exceptions import error_response
from baton.core.api.viewsets import BatonAPIView, ScopedViewSet
from baton.core.errors import Forbidden, InvalidInput
from baton.core.policy import AUTHENTICATED, PUBLIC, Policy, get_in_scope
from baton.org.selectors import employees_visible_to

# Refusals that mean "these credentials are wrong" (401); the rest are "this account may
# not have a token now" (403): disabled, frozen, left, locked, or MFA not yet set up.
_UNAUTHENTICATED_CODES = frozenset({"invalid_credentials", "invalid_otp"})


@extend_schema(tags=["auth"])
class TokenView(BatonAPIView):
    """Bearer tokens for the API.

    ``POST`` exchanges 工号, password and (when the account has MFA) a one-time code for a
    token; it is public and ignores any credentials sent with it. A wrong password or a
    missing, wrong or replayed one-time code answers **401** (``invalid_credentials``,
    ``invalid_otp``). An account that may not sign in answers **403**: ``account_disabled``
    (frozen, deactivated or left), ``account_locked`` (too many failures) or
    ``mfa_enrolment_required`` (its role needs MFA, which is set up in the web interface).

    ``DELETE`` revokes the bearer token it is called with.
    """

    def get_authenticators(self) -> list[BaseAuthentication]:
        method = getattr(getattr(self, "request", None), "method", "")
        if method == "POST":
            return []
        return [BearerTokenAuthentication()]

    def get_policy(self) -> Policy:
        return PUBLIC if self.request.method == "POST" else AUTHENTICATED

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            201: TokenSerializer,
            400: OpenApiResponse(description="Malformed input, e.g. an invalid 工号."),
            401: OpenApiResponse(description="Wrong 工号, password or one-time code."),
            403: OpenApiResponse(description="Account disabled, locked, or MFA enrolment required."),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            raw, expires_at = api_token_issue(
                employee_no=data["employee_no"], password=data["password"], otp=data["otp"] or None
            )
        except LoginRefused as exc:
            code = exc.code
            if code in _UNAUTHENTICATED_CODES:
                response = error_response(code, str(exc.message), None, status.HTTP_401_UNAUTHORIZED)
                response["WWW-Authenticate"] = BearerTokenAuthentication.keyword
                return response
            return error_response(code, str(exc.message), None, status.HTTP_403_FORBIDDEN)
        body = TokenSerializer({"token": raw, "expires_at": expires_at}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: OpenApiResponse(description="The token is revoked.")})
    def delete(self, request: Request) -> Response:
        token = request.auth
        if not isinstance(token, ApiToken):  # only bearer authentication reaches here
            raise InvalidInput(code="no_token")
        api_token_revoke(actor=cast(User, request.user), token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["auth"])
class MeView(BatonAPIView):
    """Who the caller is: 工号, name, roles, effective grants and MFA state."""

    policy = AUTHENTICATED

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user: Any = request.user
        actor = actor_for(user)
        grants: dict[str, dict[str, str]] = {}
        for (resource, verb), scope in sorted(actor.grants.items()):
            grants.setdefault(resource, {})[verb] = scope
        employee = getattr(user, "employee", None)
        body = {
            "id": user.pk,
            "employee_no": user.employee_no,
            "name": employee.name if employee is not None else (user.display_name or user.employee_no),
            "roles": sorted(actor.role_codes),
            "grants": grants,
            "mfa_enabled": user_has_mfa(user=user),
            "mfa_required": user_requires_mfa(user=user),
        }
        return Response(MeSerializer(body).data)


@extend_schema(tags=["auth"])
class LogoutEverywhereView(BatonAPIView):
    """End every session and revoke every API token of the caller, this one included."""

    policy = AUTHENTICATED

    @extend_schema(
        request=None, responses={204: OpenApiResponse(description="All sessions and tokens ended.")}
    )
    def post(self, request: Request) -> Response:
        user = cast(User, request.user)
        sessions_revoke_all(actor=user, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["auth"])
class PasswordChangeView(BatonAPIView):
    """Change your own password (12 characters or more, not a common one). Your other
    sessions end; API tokens stay valid."""

    policy = AUTHENTICATED

    @extend_schema(request=PasswordChangeSerializer, responses={204: OpenApiResponse(description="Changed.")})
    def post(self, request: Request) -> Response:
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        password_change(
            user=cast(User, request.user),
            old_password=data["old_password"],
            new_password=data["new_password"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["accounts"])
class AccountViewSet(ScopedViewSet):
    """Login accounts of employees (the ``account`` grant: administrators and HR by default),
    limited to employees inside the caller's own employee scope."""

    resource = "account"
    selector = accounts_visible_to
    serializer_class = AccountSerializer
    action_policies = {
        "create": "change",
        "freeze": "change",
        "unfreeze": "change",
        "reset_mfa": "change",
        "logout_everywhere": "change",
    }

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(AccountSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(AccountSerializer(self.get_object()).data)

    @extend_schema(request=AccountCreateSerializer, responses={201: AccountSerializer})
    def create(self, request: Request) -> Response:
        serializer = AccountCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        employee = get_in_scope(
            employees_visible_to(user=request.user),
            user=request.user,
            resource="employee",
            action="view",
            pk=data["employee"],
        )
        roles = data.get("roles")
        if roles is not None and not user_can(user=request.user, resource="role", action="change"):
            raise Forbidden(code="roles_need_role_change")
        user = account_create(
            actor=request.user, employee=employee, password=data["password"], role_codes=roles
        )
        fresh = self.get_queryset().get(pk=user.pk)
        return Response(AccountSerializer(fresh).data, status=status.HTTP_201_CREATED)

    def _done(self) -> Response:
        return Response(AccountSerializer(self.get_queryset().get(pk=self.get_object().pk)).data)

    @extend_schema(request=FreezeSerializer, responses=AccountSerializer)
    @action(detail=True, methods=["post"])
    def freeze(self, request: Request, pk: str | None = None) -> Response:
        serializer = FreezeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user_freeze(actor=request.user, user=self.get_object(), reason=serializer.validated_data["reason"])
        return self._done()

    @extend_schema(request=None, responses=AccountSerializer)
    @action(detail=True, methods=["post"])
    def unfreeze(self, request: Request, pk: str | None = None) -> Response:
        user_unfreeze(actor=request.user, user=self.get_object())
        return self._done()

    @extend_schema(request=None, responses=AccountSerializer)
    @action(detail=True, methods=["post"], url_path="reset-mfa")
    def reset_mfa(self, request: Request, pk: str | None = None) -> Response:
        mfa_reset(actor=request.user, user=self.get_object())
        return self._done()

    @extend_schema(request=None, responses=AccountSerializer)
    @action(detail=True, methods=["post"], url_path="logout-everywhere")
    def logout_everywhere(self, request: Request, pk: str | None = None) -> Response:
        sessions_revoke_all(actor=request.user, user=self.get_object())
        return self._done()
