"""The audit trail proves itself: verify_audit catches every kind of tampering."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from baton.audit import chain
from baton.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from baton.audit.selectors import audit_verify
from baton.audit.services import audit_checkpoint_write, audit_record, diff

pytestmark = pytest.mark.django_db


@pytest.fixture
def tamperable():
    """Let the test play a database administrator who bypasses the append-only triggers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cur.execute("ALTER TABLE audit_auditcheckpoint DISABLE TRIGGER USER")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
            cur.execute("ALTER TABLE audit_auditcheckpoint ENABLE TRIGGER USER")


@pytest.fixture
def events(db):
    start = AuditChainHead.objects.get(pk=1).seq
    for i in range(6):
        audit_record(
            actor=None,
            actor_label="tester",
            action="test.event",
            object_type="test.thing",
            object_id=str(i),
            changes={"n": i, "名称": "华南区"},
        )
    return start


def run_verify():
    out = __import__("io").StringIO()
    err = __import__("io").StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, err.getvalue().strip()
    return 0, out.getvalue().strip()


def test_intact_chain_verifies_with_count_and_head(events):
    code, text = run_verify()
    head = AuditChainHead.objects.get(pk=1)
    assert code == 0
    assert text == f"OK {AuditEvent.objects.count()} events, head {head.hash}"


def test_edited_event_is_named(events, tamperable):
    target = events + 3
    AuditEvent.objects.filter(seq=target).update(changes={"n": 99})
    code, text = run_verify()
    assert code == 1
    assert text.startswith(f"FAIL at seq {target}:")


def test_edited_actor_is_named(events, tamperable):
    AuditEvent.objects.filter(seq=events + 2).update(actor_label="someone-else")
    assert audit_verify().first_bad_seq == events + 2


def test_deleted_event_is_named(events, tamperable):
    AuditEvent.objects.filter(seq=events + 4).delete()
    code, text = run_verify()
    assert code == 1
    assert text.startswith(f"FAIL at seq {events + 4}:")


def test_naively_inserted_event_is_named(events, tamperable):
    # Make room at seq+3 and put in a forged event with a made-up hash.
    for row in AuditEvent.objects.filter(seq__gte=events + 3).order_by("-seq"):
        AuditEvent.objects.filter(pk=row.pk).update(seq=row.seq + 1)
    forged = AuditEvent.objects.get(seq=events + 2)
    forged.pk, forged.seq, forged.hash, forged.action = None, events + 3, "f" * 64, "forged.event"
    forged.prev_hash = AuditEvent.objects.get(seq=events + 2).hash
    forged.save()
    assert audit_verify().first_bad_seq == events + 3


def test_carefully_forged_insert_breaks_the_next_link(events, tamperable):
    for row in AuditEvent.objects.filter(seq__gte=events + 3).order_by("-seq"):
        AuditEvent.objects.filter(pk=row.pk).update(seq=row.seq + 1)
    prev = AuditEvent.objects.get(seq=events + 2)
    fields = {
        "seq": events + 3,
        "occurred_at": prev.occurred_at,
        "actor_id": None,
        "actor_label": "x",
        "action": "forged.event",
        "object_type": "",
        "object_id": "",
        "changes": {},
        "request_id": "",
        "ip": "",
        "user_agent": "",
        "result": "success",
    }
    digest = chain.event_hash(prev.hash, chain.canonical(**fields))
    AuditEvent.objects.create(prev_hash=prev.hash, hash=digest, **fields)
    result = audit_verify()
    assert not result.ok
    assert result.first_bad_seq == events + 4


def test_reordered_events_are_named(events, tamperable):
    a = AuditEvent.objects.get(seq=events + 2)
    b = AuditEvent.objects.get(seq=events + 3)
    AuditEvent.objects.filter(pk=a.pk).update(seq=-1)
    AuditEvent.objects.filter(pk=b.pk).update(seq=events + 2)
    AuditEvent.objects.filter(pk=a.pk).update(seq=events + 3)
    assert audit_verify().first_bad_seq == events + 2


