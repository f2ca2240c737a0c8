"""Reading accounts: a user's own sign-in security (MFA, recovery codes, API tokens)."""

from __future__ import annotations

from django.db.models import QuerySet

from baton.accounts.models import ApiToken, RecoveryCode, User


def recovery_codes_left(*, user: User) -> int:
    """How many of the user's recovery codes are still unused."""
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first (only hashes are stored, never the token)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
