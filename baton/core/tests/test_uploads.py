"""Uploads are judged by their content: disguised, empty, oversized and macro files are refused."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from baton.core import uploads
from baton.core.errors import InvalidInput

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in members:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("scan.pdf", PDF, "pdf"),
        ("photo.png", PNG, "png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "jpeg"),
        ("memo.docx", office(["[Content_Types].xml", "word/document.xml"]), "docx"),
        ("call.amr", b"#!AMR\n" + b"\x00" * 10, "amr"),
        ("notes.txt", "客户要求提前一天通知".encode(), "text"),
    ],
)
def test_known_kinds_are_recognised_by_content(name, data, kind):
    checked = uploads.check_upload(SimpleUploadedFile(name, data), allowed=uploads.INTERACTION_ATTACHMENTS)
    assert checked.kind.code == kind and len(checked.sha256) == 64


def test_a_disguised_file_is_refused_whatever_its_name():
    exe = SimpleUploadedFile("contract.pdf", b"MZ\x90\x00" + b"\x00" * 64, content_type="application/pdf")
    with pytest.raises(InvalidInput) as exc:
        uploads.check_upload(exe, allowed=uploads.SCANS)
    assert exc.value.code == "file_type_refused"


def test_a_text_file_is_not_a_scan():
    with pytest.raises(InvalidInput):
        uploads.check_upload(SimpleUploadedFile("scan.pdf", b"just text"), allowed=uploads.SCANS)


def test_macros_are_refused():
    data = office(["[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"])
    with pytest.raises(InvalidInput) as exc:
        uploads.check_upload(SimpleUploadedFile("memo.docm", data), allowed=uploads.DOCUMENTS)
    assert exc.value.code == "macros_refused"


def test_empty_and_oversized_files_are_refused():
    with pytest.raises(InvalidInput) as empty:
        uploads.check_upload(SimpleUploadedFile("a.pdf", b""), allowed=uploads.SCANS)
    with pytest.raises(InvalidInput) as large:
        uploads.check_upload(
            SimpleUploadedFile("a.pdf", PDF + b"0" * 100), allowed=uploads.SCANS, max_bytes=50
        )
    assert empty.value.code == "file_empty" and large.value.code == "file_too_large"
