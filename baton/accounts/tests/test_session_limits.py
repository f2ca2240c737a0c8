"""Sessions end after 30 idle minutes and 12 hours after sign-in, however active."""

import pytest
from django.conf import settings

from baton.accounts.middleware import LOGIN_TIME_KEY
from baton.core import clock

pytestmark = pytest.mark.django_db


def signed_in_since(org, seconds_ago):
    client = org.client_for("S1101")
    session = client.session
    session[LOGIN_TIME_KEY] = clock.now().timestamp() - seconds_ago
    session.save()
    return client


def test_session_ends_twelve_hours_after_sign_in(org):
    response = signed_in_since(org, 12 * 3600 + 1).get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_session_just_under_twelve_hours_still_works(org):
    assert signed_in_since(org, 12 * 3600 - 60).get("/").status_code == 200


def test_idle_limit_is_thirty_minutes_renewed_by_each_request():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
