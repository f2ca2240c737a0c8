"""Reading accounts: a user's own sign-in security (MFA, recovery codes, API tokens)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from baton.accounts.models import ApiToken, RecoveryCode, TotpDevice, User


def recovery_codes_left(*, user: User) -> int:
    """How many of the user's recovery codes are still unused."""
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first (only hashes are stored, never the token)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def accounts_visible_to(*, user: Any, action: str = "view") -> QuerySet[User]:
    """Login accounts the user may manage: the ``account`` grant, and only accounts of
    employees inside the user's own employee scope (HR of a subsidiary manages its own)."""
    from baton.authz.selectors import restrict
    from baton.org.selectors import employees_visible_to

    has_mfa = TotpDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    base = (
        User.objects.select_related("employee")
        .prefetch_related("role_assignments__role")
        .annotate(mfa_enabled=Exists(has_mfa))
        .order_by("employee_no")
    )
    people = employees_visible_to(user=user).values("pk")
    return restrict(base, user=user, resource="account", action=action).filter(employee__in=people)
