import datetime as dt

from baton.core import jobs
from baton.customers.services import pool_returns_run


@jobs.register("customer_pool_returns", every=dt.timedelta(hours=1))
def customer_pool_returns(now: dt.datetime) -> object:
    """Warn owners before customers return to the public pool, and return those whose time ran out."""
    return pool_returns_run(now=now)
