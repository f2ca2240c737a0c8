"""The handover checklist and the three-party sign-off, through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from baton.audit.models import AuditEvent
from baton.core import clock
from baton.core.errors import Conflict, Forbidden, InvalidInput
from baton.customers.models import Interaction
from baton.customers.services import interaction_record
from baton.offboarding.models import (
    Approval,
    CaseStatus,
    Decision,
    HandoverEvidence,
    HandoverItem,
    ItemStatus,
    OffboardingCase,
)
from baton.offboarding.services import (
    approval_decide,
    case_complete,
    check_item,
    customers_confirm,
    follow_up_upload,
    handover_item_complete,
    orders_confirm,
)
from baton.offboarding.testing import complete_all_items, item, pdf_upload

pytestmark = pytest.mark.django_db

STATEMENT = "本人与竞争对手无任何私下接触，客户均已按公司要求移交。"


def reload(case: OffboardingCase) -> OffboardingCase:
    return OffboardingCase.objects.get(pk=case.pk)


def test_the_customer_list_item_is_checked_by_the_system_not_ticked(case, crm):
    org = crm.org
    it = item(case, "customer_files")
    with pytest.raises(InvalidInput) as err:
        handover_item_complete(actor=org.users["S1101"], item=it)
    assert err.value.code == "check_failed" and "广州华南精密制造有限公司" in str(err.value.message)
    result = customers_confirm(actor=org.users["S1101"], item=it, customer_ids=[crm.customers["c1"].pk])
    assert result["ok"] is True
    assert item(case, "customer_files").status == ItemStatus.DONE


def test_only_the_leavers_customers_can_be_confirmed(case, crm):
    it = item(case, "customer_files")
    with pytest.raises(InvalidInput) as err:
        customers_confirm(actor=crm.org.users["S1101"], item=it, customer_ids=[crm.customers["c3"].pk])
    assert err.value.code == "not_on_list"


def test_open_orders_are_confirmed_one_by_one(case, crm):
    org = crm.org
    it = item(case, "open_orders")
    assert check_item(item=it)["missing"] == ["SO-2026-0001"]
    order = crm.customer("c1").orders.get()
    orders_confirm(actor=org.users["S1101"], item=it, order_ids=[order.pk])
    assert item(case, "open_orders").status == ItemStatus.DONE


def test_follow_ups_count_when_recent_or_uploaded(case, crm):
    org = crm.org
    it = item(case, "follow_up_records")
    assert check_item(item=it)["missing_count"] == 1
    interaction_record(
        actor=org.users["S1100"],
        customer=crm.customer("c1"),
        channel="call",
        occurred_at=clock.now() - dt.timedelta(days=29),
        content="电话回访，确认下月线路。",
    )
    assert check_item(item=it)["ok"] is True


def test_a_follow_up_older_than_30_days_needs_an_uploaded_record(case, crm):
    org = crm.org
    Interaction.objects.create(
        customer=crm.customer("c1"),
        employee=org.employees["S1101"],
        channel="visit",
        occurred_at=clock.now() - dt.timedelta(days=31),
        content="拜访",
        created_at=clock.now(),
    )
    it = item(case, "follow_up_records")
    assert check_item(item=it)["missing_count"] == 1
    follow_up_upload(
        actor=org.users["S1101"],
        item=it,
        customer_ids=[crm.customers["c1"].pk],
        upload=pdf_upload("visit.pdf"),
    )
    assert item(case, "follow_up_records").status == ItemStatus.DONE
    evidence = HandoverEvidence.objects.get(item=it)
    assert len(evidence.sha256) == 64 and evidence.content_type == "application/pdf"
    assert not evidence.file.name.startswith("/") and evidence.file.name.startswith("handover/")


def test_a_statement_must_say_something(case, crm):
    it = item(case, "competitor_statement")
    with pytest.raises(InvalidInput) as err:
        handover_item_complete(actor=crm.org.users["S1101"], item=it, statement="无")
    assert err.value.code == "evidence_missing"
    handover_item_complete(actor=crm.org.users["S1101"], item=it, statement=STATEMENT)
    assert item(case, "competitor_statement").statement == STATEMENT


def test_a_file_item_needs_a_file_and_refuses_a_disguised_one(case, crm):
    leaver = crm.org.users["S1101"]
    it = item(case, "contract_scans")
    with pytest.raises(InvalidInput) as err:
        handover_item_complete(actor=leaver, item=it)
    assert err.value.code == "evidence_missing"
    disguised = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    with pytest.raises(InvalidInput) as err:
        handover_item_complete(actor=leaver, item=it, files=[pdf_upload(), disguised])
    assert err.value.code == "file_type_refused"
    assert not HandoverEvidence.objects.exists()  # nothing half-written
    handover_item_complete(actor=leaver, item=it, files=[pdf_upload("a.pdf"), pdf_upload("b.pdf")])
    assert HandoverEvidence.objects.filter(item=it).count() == 2


def test_an_oversized_file_is_refused(case, crm, settings):
    from baton.core import uploads

    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (uploads.MAX_DOCUMENT_BYTES + 1))
    with pytest.raises(InvalidInput) as err:
        handover_item_complete(actor=crm.org.users["S1101"], item=item(case, "contract_scans"), files=[big])
    assert err.value.code == "file_too_large"


def test_each_item_is_completed_by_the_party_it_names(case, crm):
    org = crm.org
    receivables = item(case, "receivables")
    with pytest.raises(Forbidden) as err:
        handover_item_complete(actor=org.users["S1101"], item=receivables)
    assert err.value.code == "not_your_item"
    handover_item_complete(actor=org.users["F0001"], item=receivables)
    meeting = item(case, "handover_meeting")
    with pytest.raises(Forbidden):
        handover_item_complete(actor=org.users["S1102"], item=meeting, files=[pdf_upload()])
    handover_item_complete(actor=org.users["S1100"], item=meeting, files=[pdf_upload("minutes.pdf")])
    assert AuditEvent.objects.filter(action="offboarding.item_refused", result="denied").count() == 2


def test_a_done_item_cannot_be_done_twice(case, crm):
    it = item(case, "competitor_statement")
    handover_item_complete(actor=crm.org.users["S1101"], item=it, statement=STATEMENT)
    with pytest.raises(Conflict):
        handover_item_complete(
            actor=crm.org.users["S1101"], item=item(case, "competitor_statement"), statement=STATEMENT
        )


def test_when_every_item_is_done_sign_off_is_requested_in_parallel(case, crm):
    complete_all_items(case, crm.org)
    case = reload(case)
    assert case.status == CaseStatus.SIGN_OFF
    assert Approval.objects.filter(case=case, requested_at__isnull=False).count() == 3


def test_sequential_sign_off_asks_one_party_after_another(case, crm):
    org = crm.org
    template = case.template
    template.approval_mode = "sequential"
    template.save()
    complete_all_items(case, org)
    requested = Approval.objects.filter(case=case, requested_at__isnull=False)
    assert list(requested.values_list("role", flat=True)) == ["department_head"]
    with pytest.raises(Forbidden):
        approval_decide(actor=org.users["H0001"], case=case, decision="approved")
    approval_decide(actor=org.users["S1000"], case=case, decision="approved", comment="同意")
    assert set(requested.values_list("role", flat=True)) == {"department_head", "hr"}


def test_three_approvals_make_the_case_ready_and_complete_needs_the_transfer(case, crm):
    org = crm.org
    complete_all_items(case, org)
    for who in ("S1000", "H0001", "F0001"):
        approval_decide(actor=org.users[who], case=case, decision="approved", comment="同意")
    case = reload(case)
    assert case.status == CaseStatus.READY
    with translation.override("en"), pytest.raises(Conflict) as err:
        case_complete(actor=org.users["H0001"], case=case)
    assert err.value.code == "case_blocked"
    assert any("transfer" in r for r in err.value.fields["blocked"])


def test_completion_is_blocked_with_the_reasons_while_items_are_open(case, crm):
    with translation.override("en"), pytest.raises(Conflict) as err:
        case_complete(actor=crm.org.users["H0001"], case=case)
    reasons = " ".join(err.value.fields["blocked"])
    assert "客户资料移交" in reasons and "sign-off" in reasons


def test_a_rejection_reopens_the_named_items_and_withdraws_every_approval(case, crm):
    org = crm.org
    complete_all_items(case, org)
    approval_decide(actor=org.users["S1000"], case=case, decision="approved")
    statement = item(case, "competitor_statement")
    with pytest.raises(InvalidInput):
        approval_decide(actor=org.users["F0001"], case=case, decision="rejected", reopen_items=[statement.pk])
    approval_decide(
        actor=org.users["F0001"],
        case=case,
        decision="rejected",
        comment="说明过于简单，请补充与某竞争对手接触的细节。",
        reopen_items=[statement.pk],
    )
    case = reload(case)
    assert case.status == CaseStatus.HANDOVER
    reopened = item(case, "competitor_statement")
    assert reopened.status == ItemStatus.REOPENED and "补充" in reopened.reopen_note
    assert not Approval.objects.filter(case=case, decision=Decision.APPROVED).exists()
    assert not Approval.objects.filter(case=case, requested_at__isnull=False).exists()
    handover_item_complete(actor=org.users["S1101"], item=reopened, statement=STATEMENT + "补充说明。")
    assert reload(case).status == CaseStatus.SIGN_OFF


def test_nobody_signs_outside_the_sign_off_phase_or_for_a_party_they_do_not_play(case, crm):
    org = crm.org
    with pytest.raises(Conflict):
        approval_decide(actor=org.users["H0001"], case=case, decision="approved")
    complete_all_items(case, org)
    for who in ("S1101", "S1100", "M0001"):
        with pytest.raises(Forbidden):
            approval_decide(actor=org.users[who], case=case, decision="approved")


def test_items_are_due_before_the_last_working_day(case):
    items = HandoverItem.objects.filter(case=case)
    last = clock.local_moment(case.last_working_day, 18)
    assert all(i.due_at <= last for i in items)
    assert item(case, "customer_files").due_at == clock.local_moment(
        case.last_working_day - dt.timedelta(days=7), 18
    )
