"""Uploads are refused with a clear 400 when they are not what they claim, too big or too long;
accepted files are kept outside the web root with their SHA-256."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from baton.exchange.models import ImportBatch
from baton.exchange.tests.files import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

IMPORTS = "/api/v1/imports/"
GOOD = [["客户名称", "区域", "行业", "规模"], ["广州新塘物流设备有限公司", "华南", "制造业", "中型"]]


def post_file(client, name, data, kind="customers", **extra):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(IMPORTS, {"file": upload, "kind": kind, **extra}, HTTP_ACCEPT_LANGUAGE="en")


def refused(response, code):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == code, error
    return error["message"]


CASES = {
    "csv named .xlsx": ("customers.xlsx", csv_bytes(GOOD), "file_disguised", "not an Excel workbook"),
    "NUL bytes": (
        "customers.csv",
        b"\xef\xbb\xbf\xe5\xae\xa2\x00\x00\x00,\x01\x02",
        "file_disguised",
        "NUL bytes",
    ),
    "xlsx named .csv": ("customers.csv", xlsx_bytes(GOOD), "file_disguised", "really a zip file"),
    "pdf named .csv": ("customers.csv", b"%PDF-1.7\n...", "file_disguised", "really a PDF file"),
    "pdf": ("customers.pdf", b"%PDF-1.7\n...", "file_type", "must end in .csv, .xlsx"),
    "bad encoding": ("chat.txt", b"\xff\xfe\xfd\x80\x80", "file_encoding", "neither UTF-8 nor GB18030"),
    "empty": ("customers.csv", b"", "file_empty", "empty"),
    "missing columns": ("customers.csv", csv_bytes([["名称"], ["x"]]), "missing_columns", "区域"),
    "not an mbox": ("inbox.mbox", b"Subject: hi\n\nhello", "file_disguised", "not an mbox file"),
}


@pytest.mark.parametrize(("name", "data", "code", "words"), list(CASES.values()), ids=list(CASES))
def test_disguised_or_broken_uploads_are_refused_with_a_clear_400(org, crm, name, data, code, words):
    kind = {"txt": "wechat", "mbox": "email"}.get(name.rsplit(".", 1)[-1], "customers")

    message = refused(post_file(org.client_for("S1100"), name, data, kind=kind), code)

    assert words in message
    assert not ImportBatch.objects.exists()


def workbook_zip(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_workbook_with_macros_or_a_zip_bomb_is_refused(org, crm):
    client = org.client_for("S1100")
    macros = workbook_zip({"xl/vbaProject.bin": "\x00"})
    bomb = workbook_zip({"xl/worksheets/sheet1.xml": "0" * (101 * 1024 * 1024)})

    assert "macros" in refused(post_file(client, "macros.xlsx", macros), "file_type")
    assert "unpacks to too much" in refused(post_file(client, "big.xlsx", bomb), "file_too_large")


def test_an_oversized_upload_is_refused(org, crm, monkeypatch):
    monkeypatch.setattr("baton.exchange.parsers.files.MAX_UPLOAD_BYTES", 100)

    message = refused(
        post_file(org.client_for("S1100"), "customers.csv", csv_bytes(GOOD * 10)), "file_too_large"
    )

    assert "larger than" in message


def test_too_many_rows_are_refused(org, crm, monkeypatch):
    monkeypatch.setattr("baton.exchange.services.imports.MAX_ROWS", 3)
    rows = [GOOD[0]] + [[f"客户{i}", "华南", "制造业", "中型"] for i in range(4)]

    message = refused(post_file(org.client_for("S1100"), "customers.csv", csv_bytes(rows)), "too_many_rows")

    assert "more than 3 rows" in message


def test_an_accepted_file_is_stored_outside_the_web_root_with_its_hash(org, crm):
    data = csv_bytes(GOOD)

    response = post_file(org.client_for("S1100"), "客户名单.csv", data)

    assert response.status_code == 201, response.content
    body = response.json()
    batch = ImportBatch.objects.get(pk=body["id"])
    stored = Path(batch.file.path)
    assert body["sha256"] == hashlib.sha256(data).hexdigest() == batch.sha256
    assert stored.read_bytes() == data
    assert "客户名单" not in stored.name and stored.suffix == ".csv"  # a random name on disk
    assert Path(settings.STORAGES["default"]["OPTIONS"]["location"]) in stored.parents
    assert Path(settings.STATIC_ROOT) not in stored.parents
    assert (body["status"], body["content_type"], body["original_name"]) == (
        "checked",
        "text/csv",
        "客户名单.csv",
    )
