"""The fast paths give the same bytes and the same verdicts as the plain, one-by-one ones."""

import datetime as dt

import pytest
from django.db import connection

from baton.audit import chain
from baton.audit.models import AuditChainHead, AuditEvent
from baton.audit.selectors import AUDIT_EVENT_FIELDS, audit_verify
from baton.audit.services import audit_record

MOMENT = dt.datetime(2026, 11, 23, 2, 0, 0, 123456, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("actor_id", "text", "changes"),
    [
        (None, "", {}),
        (7, '华南区 "quoted" back\\slash', {"名称": {"before": "甲", "after": "乙"}, "n": 3}),
        (12345678901, "tab\tnew\nline\x01\u2028", {"z": [1, "二", None, True], "a": {"y": {"x": False}}}),
    ],
)
def test_canonical_parts_give_the_canonical_bytes(actor_id, text, changes):
    fields = {
        "actor_id": actor_id,
        "actor_label": text,
        "action": "customer.updated",
        "object_type": "customers.customer",
        "object_id": text[:5],
        "changes": chain.jsonable(changes),
        "request_id": "r-1",
        "ip": "10.0.0.1",
        "user_agent": text,
        "result": "success",
    }
    prefix, suffix = chain.canonical_parts(occurred_at=chain.format_time(MOMENT), **fields)

    assert (prefix + "981" + suffix).encode() == chain.canonical(seq=981, occurred_at=MOMENT, **fields)


def _write(count, label):
    for i in range(count):
        audit_record(
            actor=None,
            actor_label=label,
            action="test.fast",
            object_type="test.thing",
            object_id=str(i),
            changes={"n": i, "名称": "华东区"},
        )


@pytest.mark.django_db
def test_one_statement_append_keeps_the_chain_and_the_head():
    _write(5, "w")
    head = AuditChainHead.objects.get(pk=1)
    last = AuditEvent.objects.order_by("-seq").first()

    assert (head.seq, head.hash) == (last.seq, last.hash)
    assert last.hash == chain.event_hash(
        last.prev_hash,
        chain.canonical(
            **{f: getattr(last, f) for f in AUDIT_EVENT_FIELDS if f not in ("prev_hash", "hash")}
        ),
    )
    assert audit_verify().ok


@pytest.fixture
def tamperable(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cur:
        cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    yield
    with connection.cursor() as cur:
        cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_ranges_give_the_same_verdicts_as_one_pass(tamperable):
    _write(60, "p")
    total = AuditEvent.objects.count()
    ok = audit_verify(workers=3)
    assert ok.ok and ok.count == total

    # An edit in the middle of a later range, and a broken link exactly at a range boundary.
    edited = total - 5
    AuditEvent.objects.filter(seq=edited).update(actor_label="x")
    assert audit_verify(workers=3).first_bad_seq == edited
    assert audit_verify(workers=1).first_bad_seq == edited

    step = -(-total // 12)  # the boundary the 3 workers × 4 pieces use
    AuditEvent.objects.filter(seq=step + 1).update(prev_hash="f" * 64)
    parallel, single = audit_verify(workers=3), audit_verify(workers=1)
    assert (parallel.first_bad_seq, parallel.count, parallel.reason) == (step + 1, step, single.reason)
    assert (single.first_bad_seq, single.count) == (step + 1, step)
