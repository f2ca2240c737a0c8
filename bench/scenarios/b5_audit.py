"""B5: the audit trail. Appending with the hash chain (1 and 8 concurrent writers, one event per
transaction, as a request writes it) against plain INSERTs of the same rows into a table of the
same shape without the chain; and ``verify_audit`` throughput over the whole trail.

The appended events stay in the trail (it is append-only); they are ``bench.append`` events.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import connection, connections

from bench.common import BenchContext, Result, seconds

PLAIN = "bench_plain_auditevent"
TARGET_APPEND = 2_000.0
TARGET_VERIFY = 100_000.0


def _chained(worker: int, count: int) -> None:
    from baton.audit.services import audit_record

    for i in range(count):
        audit_record(
            actor=None,
            actor_label="BENCH",
            action="bench.append",
            object_type="bench.item",
            object_id=f"{worker}-{i}",
            changes={"status": {"before": "open", "after": "closed"}, "n": i},
        )


def _plain(worker: int, count: int) -> None:
    sql = (
        f"INSERT INTO {PLAIN} (seq, occurred_at, actor_id, actor_label, action, object_type, object_id, "  # noqa: S608 - fixed table name
        "changes, request_id, ip, user_agent, result, prev_hash, hash) "
        "VALUES (nextval('bench_plain_seq'), now(), NULL, 'BENCH', 'bench.append', 'bench.item', %s, "
        "%s::jsonb, '', '', '', 'success', '', md5(random()::text) || md5(random()::text))"
    )
    with connection.cursor() as cur:
        for i in range(count):
            cur.execute(
                sql, [f"{worker}-{i}", f'{{"n": {i}, "status": {{"after": "closed", "before": "open"}}}}']
            )


def _prepare_plain() -> None:
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {PLAIN}")
        cur.execute(f"CREATE TABLE {PLAIN} (LIKE audit_auditevent INCLUDING ALL)")
        cur.execute("DROP SEQUENCE IF EXISTS bench_plain_seq")
        cur.execute("CREATE SEQUENCE bench_plain_seq")


def _throughput(writers: int, total: int, body: Callable[[int, int], None], *, durable: bool = True) -> float:
    """Events per second with ``writers`` threads, each on its own database connection.
    ``durable=False`` turns off ``synchronous_commit`` for the writers' sessions, to show how
    much of the time is the WAL flush at each commit."""
    per = total // writers
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            if not durable:
                with connection.cursor() as cur:
                    cur.execute("SET synchronous_commit = off")
            body(n, per)
        except Exception as exc:  # noqa: BLE001 - re-raised in the main thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(writers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - start
    if errors:
        raise errors[0]
    return per * writers / took


def run(ctx: BenchContext) -> list[Result]:
    from baton.audit.selectors import audit_verify

    total = 2_000 if ctx.quick else 8_000
    _prepare_plain()
    results = []
    for writers in (1, 8):
        baseline = _throughput(writers, total, _plain)
        ours = _throughput(writers, total, _chained)
        no_flush = {
            "ours": round(_throughput(writers, total, _chained, durable=False)),
            "baseline": round(_throughput(writers, total, _plain, durable=False)),
        }
        results.append(
            Result(
                scenario="B5",
                case=f"append, {writers} writer{'s' if writers > 1 else ''}",
                unit="events/s",
                ours=round(ours),
                baseline=round(baseline),
                target="≥ 2,000 events/s",
                met=ours >= TARGET_APPEND,
                lower_is_better=False,
                note="one event per transaction; baseline: plain INSERT into a table of the same shape",
                extra={"synchronous_commit_off": no_flush},
            )
        )
    took, verdict = seconds(audit_verify)
    if not verdict.ok:
        raise AssertionError(f"verify_audit failed on the bench data: {verdict.summary()}")
    rate = verdict.count / took
    results.append(
        Result(
            scenario="B5",
            case=f"verify_audit, {verdict.count:,} events",
            unit="events/s",
            ours=round(rate),
            baseline=None,
            target="≥ 100,000 events/s",
            met=rate >= TARGET_VERIFY,
            lower_is_better=False,
            extra={"seconds": round(took, 2)},
        )
    )
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {PLAIN}")
    return results
