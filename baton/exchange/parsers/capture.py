"""Records captured on the sales channels: e-mails (.eml, mbox), call logs and WeChat chats.

Each parser turns a file into ``CaptureRecord``s: when, what was said, who took part
(phone numbers, e-mail addresses, WeChat IDs, employees) and a ``source_ref`` that identifies
the record, so that importing the same file again adds nothing. Matching the records to
contacts is the import service's work.

Accepted WeChat chat exports (UTF-8 or GB18030 text, ``.txt``)::

    微信号: wangli_gz                       <- optional lines before the first message naming
    电话: 13812345678                          the other party (微信号/WeChat ID/wxid, 电话/手机/phone)
    2026-10-12 14:03:22 张伟                 <- style 1: date time sender
    王总您好，下周三有一批货要发上海
    王立(wangli_gz) 2026/10/12 14:05         <- style 2: sender date time; a WeChat ID in
    好的，大概 3 吨                              brackets after a sender's name names that sender

Every line up to the next header is the message's text.
"""

from __future__ import annotations

import datetime as dt
import email
import email.message
import email.utils
import html
import mailbox
import os
import re
import tempfile
from dataclasses import dataclass, field
from email.header import decode_header
from typing import Any

from baton.core.crypto import keyed_hash
from baton.customers.services.identity import normalize_phone
from baton.exchange.parsers import columns as col
from baton.exchange.parsers.files import CheckedFile, RawRow, cell_text, table_rows

MAX_CONTENT = 20000


@dataclass
class CaptureRecord:
    """One e-mail, call or chat message from a capture file."""

    row: int
    channel: str
    source_ref: str = ""
    occurred_at: dt.datetime | None = None
    content: str = ""
    direction: str = ""
    duration_seconds: int | None = None
    sender: str = ""
    sender_wechat: str = ""
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    wechat_ids: tuple[str, ...] = ()
    # E-mail: the addresses on the sender's side (From) — the rest are recipients.
    from_emails: tuple[str, ...] = ()
    employee_no: str = ""
    errors: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)


def _ref(prefix: str, *parts: Any) -> str:
    """A source_ref from the record's content: a keyed hash, so it reveals nothing."""
    return f"{prefix}:{keyed_hash('|'.join(str(p) for p in parts))[:48]}"


# --- E-mail ---------------------------------------------------------------------------------

_CHINESE_CHARSETS = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "eucgb2312_cn", "csgb2312"}


def _codec(charset: str | None) -> str:
    name = (charset or "utf-8").strip().lower().strip('"')
    if name in _CHINESE_CHARSETS:
        return "gb18030"  # a superset: GB2312 and GBK mail often holds characters beyond them
    try:
        "".encode(name)
    except LookupError:
        return "utf-8"
    return name


def _raw_text(value: str) -> str:
    """Headers sent as raw 8-bit bytes (no RFC 2047) arrive with surrogate escapes."""
    if not re.search(r"[\udc80-\udcff]", value):
        return value
    raw = value.encode("utf-8", "surrogateescape")
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")


def header_text(message: email.message.Message, name: str) -> str:
    """A header decoded from RFC 2047 words (=?GB2312?B?…?=) in any charset."""
    raw = message.get(name)
    if raw is None:
        return ""
    parts = []
    for value, charset in decode_header(_raw_text(str(raw))):
        if isinstance(value, bytes):
            parts.append(value.decode(_codec(charset), "replace"))
        else:
            parts.append(value)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _part_text(part: email.message.Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return payload.decode(_codec(part.get_content_charset()), "replace")


def body_text(message: email.message.Message) -> str:
    """The text/plain part (preferred), else the HTML part without its tags."""
    plain, markup = None, None
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = _part_text(part)
        elif kind == "text/html" and markup is None:
            markup = _part_text(part)
    if plain is not None:
        return plain.strip()
    if markup is not None:
        stripped = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
        stripped = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", stripped)
        stripped = html.unescape(re.sub(r"<[^>]+>", " ", stripped))
        return re.sub(r"[ \t]+", " ", stripped).strip()
    return ""


def _addresses(message: email.message.Message, *names: str) -> tuple[str, ...]:
    values = [header_text(message, name) for name in names]
    found = [address.strip().lower() for _name, address in email.utils.getaddresses(values)]
    return tuple(dict.fromkeys(a for a in found if "@" in a))


def _mail_record(data: bytes, row: int) -> CaptureRecord:
    message = email.message_from_bytes(data)
    record = CaptureRecord(row=row, channel="email")
    subject = header_text(message, "Subject")
    body = body_text(message)
    record.content = (f"{subject}\n\n{body}" if subject else body)[:MAX_CONTENT]
    record.from_emails = _addresses(message, "From")
    record.emails = tuple(dict.fromkeys(record.from_emails + _addresses(message, "To", "Cc")))
    record.sender = header_text(message, "From")[:200]
    date_header = header_text(message, "Date")
    try:
        moment = email.utils.parsedate_to_datetime(date_header) if date_header else None
    except (TypeError, ValueError, IndexError):
        moment = None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)  # RFC 5322: "-0000" means no zone known: UTC
    record.occurred_at = moment.astimezone(dt.UTC) if moment is not None else None
    if record.occurred_at is None:
        record.errors.append(("Date", "no_time", {}))
    if not record.emails:
        record.errors.append(("From", "no_sender", {}))
    message_id = header_text(message, "Message-ID").strip().strip("<>").strip()
    if message_id and len(message_id) <= 190:
        record.source_ref = message_id
    elif message_id:
        record.source_ref = _ref("mid", message_id)
    else:
        record.source_ref = _ref("mail", record.sender, date_header, subject, body[:2000])
    return record


