from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from baton.accounts.models import User


class EmployeeNumberBackend(ModelBackend):
    """Loads the signed-in user for each request, and refuses accounts that may not sign in.

    Because ``get_user`` refuses a frozen account or a leaver, their sessions stop working at
    the next request. Password checks themselves go through ``login_password_check``.
    """

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        return None  # sign-in goes through baton.accounts.services, never through this hook

    def user_can_authenticate(self, user: Any) -> bool:
        return bool(getattr(user, "may_sign_in", False))

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.select_related("employee").filter(pk=user_id).first()
        return user if user is not None and user.may_sign_in else None
