"""Writing to the audit trail. Every other service calls ``audit_record`` inside its own
transaction, so the change and its audit row commit or roll back together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction

from baton.audit import chain
from baton.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent, AuditResult
from baton.audit.selectors import VerifyResult, audit_verify
from baton.core import clock, context
from baton.core.crypto import keyed_hash
from baton.core.masking import mask_email, mask_id_number, mask_phone

# How sensitive field values appear in before/after: masked for the eye, or hashed so
# equality can still be proven without the value.
SENSITIVE_FIELDS: dict[str, str] = {
    "phone": "mask_phone",
    "mobile": "mask_phone",
    "email": "mask_email",
    "id_number": "hash",
    "password": "omit",
    "totp_secret": "omit",
}


@dataclass(frozen=True)
class EventSpec:
    """One event to append; ``actor`` is any object with ``pk`` and ``employee_no`` (or None)."""

    action: str
    actor: Any = None
    object_type: str = ""
    object_id: str = ""
    changes: Mapping[str, Any] = field(default_factory=dict)
    result: str = AuditResult.SUCCESS
    actor_label: str = ""


def protect_value(name: str, value: Any) -> Any:
    """Mask or hash a sensitive field's value for the audit trail."""
    how = SENSITIVE_FIELDS.get(name)
    if value in (None, "") or how is None:
        return chain.jsonable(value)
    text = str(value)
    if how == "mask_phone":
        return mask_phone(text)
    if how == "mask_email":
        return mask_email(text)
    if how == "hash":
        return {"masked": mask_id_number(text), "hmac": keyed_hash(text)[:16]}
    return "[omitted]"


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Before/after of the fields that changed, sensitive ones masked or hashed."""
    changed: dict[str, dict[str, Any]] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            changed[name] = {"before": protect_value(name, old), "after": protect_value(name, new)}
    return changed


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values of a model instance (foreign keys by id), for ``diff``."""
    values: dict[str, Any] = {}
    for name in fields:
        f = instance._meta.get_field(name)
        attname = getattr(f, "attname", name)
        values[name] = getattr(instance, attname)
    return values


