"""Every exchange page and endpoint answers anonymous / no permission / permitted / out of scope.

Imports: S1000 (department head) uploaded the file; with the team lead's ``customer_import``
grant narrowed to their team, S1100 is out of scope. Exports: S1100's own export is out of
S1000's reach for downloading; M0001's export of the whole company is beyond S1000's approval.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from baton.core.testing import MatrixCase, assert_matrix
from baton.exchange.models import ReviewItem
from baton.exchange.services import export_request, import_confirm, import_upload
from baton.exchange.tests.files import csv_bytes

pytestmark = pytest.mark.django_db

CHAT = "2026-10-14 08:30 陈老板(chen_boss88)\n有没有去昆明的回程车？\n".encode()
ROWS = [["客户名称", "区域", "行业", "规模"], ["广州新塘物流设备有限公司", "华南", "制造业", "中型"]]


@pytest.fixture
def head_import(org, crm, team_scoped_imports):
    return import_upload(actor=org.user("S1000"), kind="customers", name="c.csv", data=csv_bytes(ROWS))


@pytest.fixture
def head_chat(org, crm, team_scoped_imports):
    """A confirmed chat import by S1000 that left one record in the review queue."""
    batch = import_upload(actor=org.user("S1000"), kind="wechat", name="chat.txt", data=CHAT)
    import_confirm(actor=org.user("S1000"), batch=batch)
    return ReviewItem.objects.get(batch=batch)


@pytest.fixture
def exports(org, crm, monkeypatch):
    monkeypatch.setattr("baton.exchange.services.exports.EXPORT_APPROVAL_THRESHOLD", 1)
    return {
        "lead": export_request(actor=org.user("S1100"), format="csv"),
        "company": export_request(actor=org.user("M0001"), format="xlsx"),
        "company2": export_request(actor=org.user("M0001"), format="csv"),
    }


def test_import_pages(org, head_import):
    pk = head_import.pk
    assert_matrix(org, MatrixCase("/exchange/imports/", permitted="S1100", no_permission="S1101"))
    assert_matrix(
        org,
        MatrixCase(
            f"/exchange/imports/{pk}/", permitted="S1000", no_permission="S1101", out_of_scope="S1100"
        ),
    )
    assert_matrix(
        org,
        MatrixCase(
            f"/exchange/imports/{pk}/confirm/",
            method="post",
            data={},
            permitted="S1000",
            no_permission="S1101",
            out_of_scope="S1100",
            ok_status=302,
        ),
    )


def test_upload_page_accepts_a_file_and_refuses_a_disguised_one(org, crm):
    client = org.client_for("S1100")
    good = SimpleUploadedFile("c.csv", csv_bytes(ROWS))
    bad = SimpleUploadedFile("c.xlsx", csv_bytes(ROWS))

    accepted = client.post("/exchange/imports/", {"kind": "customers", "file": good})
    refused = client.post("/exchange/imports/", {"kind": "customers", "file": bad}, HTTP_ACCEPT_LANGUAGE="en")

    assert accepted.status_code == 302 and "/exchange/imports/" in accepted["Location"]
    assert refused.status_code == 400 and "not an Excel workbook" in refused.content.decode()


def test_review_pages(org, crm, head_chat):
    pk = head_chat.pk
    contact = crm.customer("c1").contacts.get()
    assert_matrix(org, MatrixCase("/exchange/review/", permitted="S1100", no_permission="S1101"))
    assert_matrix(
        org,
        MatrixCase(f"/exchange/review/{pk}/", permitted="S1000", no_permission="S1101", out_of_scope="S1100"),
    )
    assert_matrix(
        org,
        MatrixCase(
            f"/exchange/review/{pk}/assign/",
            method="post",
            data={"target": f"contact:{contact.pk}"},
            permitted="S1000",
            no_permission="S1101",
            out_of_scope="S1100",
            ok_status=302,
        ),
    )
    head_chat.refresh_from_db()
    assert head_chat.interaction.contact == contact
    assert_matrix(
        org,
        MatrixCase(
            f"/exchange/review/{pk}/discard/",
            method="post",
            data={},
            permitted="S1000",
            no_permission="S1101",
            out_of_scope="S1100",
            ok_status=400,  # assigned already: nothing left to discard
        ),
    )


def test_export_pages(org, exports):
    lead, company = exports["lead"], exports["company"]
    assert_matrix(org, MatrixCase("/exchange/exports/", permitted="S1100", no_permission="S1101"))
    assert_matrix(org, MatrixCase("/exchange/approvals/", permitted="S1000", no_permission="S1100"))
    assert_matrix(
        org,
        MatrixCase(
            f"/exchange/approvals/{company.pk}/decide/",
            method="post",
            data={"decision": "approve"},
            permitted="admin",
            no_permission="S1100",
            out_of_scope="S1000",
            ok_status=302,
        ),
    )
    assert_matrix(
        org,
        MatrixCase(
            f"/exchange/approvals/{lead.pk}/decide/",
            method="post",
            data={"decision": "approve"},
            permitted="S1000",
            no_permission="S1101",
            ok_status=302,
        ),
    )
    assert_matrix(
        org,
        MatrixCase(
            f"/exchange/exports/{lead.pk}/download/",
            permitted="S1100",
            no_permission="S1101",
            out_of_scope="S1000",
        ),
    )


def test_import_endpoints(org, head_import):
    pk = head_import.pk
    assert_matrix(org, MatrixCase("/api/v1/imports/", permitted="S1100", no_permission="S1101", api=True))
    assert_matrix(
        org,
        MatrixCase(
            "/api/v1/imports/",
            method="post",
            permitted="S1100",
            no_permission="S1101",
            api=True,
            ok_status=400,
        ),
    )
    assert_matrix(
        org,
        MatrixCase(
            f"/api/v1/imports/{pk}/", permitted="S1000", no_permission="S1101", out_of_scope="S1100", api=True
        ),
    )
    assert_matrix(
        org,
        MatrixCase(
            f"/api/v1/imports/{pk}/confirm/",
            method="post",
            data={"skip_bad_rows": False},
            permitted="S1000",
            no_permission="S1101",
            out_of_scope="S1100",
            api=True,
        ),
    )


def test_review_queue_endpoints(org, crm, head_chat):
    pk = head_chat.pk
    base = "/api/v1/review-queue/"
    assert_matrix(org, MatrixCase(base, permitted="S1100", no_permission="S1101", api=True))
    assert_matrix(
        org,
        MatrixCase(f"{base}{pk}/", permitted="S1000", no_permission="S1101", out_of_scope="S1100", api=True),
    )
    assert_matrix(
        org,
        MatrixCase(
            f"{base}{pk}/discard/",
            method="post",
            data={"note": "广告"},
            permitted="S1000",
            no_permission="S1101",
            out_of_scope="S1100",
            api=True,
        ),
    )
    assert_matrix(
        org,
        MatrixCase(
            f"{base}{pk}/assign/",
            method="post",
            data={"customer": crm.customers["c1"].pk},
            permitted="S1000",
            no_permission="S1101",
            out_of_scope="S1100",
            api=True,
            ok_status=400,  # discarded just above
        ),
    )


def test_export_endpoints(org, exports):
    lead, company = exports["lead"], exports["company"]
    base = "/api/v1/exports/"
    assert_matrix(org, MatrixCase(base, permitted="S1100", no_permission="S1101", api=True))
    assert_matrix(
        org,
        MatrixCase(
            base,
            method="post",
            data={"format": "csv"},
            permitted="S1100",
            no_permission="S1101",
            api=True,
            ok_status=201,
        ),
    )
    assert_matrix(
        org,
        MatrixCase(
            f"{base}{company.pk}/", permitted="M0001", no_permission="S1101", out_of_scope="S1100", api=True
        ),
    )
    assert_matrix(
        org,
        MatrixCase(
            f"{base}{company.pk}/reject/",
            method="post",
            data={"reason": "范围过大"},
            permitted="admin",
            no_permission="S1100",
            out_of_scope="S1000",
            api=True,
        ),
    )
    assert_matrix(
        org,
        MatrixCase(
            f"{base}{exports['company2'].pk}/approve/",
            method="post",
            data={},
            permitted="admin",
            no_permission="S1100",
            out_of_scope="S1000",
            api=True,
        ),
    )
    assert_matrix(
        org,
        MatrixCase(
            f"{base}{lead.pk}/approve/",
            method="post",
            data={},
            permitted="S1000",
            no_permission="S1101",
            api=True,
        ),
    )
    assert_matrix(
        org,
        MatrixCase(
            f"{base}{lead.pk}/download/",
            permitted="S1100",
            no_permission="S1101",
            out_of_scope="S1000",
            api=True,
        ),
    )


@pytest.mark.parametrize("count", [1, 4])
def test_lists_read_in_a_fixed_number_of_queries(org, crm, monkeypatch, django_assert_max_num_queries, count):
    monkeypatch.setattr("baton.exchange.services.exports.EXPORT_APPROVAL_THRESHOLD", 1)
    for i in range(count):
        chat = f"2026-10-14 08:3{i} 陈老板(chen_boss8{i})\n回程车？\n".encode()
        batch = import_upload(actor=org.user("S1100"), kind="wechat", name="chat.txt", data=chat)
        import_confirm(actor=org.user("S1100"), batch=batch)
        export_request(actor=org.user("S1100"), format="csv")
    client = org.client_for("S1000")
    client.get("/exchange/approvals/")  # warm the session

    # The customer scope's collaborator lookup is one query per request, whatever the count.
    for url in ("/api/v1/imports/", "/api/v1/review-queue/", "/api/v1/exports/"):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
    for url in ("/exchange/imports/", "/exchange/review/", "/exchange/exports/", "/exchange/approvals/"):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
