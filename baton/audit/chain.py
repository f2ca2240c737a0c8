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


def event_hash(prev_hash: str, encoded: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(encoded)
    return digest.hexdigest()


def checkpoint_signature(*, seq: int, head_hash: str, created_at: dt.datetime) -> str:
    message = f"{seq}:{head_hash}:{format_time(created_at)}".encode("ascii")
    return hmac.new(settings.AUDIT_SIGNING_KEY.encode(), message, hashlib.sha256).hexdigest()