def test_tail_truncated_behind_checkpoint_is_named(events, tamperable):
    checkpoint = audit_checkpoint_write()
    assert checkpoint is not None
    last = checkpoint.seq
    AuditEvent.objects.filter(seq__gte=last - 1).delete()
    # A careful attacker also rewinds the chain head.
    kept = AuditEvent.objects.order_by("-seq").first()
    AuditChainHead.objects.filter(pk=1).update(seq=kept.seq, hash=kept.hash)
    code, text = run_verify()
    assert code == 1
    assert text.startswith(f"FAIL at seq {last - 1}:")


def test_tail_truncated_without_checkpoint_is_caught_by_head(events, tamperable):
    last = AuditChainHead.objects.get(pk=1).seq
    AuditEvent.objects.filter(seq=last).delete()
    assert audit_verify().first_bad_seq == last


def test_forged_checkpoint_signature_fails(events, tamperable):
    cp = audit_checkpoint_write()
    AuditCheckpoint.objects.filter(pk=cp.pk).update(signature="0" * 64)
    assert not audit_verify().ok


def test_checkpoint_not_rewritten_when_nothing_new(events):
    assert audit_checkpoint_write() is not None
    assert audit_checkpoint_write() is None


def test_sensitive_values_are_masked_or_hashed_in_changes():
    changes = diff(
        {"phone": "13812345678", "id_number": "440101199001011234", "password": "x"},
        {"phone": "13987654321", "id_number": "440101199001015678", "password": "y"},
    )
    assert changes["phone"] == {"before": "138****5678", "after": "139****4321"}
    assert "440101199001011234" not in str(changes)
    assert changes["password"]["after"] == "[omitted]"


def test_event_written_in_failed_transaction_is_rolled_back_with_it(events):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.rolled_back")
        raise RuntimeError("business failure")
    assert AuditEvent.objects.count() == before
    assert audit_verify().ok


@pytest.mark.postgres_only
class TestPostgresProtection:
    @pytest.fixture(autouse=True)
    def _needs_postgres(self):
        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL only")

    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE audit_auditevent SET action = 'x'",
            "DELETE FROM audit_auditevent",
            "UPDATE audit_auditcheckpoint SET signature = 'x'",
        ],
    )
    def test_triggers_refuse_update_and_delete_even_for_the_owner(self, events, statement):
        audit_checkpoint_write()
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(statement)

    @pytest.mark.parametrize(
        "statement",
        [
            "UPDATE audit_auditevent SET action = 'x'",
            "DELETE FROM audit_auditevent",
            "TRUNCATE audit_auditevent",
            "TRUNCATE audit_auditcheckpoint",
        ],
    )
    def test_app_role_cannot_update_delete_or_truncate(self, events, statement):
        with connection.cursor() as cur:
            cur.execute(
                "DO $$ BEGIN CREATE ROLE baton_app_test NOLOGIN; "
                "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            )
        call_command("db_grant_app_role", "baton_app_test", stdout=__import__("io").StringIO())
        with connection.cursor() as cur:
            cur.execute("SET ROLE baton_app_test")
            try:
                cur.execute("SELECT count(*) FROM audit_auditevent")  # reading is allowed
                with pytest.raises(Exception, match=r"permission denied|append-only"), transaction.atomic():
                    cur.execute(statement)
            finally:
                cur.execute("RESET ROLE")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_cannot_fork_the_chain():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    writers, per_writer = 8, 25
    errors = []

    def write(n):
        try:
            for i in range(per_writer):
                audit_record(actor=None, actor_label=f"w{n}", action="test.concurrent", object_id=str(i))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = audit_verify()
    assert result.ok, result.summary()
    assert AuditEvent.objects.filter(action="test.concurrent").count() == writers * per_writer
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


@pytest.mark.postgres_only
def test_the_append_is_prepared_once_per_connection_and_still_logged(db):
    """On PostgreSQL an append is one statement, sent with server-side binding so psycopg
    prepares it; Django still sees it (query log, execute wrappers)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        for i in range(7):
            audit_record(actor=None, action="test.prepared", object_id=str(i), changes={"n": i})

    assert len(ctx) == 7 and all("audit_auditchainhead" in q["sql"] for q in ctx.captured_queries)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%audit_auditchainhead%%'"
        )
        assert cur.fetchone()[0] == 1
    assert AuditEvent.objects.filter(action="test.prepared").count() == 7
    assert audit_verify().ok
