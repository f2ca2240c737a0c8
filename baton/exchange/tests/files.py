"""Building import files in the tests: CSV in any encoding, Excel workbooks, e-mails, chats."""

from __future__ import annotations

import base64
import csv
import io
from email.utils import format_datetime

from openpyxl import Workbook

from baton.customers.services.identity import credit_code_check_char


def credit_code(n: int) -> str:
    body = f"9144010{n:010d}"
    return body + credit_code_check_char(body)


def csv_bytes(rows: list[list[object]], *, encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]], *, first_rows: list[list[object]] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in (first_rows or []) + rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def eml_bytes(
    *,
    sender: str,
    to: str,
    subject: str,
    body: str,
    when,
    message_id: str,
    charset: str = "GB2312",
) -> bytes:
    """An e-mail as a Chinese mail client sends it: an RFC 2047 subject (=?GB2312?B?…?=) and a
    body labelled GB2312 that really is GBK (characters beyond GB2312 included)."""
    codec = "gbk" if charset.upper() == "GB2312" else charset

    def word(text: str) -> str:
        return f"=?{charset}?B?{base64.b64encode(text.encode(codec)).decode()}?="

    def mailbox(value: str) -> str:
        if " " not in value:
            return value
        name, address = value.rsplit(" ", 1)
        return f"{word(name)} {address}"

    headers = [
        f"From: {mailbox(sender)}",
        f"To: {mailbox(to)}",
        f"Subject: {word(subject)}",
        f"Date: {format_datetime(when)}",
        f"Message-ID: <{message_id}>",
        "MIME-Version: 1.0",
        f'Content-Type: text/plain; charset="{charset}"',
        "Content-Transfer-Encoding: base64",
    ]
    payload = base64.encodebytes(body.encode(codec)).decode()
    return ("\r\n".join(headers) + "\r\n\r\n" + payload).encode("ascii")


def mbox_bytes(*messages: bytes) -> bytes:
    parts = []
    for raw in messages:
        parts.append(b"From MAILER-DAEMON Mon Oct 12 14:03:22 2026\n" + raw.replace(b"\r\n", b"\n") + b"\n")
    return b"".join(parts)