def parse_eml(checked: CheckedFile) -> list[CaptureRecord]:
    return [_mail_record(checked.data, 1)]


def parse_mbox(checked: CheckedFile) -> list[CaptureRecord]:
    """Every message of an mbox file (read with the standard library's ``mailbox``)."""
    handle, path = tempfile.mkstemp(suffix=".mbox")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(checked.data)
        box = mailbox.mbox(path, create=False)
        try:
            return [_mail_record(box.get_bytes(key), index) for index, key in enumerate(box.keys(), 1)]
        finally:
            box.close()
    finally:
        os.unlink(path)


# --- Call logs ------------------------------------------------------------------------------


def parse_call_log(checked: CheckedFile) -> tuple[col.Header, list[CaptureRecord]]:
    """Rows of a call-log table: time, number, duration, direction, 工号."""
    rows: list[RawRow] = table_rows(checked)
    header = col.header_find(rows, "call_log")
    records = []
    for row in rows:
        if row.number <= header.row:
            continue
        values = col.record_of(row, header)
        record = CaptureRecord(row=row.number, channel="call")

        def problem(key: str, exc: col.FieldError, record: CaptureRecord = record) -> None:
            record.errors.append((col.column_label(header, key), exc.code, exc.params))

        try:
            record.occurred_at = col.moment(values.get("occurred_at"))
        except col.FieldError as exc:
            problem("occurred_at", exc)
        try:
            number = col.phone(values.get("number"), required=True)
            record.phones = (number,) if number else ()
        except col.FieldError as exc:
            problem("number", exc)
        try:
            record.duration_seconds = col.duration(values.get("duration"))
        except col.FieldError as exc:
            problem("duration", exc)
        try:
            record.direction = col.coded_direction(values.get("direction"))
        except col.FieldError as exc:
            problem("direction", exc)
        record.employee_no = cell_text(values.get("employee"))
        record.sender = record.employee_no
        when = record.occurred_at.isoformat() if record.occurred_at else ""
        number = record.phones[0] if record.phones else ""
        record.source_ref = _ref(
            "call", when, number, record.duration_seconds, record.direction, record.employee_no.upper()
        )
        records.append(record)
    return header, records


# --- WeChat ---------------------------------------------------------------------------------

_DATE = r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_HEAD_DATE_FIRST = re.compile(rf"^(?P<date>{_DATE})\s+(?P<time>{_TIME})\s+(?P<sender>\S.*?)\s*$")
_HEAD_SENDER_FIRST = re.compile(rf"^(?P<sender>\S.*?)\s+(?P<date>{_DATE})\s+(?P<time>{_TIME})\s*$")
_WECHAT_ID = r"[A-Za-z][-_A-Za-z0-9]{3,63}"
_PREAMBLE_ID = re.compile(
    rf"^\s*(?:对方)?(?:微信号|微信ID|微信|wechat\s*id|wxid)\s*[:：]\s*(?P<id>{_WECHAT_ID})\s*$", re.IGNORECASE
)
_PREAMBLE_PHONE = re.compile(
    r"^\s*(?:对方)?(?:电话|手机|手机号|phone)\s*[:：]\s*(?P<phone>\+?[\d\s-]{7,20})\s*$", re.I
)
_SENDER_WITH_ID = re.compile(rf"^(?P<name>.+?)\s*[(（](?P<id>{_WECHAT_ID})[)）]$")


def _chat_moment(date: str, time: str) -> dt.datetime | None:
    date = re.sub(r"[年月/.]", "-", date).rstrip("日")
    try:
        return col.moment(f"{date} {time}")
    except col.FieldError:
        return None


def parse_wechat(checked: CheckedFile) -> list[CaptureRecord]:
    """Messages of a WeChat chat export (see the module docstring for the formats)."""
    counterpart_ids: list[str] = []
    counterpart_phones: list[str] = []
    records: list[CaptureRecord] = []
    lines: list[str] = []
    current: CaptureRecord | None = None

    def close() -> None:
        if current is not None:
            current.content = "\n".join(lines).strip()[:MAX_CONTENT]
            records.append(current)

    for number, line in enumerate((checked.text or "").splitlines(), start=1):
        match = _HEAD_DATE_FIRST.match(line) or _HEAD_SENDER_FIRST.match(line)
        if match is None:
            if current is None:
                preamble_id = _PREAMBLE_ID.match(line)
                preamble_phone = _PREAMBLE_PHONE.match(line)
                if preamble_id:
                    counterpart_ids.append(preamble_id.group("id"))
                elif preamble_phone:
                    counterpart_phones.append(normalize_phone(preamble_phone.group("phone")))
            else:
                lines.append(line)
            continue
        close()
        lines = []
        sender = match.group("sender").strip()
        current = CaptureRecord(row=number, channel="wechat", sender=sender[:200])
        with_id = _SENDER_WITH_ID.match(sender)
        if with_id:
            current.sender = with_id.group("name").strip()[:200]
            current.sender_wechat = with_id.group("id")
        current.occurred_at = _chat_moment(match.group("date"), match.group("time"))
        if current.occurred_at is None:
            current.errors.append(("time", "datetime", {"value": match.group("date")}))
    close()
    for record in records:
        ids = [record.sender_wechat] if record.sender_wechat else []
        record.wechat_ids = tuple(dict.fromkeys(ids + counterpart_ids))
        record.phones = tuple(dict.fromkeys(p for p in counterpart_phones if p))
        when = record.occurred_at.isoformat() if record.occurred_at else ""
        record.source_ref = _ref(
            "wx", ",".join(record.wechat_ids), when, record.sender, record.sender_wechat, record.content
        )
    return records
