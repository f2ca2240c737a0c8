"""Checking an uploaded file before anything reads it, and reading tables out of it.

A file is accepted only when its extension is allowed for the kind of import *and* its
content is what the extension says: an ``.xlsx`` must be an Office Open XML workbook (a zip
holding ``xl/workbook.xml``, without macros, not a zip bomb), a text file (``.csv``, ``.txt``,
``.eml``, ``.mbox``) must hold no NUL bytes and no binary signature, and decode as UTF-8
(with or without BOM) or GB18030.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from baton.core.errors import InvalidInput

# Limits of one upload (documented in docs/exchange.md).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
# An .xlsx unpacks to at most this much, so a small zip cannot explode in memory.
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_XLSX_MEMBERS = 2000

TABULAR = (".csv", ".xlsx")
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "customers": TABULAR,
    "contacts": TABULAR,
    "interactions": TABULAR,
    "orders": TABULAR,
    "call_log": TABULAR,
    "email": (".eml", ".mbox"),
    "wechat": (".txt",),
}
CONTENT_TYPES = {
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".eml": "message/rfc822",
    ".mbox": "application/mbox",
    ".txt": "text/plain",
}
# Signatures of binary files that must never pass as text.
_BINARY_SIGNATURES = (
    (b"PK\x03\x04", "zip"),
    (b"%PDF", "PDF"),
    (b"\xd0\xcf\x11\xe0", "Office 97-2003"),
    (b"MZ", "Windows executable"),
    (b"\x7fELF", "executable"),
    (b"\x89PNG", "PNG"),
    (b"GIF8", "GIF"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7-Zip"),
)


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, with what its content turned out to be."""

    name: str
    data: bytes
    extension: str
    content_type: str
    sha256: str
    text: str | None = None  # decoded text of text files
    encoding: str = ""


def _refuse(message: str, code: str) -> InvalidInput:
    return InvalidInput(message, code=code, fields={"file": [message]})


def extension_of(name: str) -> str:
    base = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return "." + base.rsplit(".", 1)[-1].lower() if "." in base else ""


def decode_text(data: bytes) -> tuple[str, str]:
    """Text of a file in UTF-8 (BOM or not) or, failing that, GB18030 (which covers GBK, GB2312)."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _refuse(_("The file says it is UTF-8 but is not."), "file_encoding") from exc
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise _refuse(_("The file is neither UTF-8 nor GB18030 (GBK) text."), "file_encoding")


def _check_xlsx(data: bytes) -> None:
    if not data.startswith(b"PK\x03\x04"):
        raise _refuse(_("This .xlsx file is not an Excel workbook."), "file_disguised")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            unpacked = sum(m.file_size for m in members)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(_("This .xlsx file is damaged or not an Excel workbook."), "file_disguised") from exc
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _refuse(_("This .xlsx file is not an Excel workbook."), "file_disguised")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _refuse(_("Workbooks with macros are not accepted; save it as a plain .xlsx."), "file_type")
    if len(members) > MAX_XLSX_MEMBERS or unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise _refuse(_("This workbook unpacks to too much data."), "file_too_large")


def _check_text(data: bytes) -> tuple[str, str]:
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise _refuse(
                _("This file is really a %(what)s file, not text.") % {"what": what}, "file_disguised"
            )
    if b"\x00" in data:
        raise _refuse(_("This file holds NUL bytes, so it is not a text file."), "file_disguised")
    return decode_text(data)


def upload_check(*, name: str, data: bytes, kind: str) -> CheckedFile:
    """Accept an upload for an import of ``kind`` or say clearly why not (400)."""
    allowed = EXTENSIONS.get(kind)
    if allowed is None:
        raise InvalidInput(fields={"kind": [_("Choose one of the listed values.")]})
    extension = extension_of(name)
    if extension not in allowed:
        message = _("Files of this kind must end in %(allowed)s.") % {"allowed": ", ".join(allowed)}
        raise _refuse(message, "file_type")
    if len(data) > MAX_UPLOAD_BYTES:
        message = _("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        raise _refuse(message, "file_too_large")
    if not data:
        raise _refuse(_("The file is empty."), "file_empty")
    text, encoding = None, ""
    if extension == ".xlsx":
        _check_xlsx(data)
    else:
        text, encoding = _check_text(data)
        if extension == ".mbox" and not text.startswith("From "):
            raise _refuse(
                _("This is not an mbox file (it must start with a “From ” line)."), "file_disguised"
            )
    return CheckedFile(
        name=name,
        data=data,
        extension=extension,
        content_type=CONTENT_TYPES[extension],
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
        encoding=encoding,
    )


# --- Tables ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawRow:
    """One row of a table: its number as the user sees it (1 = first line) and its cells."""

    number: int
    cells: list[Any]


def _csv_rows(text: str) -> Iterator[RawRow]:
    lines = text.splitlines(keepends=True)
    sample = next((line for line in lines if line.strip() and not line.startswith("#")), "")
    delimiter = max((",", "\t", ";"), key=sample.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        while True:
            number = reader.line_num + 1  # where this record starts (it may span lines)
            cells = next(reader, None)
            if cells is None:
                return
            if cells and cells[0].startswith("#"):
                continue  # a comment line, such as the watermark of Baton's own CSV export
            yield RawRow(number, cells)
    except csv.Error as exc:
        raise _refuse(
            _("The CSV file cannot be read: %(error)s") % {"error": exc}, "file_unreadable"
        ) from exc


def _xlsx_rows(data: bytes) -> Iterator[RawRow]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise _refuse(_("The workbook cannot be read."), "file_unreadable") from exc
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield RawRow(number, list(values))
    finally:
        workbook.close()


def table_rows(checked: CheckedFile) -> list[RawRow]:
    """Non-empty rows of the first sheet (or the CSV), at most ``MAX_ROWS`` + a few header rows."""
    source = _xlsx_rows(checked.data) if checked.extension == ".xlsx" else _csv_rows(checked.text or "")
    rows: list[RawRow] = []
    for row in source:
        if not any(_cell_text(c) for c in row.cells):
            continue
        rows.append(row)
        if len(rows) > MAX_ROWS + 10:
            break
    return rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


cell_text = _cell_text
