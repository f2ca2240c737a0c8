"""Accepting a document upload safely: what the bytes are, not what the name says.

Used for contract scans, interaction attachments and (later) handover evidence. A file is
accepted when its content matches one of the allowed kinds, by its leading bytes (and, for
Office files, the zip's structure), whatever the extension or the browser's content type
claim. It is stored outside the web root under a random name with its SHA-256, and only
ever served back as an attachment by a scoped view.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from baton.core.errors import InvalidInput

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
_MAX_ZIP_MEMBERS = 2000
_MAX_ZIP_UNPACKED = 200 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    code: str
    content_type: str
    extension: str


KINDS = {
    "pdf": Kind("pdf", "application/pdf", ".pdf"),
    "png": Kind("png", "image/png", ".png"),
    "jpeg": Kind("jpeg", "image/jpeg", ".jpg"),
    "webp": Kind("webp", "image/webp", ".webp"),
    "docx": Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xlsx": Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "mp3": Kind("mp3", "audio/mpeg", ".mp3"),
    "m4a": Kind("m4a", "audio/mp4", ".m4a"),
    "amr": Kind("amr", "audio/amr", ".amr"),
    "text": Kind("text", "text/plain", ".txt"),
}
DOCUMENTS = ("pdf", "png", "jpeg", "webp", "docx", "xlsx")
INTERACTION_ATTACHMENTS = (*DOCUMENTS, "mp3", "m4a", "amr", "text")
SCANS = ("pdf", "png", "jpeg", "webp")


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    data: bytes
    kind: Kind
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def _refuse(message: str, code: str = "invalid_file") -> InvalidInput:
    return InvalidInput(message, code=code, fields={"file": [message]})


def _office_kind(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return None
    infos = archive.infolist()
    if len(infos) > _MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > _MAX_ZIP_UNPACKED:
        raise _refuse(_("The file unpacks to too much data."), "file_too_large")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        return None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _refuse(_("Files with macros are not accepted."), "macros_refused")
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def sniff(data: bytes) -> str | None:
    """The kind of content, judged by its bytes; None when it is none of the known kinds."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"#!AMR"):
        return "amr"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head[4:8] == b"ftyp" and head[8:11] in (b"M4A", b"mp4", b"iso", b"M4B"):
        return "m4a"
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    if b"\x00" not in data[:4096]:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text"
    return None


def check_upload(
    upload: Any, *, allowed: tuple[str, ...], max_bytes: int = MAX_DOCUMENT_BYTES
) -> CheckedUpload:
    """Read an uploaded file (a Django ``UploadedFile``) and accept it only if its content is
    one of ``allowed`` and it is not larger than ``max_bytes``."""
    if upload is None:
        raise _refuse(_("Choose a file."), "file_missing")
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise _refuse(
            _("The file is larger than %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)}, "file_too_large"
        )
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _refuse(
            _("The file is larger than %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)}, "file_too_large"
        )
    if not data:
        raise _refuse(_("The file is empty."), "file_empty")
    kind = sniff(data)
    if kind is None or kind not in allowed:
        accepted = ", ".join(KINDS[k].extension for k in allowed)
        raise _refuse(
            _("This kind of file is not accepted here. Accepted: %(kinds)s.") % {"kinds": accepted},
            "file_type_refused",
        )
    name = os.path.basename(getattr(upload, "name", "") or "upload")[:150] or "upload"
    return CheckedUpload(name=name, data=data, kind=KINDS[kind], sha256=hashlib.sha256(data).hexdigest())


def store(checked: CheckedUpload, *, folder: str) -> str:
    """Save under a random name in the private upload storage; returns the storage path."""
    path = f"{folder}/{uuid.uuid4().hex}{checked.kind.extension}"
    return default_storage.save(path, ContentFile(checked.data))
