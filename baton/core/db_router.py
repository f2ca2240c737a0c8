"""Optional read replica for reports (``DATABASE_REPLICA_URL``).

Report selectors wrap their reads in ``replica_reads()`` (the concentration report does);
while it is active, and the ``replica`` alias is configured, and no transaction is open on the
primary (so a request never reads around its own uncommitted writes), queries read the
replica. Writes, migrations and everything outside the block use the primary. A streaming
replica lags a little: use it for figures where a few seconds do not matter.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_reading_replica: ContextVar[bool] = ContextVar("baton_replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Send this block's reads to the replica when there is one (also a decorator)."""
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def read_alias() -> str:
    """The database a read here goes to: the replica inside ``replica_reads()`` when it is
    configured and no transaction is open on the primary; the primary otherwise. For raw SQL
    (``connections[read_alias()]``), which the router never sees."""
    if not _reading_replica.get() or not replica_configured():
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return REPLICA


class ReplicaRouter:
    """Reads inside ``replica_reads()`` go to the replica; all else to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        alias = read_alias()
        return alias if alias == REPLICA else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica is a copy of the primary: same rows

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        return db != REPLICA
