"""Counting what R8 watches: customer details opened, rows exported, documents downloaded,
masked fields revealed, per account and hour or day.

``access_count`` is called where the thing happens (the customer page and the customer API,
exports, document downloads, reveals). It costs one query: an upsert that adds to the bucket's
row and returns the new count together with the company's R8 setting (read by sub-selects in
the same statement, so a page view never reads the settings separately and a changed threshold
applies at once). When the count has just gone over the company's threshold, R8 runs at once
through the engine (``risk_event("access_counted")``).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connection

from baton.core import clock
from baton.risk.models import AccessCounter, RuleSetting
from baton.risk.rules.security import LIMIT_OF, bucket_start

R8 = "R8"


def _upsert(
    user_id: int, kind: str, start: dt.datetime, amount: int, company_id: int | None
) -> tuple[int, Any, Any]:
    """Add to the bucket; returns the new count, and R8's stored ``enabled`` and ``params`` for
    the company (None, None without a setting)."""
    q = connection.ops.quote_name
    table, count = q(AccessCounter._meta.db_table), q("count")
    settings = q(RuleSetting._meta.db_table)
    setting = f"FROM {settings} WHERE company_id = %s AND code = %s"
    # Only quoted identifiers of our own tables are formatted in; every value is a parameter.
    # INSERT … ON CONFLICT … RETURNING (with sub-selects) runs on PostgreSQL and SQLite 3.35+.
    sql = (
        f"INSERT INTO {table} (user_id, kind, bucket_start, {count}) VALUES (%s, %s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (user_id, kind, bucket_start) "
        f"DO UPDATE SET {count} = {table}.{count} + excluded.{count} "
        f"RETURNING {count}, (SELECT enabled {setting}), (SELECT params {setting})"
    )
    start_value = connection.ops.adapt_datetimefield_value(start)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, kind, start_value, amount, company_id, R8, company_id, R8])
        row = cursor.fetchone()
    return int(row[0]), row[1], row[2]


def _limits(enabled: Any, stored: Any) -> dict[str, int] | None:
    """R8's thresholds from its stored setting (defaults overlaid, as ``rule_config``); None
    while R8 is off or not installed."""
    from baton.risk import registry

    try:
        rule = registry.get(R8)
    except KeyError:
        return None
    if enabled is not None and not enabled:
        return None
    if isinstance(stored, (str, bytes)):
        stored = json.loads(stored)
    values = rule.defaults()
    for p in rule.params:
        if stored and p.name in stored:
            values[p.name] = p.clean(stored[p.name])
    return {kind: int(values[name]) for kind, name in LIMIT_OF.items()}


def access_count(
    *, user: Any, kind: str, now: dt.datetime | None = None, amount: int = 1, company_id: int | None = None
) -> int:
    """Add ``amount`` to the account's count of ``kind`` in the current hour or day, and run R8
    if that just went over the line. Returns the new count (0 for no account or nothing to add).

    ``company_id`` is the company whose thresholds apply (the customer's); without it, the
    account's employee's company (an account without an employee is counted, never checked).
    """
    if kind not in LIMIT_OF:
        raise ValueError(f"unknown access kind {kind!r}")
    user_id = getattr(user, "pk", None)
    if user_id is None or not getattr(user, "is_authenticated", False) or amount <= 0:
        return 0
    if company_id is None:
        employee = getattr(user, "employee", None)
        company_id = employee.company_id if employee is not None else None
    moment = now or clock.now()
    count, enabled, stored = _upsert(user_id, kind, bucket_start(kind, moment), amount, company_id)
    if company_id is None:
        return count
    limits = _limits(enabled, stored)
    if limits is not None and count - amount <= limits[kind] < count:
        from baton.risk.services import risk_event

        with clock.frozen_at(moment):
            risk_event(event="access_counted", company_id=company_id, payload={"user": user_id, "kind": kind})
    return count


def access_counters_purge(*, before: dt.datetime) -> int:
    """Delete the counts of buckets that started before ``before`` (R8 reads the last day)."""
    deleted, _by_model = AccessCounter.objects.filter(bucket_start__lt=before).delete()
    return deleted
