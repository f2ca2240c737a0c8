import datetime as dt

from baton.core import jobs
from baton.notifications.services import deliveries_send


@jobs.register("notifications.deliver", every=dt.timedelta(minutes=1))
def notifications_deliver(now: dt.datetime) -> object:
    """Send the outbox: e-mails and group-bot messages that are due."""
    return deliveries_send(now=now)
