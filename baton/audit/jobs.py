import datetime as dt

from django.conf import settings

from baton.audit.services import audit_checkpoint_write
from baton.core import jobs


@jobs.register("audit_checkpoint", every=dt.timedelta(seconds=settings.AUDIT_CHECKPOINT_INTERVAL))
def audit_checkpoint(now: dt.datetime) -> object:
    """Sign the chain head periodically so a truncated tail can be detected."""
    return audit_checkpoint_write(now=now)
