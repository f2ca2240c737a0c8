"""Canonical encoding and hashing of audit events. Changing this breaks every stored chain."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
import uuid
from typing import Any

from django.conf import settings


def jsonable(value: Any) -> Any:
    """Reduce a value to what survives a JSON round trip through SQLite and PostgreSQL jsonb
    unchanged: strings, integers, booleans, None, lists and string-keyed dicts."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, dt.datetime):
        return format_time(value)
    if isinstance(value, dt.date | decimal.Decimal | uuid.UUID | float):
        return str(value)
    return str(value)


def format_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(
    *,
    seq: int,
    occurred_at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    changes: Any,
    request_id: str,
    ip: str,
    user_agent: str,
    result: str,
) -> bytes:
    body = {
        "seq": seq,
        "occurred_at": format_time(occurred_at),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "changes": changes,
        "request_id": request_id,
        "ip": ip,
        "user_agent": user_agent,
        "result": result,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# json.dumps(..., ensure_ascii=False) quotes strings with this function; using it directly
# gives the same bytes as ``canonical`` without building and sorting a dict per event.
_quote: Any = json.encoder.encode_basestring


def canonical_json(value: Any) -> str:
    """Compact JSON with sorted keys, as inside ``canonical``."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_parts(
    *,
    occurred_at: str,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    changes: Any,
    request_id: str,
    ip: str,
    user_agent: str,
    result: str,
) -> tuple[str, str]:
    """``canonical`` split around the sequence number: ``prefix + str(seq) + suffix`` is the
    same text, so the number can be filled in where it is assigned (the database, under the
    chain head's lock). ``occurred_at`` is already formatted with ``format_time``.

    The top-level keys are written in sorted order by hand; ``test_chain`` proves the result
    equals ``canonical`` byte for byte.
    """
    prefix = (
        f'{{"action":{_quote(action)},"actor_id":{"null" if actor_id is None else int(actor_id)},'
        f'"actor_label":{_quote(actor_label)},"changes":{canonical_json(changes)},"ip":{_quote(ip)},'
        f'"object_id":{_quote(object_id)},"object_type":{_quote(object_type)},'
        f'"occurred_at":{_quote(occurred_at)},"request_id":{_quote(request_id)},'
        f'"result":{_quote(result)},"seq":'
    )
    return prefix, f',"user_agent":{_quote(user_agent)}}}'


def event_hash(prev_hash: str, encoded: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(encoded)
    return digest.hexdigest()


def checkpoint_signature(*, seq: int, head_hash: str, created_at: dt.datetime) -> str:
    message = f"{seq}:{head_hash}:{format_time(created_at)}".encode("ascii")
    return hmac.new(settings.AUDIT_SIGNING_KEY.encode(), message, hashlib.sha256).hexdigest()
