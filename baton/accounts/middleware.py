from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from baton.core import clock

LOGIN_TIME_KEY = "baton_login_at"


class SessionLifetimeMiddleware:
    """End a session 12 hours after sign-in, however active it has been.

    The 30-minute idle limit is the session cookie age, renewed on every request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(LOGIN_TIME_KEY)
            if (
                started is None
                or clock.now().timestamp() - float(started) > settings.SESSION_ABSOLUTE_LIFETIME
            ):
                logout(request)
        return self.get_response(request)