def object_type_of(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # Only after a test runner emptied the tables; with events left, the unique
        # sequence number makes the next write fail instead of forking the chain.
        AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    changes: Mapping[str, Any] | None = None,
    result: str = AuditResult.SUCCESS,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the chain (inside the caller's transaction, if any)."""
    if target is not None:
        object_type = object_type or object_type_of(target)
        object_id = object_id or str(target.pk)
    spec = EventSpec(
        action=action,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        changes=changes or {},
        result=result,
        actor_label=actor_label,
    )
    return audit_record_many(specs=[spec])[0]


def _event_fields(spec: EventSpec, ctx: Any, moment: dt.datetime) -> dict[str, Any]:
    actor = spec.actor if getattr(spec.actor, "pk", None) is not None else None
    label = spec.actor_label or (getattr(actor, "employee_no", "") if actor is not None else "")
    return {
        "occurred_at": moment,
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": label[:64],
        "action": spec.action,
        "object_type": spec.object_type,
        "object_id": str(spec.object_id)[:64],
        "changes": chain.jsonable(dict(spec.changes)),
        "request_id": ctx.request_id,
        "ip": ctx.ip or "",
        "user_agent": ctx.user_agent,
        "result": str(spec.result),
    }


# One statement that moves the chain head and writes the event. The UPDATE takes the head's row
# lock (a concurrent writer waits, then re-reads the new head), computes the next hash from the
# old one exactly as ``chain.event_hash`` does, and keeps the old hash in ``prev_hash``.
_APPEND_SQL = """
WITH head AS (
    UPDATE audit_auditchainhead
       SET seq = seq + 1,
           prev_hash = hash,
           hash = encode(sha256(
               convert_to(hash || E'\n' || %(prefix)s || (seq + 1)::text || %(suffix)s, 'UTF8')
           ), 'hex')
     WHERE id = 1
 RETURNING seq, prev_hash, hash
)
INSERT INTO audit_auditevent (seq, occurred_at, actor_id, actor_label, action, object_type, object_id,
                              changes, request_id, ip, user_agent, result, prev_hash, hash)
SELECT head.seq, %(occurred_at)s, %(actor_id)s, %(actor_label)s, %(action)s, %(object_type)s,
       %(object_id)s, %(changes)s::jsonb, %(request_id)s, %(ip)s, %(user_agent)s, %(result)s,
       head.prev_hash, head.hash
  FROM head
RETURNING id, seq, prev_hash, hash
"""


_PREPARED_CURSOR: Any = None


def _prepared_cursor() -> Any:
    """A cursor on Django's connection that runs its statement prepared, for the append alone:
    the parameters travel apart from the statement (server-side binding) and PostgreSQL parses
    and plans the append once per connection instead of once per event (docs/benchmarks.md,
    B5). Django prepares nothing itself (its other statements keep client-side binding, whose
    custom plans suit their varying filters). Wrapped as Django wraps its own cursors: query
    logging, execute wrappers, error translation."""
    global _PREPARED_CURSOR  # made once, on the first append
    if _PREPARED_CURSOR is None:
        from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]

        class PreparedCursor(ServerBindingCursor):
            def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
                done = super().execute(query, params, prepare=True)
                if self._query is None and connection.queries_logged:  # type: ignore[has-type]
                    # A prepared run keeps no query; Django's query log reads it from there.
                    self._query = self._convert_query(query, params)
                return done

        _PREPARED_CURSOR = PreparedCursor
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        # _prepare_cursor is how BaseDatabaseWrapper.cursor() wraps the cursors it creates.
        return connection._prepare_cursor(_PREPARED_CURSOR(connection.connection))  # type: ignore[attr-defined]


def _append_one_postgresql(fields: dict[str, Any]) -> AuditEvent:
    """Append one event in a single round trip (PostgreSQL's sha256 computes the chain hash)."""
    prefix, suffix = chain.canonical_parts(
        **{**fields, "occurred_at": chain.format_time(fields["occurred_at"])}
    )
    params = {
        **fields,
        "prefix": prefix,
        "suffix": suffix,
        "changes": chain.canonical_json(fields["changes"]),
    }
    with _prepared_cursor() as cur:
        cur.execute(_APPEND_SQL, params)
        row = cur.fetchone()
    if row is None:  # the head row is missing: only after a test runner emptied the table
        with transaction.atomic():
            _locked_head()
        return _append_one_postgresql(fields)
    pk, seq, prev, digest = row
    return AuditEvent(id=pk, seq=seq, prev_hash=prev, hash=digest, **fields)


def audit_record_many(*, specs: list[EventSpec]) -> list[AuditEvent]:
    """Append events to the chain: one in a single statement on PostgreSQL, several under one
    lock of the chain head (bulk paths)."""
    if not specs:
        return []
    ctx = context.current()
    moment = clock.now()
    if len(specs) == 1 and connection.vendor == "postgresql":
        return [_append_one_postgresql(_event_fields(specs[0], ctx, moment))]
    with transaction.atomic():
        head = _locked_head()
        seq, prev = head.seq, head.hash
        rows: list[AuditEvent] = []
        for spec in specs:
            seq += 1
            fields = {"seq": seq, **_event_fields(spec, ctx, moment)}
            digest = chain.event_hash(prev, chain.canonical(**fields))
            rows.append(AuditEvent(prev_hash=prev, hash=digest, **fields))
            prev = digest
        AuditEvent.objects.bulk_create(rows)
        AuditChainHead.objects.filter(pk=1).update(seq=seq, prev_hash=rows[-1].prev_hash, hash=prev)
    return rows


def audit_checkpoint_write(*, now: dt.datetime | None = None) -> AuditCheckpoint | None:
    """Sign the current head, unless nothing was appended since the last checkpoint."""
    moment = now or clock.now()
    with transaction.atomic():
        head = _locked_head()
        latest = AuditCheckpoint.objects.order_by("-seq").first()
        if head.seq == 0 or (latest is not None and latest.seq >= head.seq):
            return None
        return AuditCheckpoint.objects.create(
            seq=head.seq,
            head_hash=head.hash,
            created_at=moment,
            signature=chain.checkpoint_signature(seq=head.seq, head_hash=head.hash, created_at=moment),
        )


def audit_chain_verify(*, actor: Any) -> VerifyResult:
    """Recompute the whole chain (see ``audit_verify``) and record that ``actor`` did so.

    The ``audit.verified`` event is appended after the check, so it is not covered by the
    result it reports; the next verification covers it.
    """
    result = audit_verify()
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="audit.verified",
            object_type="audit.chain",
            changes={
                "ok": result.ok,
                "count": result.count,
                "head_hash": result.head_hash,
                "first_bad_seq": result.first_bad_seq,
            },
            result=AuditResult.SUCCESS if result.ok else AuditResult.FAILURE,
        )
    return result
