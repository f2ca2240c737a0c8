"""Notifications made directly, for the page and API tests."""

import datetime as dt

from baton.core import clock
from baton.notifications.services import notify

T0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)


def notifications_for_user(user, count=1, *, prefix="n", link="/offboarding/my/"):
    """``count`` notifications for ``user``, a minute apart (the last one newest)."""
    made = []
    for i in range(count):
        with clock.frozen_at(T0 + dt.timedelta(minutes=i)):
            made += notify(
                recipients=[user],
                kind="offboarding.case_opened",
                key=f"{prefix}:{i}",
                title=f"Notice {prefix} {i}",
                body="Please look.",
                link=link,
            )
    return made
