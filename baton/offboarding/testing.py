"""Test helpers for offboarding, on top of ``build_small_org`` and ``build_small_crm``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from baton.core import clock
from baton.offboarding.models import HandoverItem, ItemStatus, OffboardingCase, SystemCheck, Verifier
from baton.offboarding.services import (
    case_open,
    customers_confirm,
    handover_item_complete,
    orders_confirm,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name: str = "evidence.pdf", data: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def open_case(org: Any, *, employee_no: str = "S1101", by: str = "H0001", days: int = 30) -> OffboardingCase:
    """HR records a resignation with ``days`` of notice."""
    today = clock.local_date(clock.now())
    return case_open(
        actor=org.users[by],
        employee=org.employees[employee_no],
        kind="resignation",
        reason="个人发展",
        last_working_day=today + dt.timedelta(days=days),
    )


def item(case: OffboardingCase, code: str) -> HandoverItem:
    return HandoverItem.objects.select_related("case").get(case=case, code=code)


def complete_all_items(case: OffboardingCase, org: Any) -> None:
    """Every item done with proper evidence, each by the person the template names."""
    from baton.customers.models import Customer
    from baton.offboarding.selectors import open_orders_of
    from baton.offboarding.services import check_item
    from baton.offboarding.services.checklist import follow_up_upload

    leaver = org.users[case.employee.employee_no]
    by_verifier = {
        Verifier.LEAVER: leaver,
        Verifier.TEAM_LEAD: org.users["S1100"],
        Verifier.DEPARTMENT_HEAD: org.users["S1000"],
        Verifier.HR: org.users["H0001"],
        Verifier.FINANCE: org.users["F0001"],
    }
    for it in HandoverItem.objects.filter(case=case).exclude(status=ItemStatus.DONE).order_by("position"):
        it = HandoverItem.objects.select_related("case").get(pk=it.pk)
        if it.status == ItemStatus.DONE:
            continue
        who = by_verifier[Verifier(it.verifier)]
        owned = list(Customer.objects.filter(owner=case.employee).values_list("pk", flat=True))
        if it.system_check == SystemCheck.CUSTOMERS_CONFIRMED and owned:
            customers_confirm(actor=who, item=it, customer_ids=owned)
        elif it.system_check == SystemCheck.OPEN_ORDERS_CONFIRMED:
            orders = list(open_orders_of(case=case).values_list("pk", flat=True))
            if orders:
                orders_confirm(actor=who, item=it, order_ids=orders)
        elif it.system_check == SystemCheck.RECENT_FOLLOW_UPS:
            missing = check_item(item=it)
            if not missing["ok"]:
                follow_up_upload(actor=who, item=it, customer_ids=owned, upload=pdf_upload("followup.pdf"))
        it = HandoverItem.objects.select_related("case").get(pk=it.pk)
        if it.status != ItemStatus.DONE:
            handover_item_complete(
                actor=who,
                item=it,
                statement="与竞争对手无私下接触，所有客户资料均已录入系统并当面移交。",
                files=[pdf_upload()],
            )
