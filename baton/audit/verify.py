"""Recomputing the chain fast on PostgreSQL: ranges of the trail checked side by side.

Every event's hash depends only on its own row and its stored ``prev_hash``, so a range of the
trail can be recomputed on its own; the ranges are then stitched together by checking that
each range's first ``prev_hash`` is the previous range's last hash. The verdict (first bad
sequence number, reason, count of good events before it) is the same as checking one event
after the other from the start.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections

from baton.audit import chain

CHUNK = 20_000
# Below this many events one process is as fast as starting several.
PARALLEL_FROM = 200_000

_ROWS_SQL = """
SELECT seq, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), actor_id,
       actor_label, action, object_type, object_id, changes::text, request_id, ip, user_agent, result,
       prev_hash, hash
  FROM audit_auditevent
 WHERE seq >= %s AND seq <= %s
 ORDER BY seq
 LIMIT %s
"""

MISSING, BROKEN_LINK, CONTENT, CHECKPOINT = "missing", "link", "content", "checkpoint"


@dataclass(frozen=True)
class RangeVerdict:
    """What one range of sequence numbers [low, high] showed."""

    low: int
    first_prev: str | None  # the first event's stored prev_hash (None: the range is empty)
    last_hash: str  # hash of the last good event ("" if none)
    count: int  # good events before the first problem (or all)
    bad_seq: int | None = None
    problem: str = ""


def verify_range(low: int, high: int, checkpoints: dict[int, str]) -> RangeVerdict:
    """Recompute every event with ``low <= seq <= high`` on this process's connection."""
    sha256, loads = hashlib.sha256, json.loads
    parts = chain.canonical_parts
    expected, prev, first_prev, count = low, "", None, 0
    with connection.cursor() as cur:
        while expected <= high:
            cur.execute(_ROWS_SQL, [expected, high, CHUNK])
            rows = cur.fetchall()
            if not rows:
                break
            for (
                seq,
                occ,
                aid,
                label,
                action,
                otype,
                oid,
                changes,
                rid,
                ip,
                ua,
                res,
                prev_hash,
                stored,
            ) in rows:
                if seq != expected:
                    return RangeVerdict(low, first_prev, prev, count, expected, MISSING)
                if first_prev is None:
                    first_prev = prev_hash
                elif prev_hash != prev:
                    return RangeVerdict(low, first_prev, prev, count, seq, BROKEN_LINK)
                prefix, suffix = parts(
                    occurred_at=occ,
                    actor_id=aid,
                    actor_label=label,
                    action=action,
                    object_type=otype,
                    object_id=oid,
                    changes=loads(changes),
                    request_id=rid,
                    ip=ip,
                    user_agent=ua,
                    result=res,
                )
                text = f"{prev_hash}\n{prefix}{seq}{suffix}"
                if sha256(text.encode("utf-8")).hexdigest() != stored:
                    return RangeVerdict(low, first_prev, prev, count, seq, CONTENT)
                signed = checkpoints.get(seq)
                if signed is not None and signed != stored:
                    return RangeVerdict(low, first_prev, prev, count, seq, CHECKPOINT)
                prev = stored
                count += 1
                expected += 1
    if expected <= high:
        return RangeVerdict(low, first_prev, prev, count, expected, MISSING)
    return RangeVerdict(low, first_prev, prev, count)


def _verify_range_in_child(args: tuple[int, int, dict[int, str]]) -> RangeVerdict:
    return verify_range(*args)


def ranges_verify(
    *, last_seq: int, checkpoints: dict[int, str], workers: int | None = None
) -> list[RangeVerdict]:
    """Verify 1..last_seq, in parallel processes when the trail is long and the caller is not
    inside a transaction (a forked process must not share the caller's connection)."""
    procs = workers if workers is not None else (os.cpu_count() or 1)
    parallel = procs > 1 and last_seq >= PARALLEL_FROM and not connection.in_atomic_block
    if workers is not None and workers > 1 and not connection.in_atomic_block:
        parallel = True
    if not parallel:
        return [verify_range(1, last_seq, checkpoints)] if last_seq else []
    pieces = procs * 4
    step = max(1, -(-last_seq // pieces))
    tasks = [(lo, min(lo + step - 1, last_seq), checkpoints) for lo in range(1, last_seq + 1, step)]
    connections.close_all()  # each child opens its own connection
    with multiprocessing.get_context("fork").Pool(procs) as pool:
        return pool.map(_verify_range_in_child, tasks)


def stitch(verdicts: list[RangeVerdict], genesis: str) -> tuple[int, str, int | None, str]:
    """(good events, hash of the last good one, first bad seq or None, problem) over all ranges."""
    count, prev = 0, genesis
    for v in verdicts:
        if v.first_prev is not None and v.first_prev != prev:
            return count, prev, v.low, BROKEN_LINK
        if v.bad_seq is not None:
            return count + v.count, (v.last_hash or prev), v.bad_seq, v.problem
        count, prev = count + v.count, v.last_hash or prev
    return count, prev, None, ""


def trail_end() -> Any:
    """The highest sequence number stored."""
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(seq), 0) FROM audit_auditevent")
        return cur.fetchone()[0]
