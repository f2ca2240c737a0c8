from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.response import Response

from baton.accounts.api import schema  # noqa: F401  (registers the bearer scheme)
from baton.accounts.api.serializers import MeSerializer, TokenRequestSerializer, TokenSerializer
from baton.accounts.authentication import BearerTokenAuthentication
from baton.accounts.models import ApiToken, User
from baton.accounts.services import (
    LoginRefused,
    api_token_issue,
    api_token_revoke,
    sessions_revoke_all,
    user_has_mfa,
    user_requires_mfa,
)
from baton.authz.actor import actor_for
from baton.core.api.exceptions import error_response
from baton.core.api.viewsets import BatonAPIView
from baton.core.errors import InvalidInput
from baton.core.policy import AUTHENTICATED, PUBLIC, Policy

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
        for (resource, action), scope in sorted(actor.grants.items()):
            grants.setdefault(resource, {})[action] = scope
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
