"""Taking customers out of Baton as a file, under control.

- Who: holders of ``customer.export``, over the customers their export scope reaches.
  People in their handover period (employee status *resigning*) and frozen accounts cannot
  export (403, audited as a denied access).
- How many: up to ``EXPORT_APPROVAL_THRESHOLD`` customers the file is ready at once; above
  it, someone holding ``customer.approve`` over every customer in it (a department head,
  management) approves or rejects first. Nobody approves their own export.
- What: the file carries a visible watermark (xlsx: a first row and a page header and footer;
  csv: a first ``#`` line) and metadata (xlsx: workbook properties) naming the exporter's
  工号, the time and the export number, which leads to this export's audit events. Phone
  numbers are masked unless the exporter may reveal them for that customer; every number
  shown in clear is recorded as a reveal (``customers.contact_revealed``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from baton.audit.services import EventSpec, audit_record, audit_record_many
from baton.authz.services import access_denied_record
from baton.core import clock, crypto
from baton.core.errors import Forbidden, InvalidInput, NotFound
from baton.customers.filters import CustomerFilterSet
from baton.customers.models import Contact, Customer
from baton.customers.selectors import customers_visible_to
from baton.exchange.models import ExportFormat, ExportRequest, ExportStatus
from baton.exchange.parsers.columns import CHINESE
from baton.exchange.workbooks import safe_cell, watermarked_xlsx
from baton.org.models import EmployeeStatus
from baton.risk.models import AccessKind
from baton.risk.services_access import access_count

# Exports of more customers than this wait for approval (customer.approve in scope).
EXPORT_APPROVAL_THRESHOLD = 200

CONTENT_TYPES = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "text/csv; charset=utf-8",
}
FILTER_NAMES = frozenset(CustomerFilterSet.base_filters)

# Column headers of the export: the import's own headers, so an export reads back in.
CUSTOMER_HEADERS = (
    "客户名称",
    "统一社会信用代码",
    "区域",
    "行业",
    "规模",
    "重点客户",
    "状态",
    "地址",
    "标签",
    "来源",
    "团队",
    "客户经理",
    "客户经理工号",
    "最近跟进",
    "最近下单",
    "联系人",
    "职务",
    "联系电话",
    "微信",
    "邮箱",
)
CONTACT_HEADERS = ("客户名称", "统一社会信用代码", "姓名", "职务", "电话", "微信", "邮箱", "主联系人")


def export_blocked_check(*, user: Any) -> None:
    """Refuse (403, audited) an export by a frozen account or someone in their handover period."""
    reason, message = "", ""
    employee = getattr(user, "employee", None)
    if getattr(user, "is_frozen", False):
        reason = "account_frozen"
        message = _("This account is frozen, so it cannot export customer data.")
    elif employee is not None and employee.status in (EmployeeStatus.RESIGNING, EmployeeStatus.LEFT):
        reason = "export_blocked_handover"
        message = _(
            "During the handover period (离职交接) customer data cannot be exported. "
            "Your manager can export what the handover needs."
        )
    if reason:
        access_denied_record(user=user, resource="customer", action="export", reason=reason)
        raise Forbidden(message, code=reason)


def _clean_filters(filters: Any) -> dict[str, str]:
    if filters in (None, ""):
        return {}
    if not isinstance(filters, dict):
        raise InvalidInput(fields={"filters": [_("Give the filters as an object.")]})
    unknown = sorted(set(filters) - FILTER_NAMES)
    if unknown:
        raise InvalidInput(fields={f"filters.{name}": [_("Unknown field.")] for name in unknown})
    return {
        k: "" if v is None else str(v).lower() if isinstance(v, bool) else str(v) for k, v in filters.items()
    }


def export_request(*, actor: Any, format: str, filters: Any = None) -> ExportRequest:
    """Ask for a file of the customers the actor may export that match ``filters`` (the
    customer list's filters). Ready at once up to the threshold, else waiting for approval."""
    export_blocked_check(user=actor)
    if format not in ExportFormat.values:
        raise InvalidInput(fields={"format": [_("Choose one of the listed values.")]})
    cleaned = _clean_filters(filters)
    filterset = CustomerFilterSet(cleaned, queryset=customers_visible_to(user=actor, action="export"))
    if not filterset.is_valid():
        raise InvalidInput(
            fields={f"filters.{name}": list(errors) for name, errors in filterset.errors.items()}
        )
    ids = list(filterset.qs.order_by().values_list("pk", flat=True).distinct())
    if not ids:
        raise InvalidInput(_("No customer you may export matches these filters."), code="nothing_to_export")
    employee = getattr(actor, "employee", None)
    if employee is None:
        raise InvalidInput(_("Exports need a login that belongs to an employee."), code="no_company")
    needs_approval = len(ids) > EXPORT_APPROVAL_THRESHOLD
    now = clock.now()
    with transaction.atomic():
        export = ExportRequest.objects.create(
            number=f"EX{timezone.localtime(now):%Y%m%d}-{secrets.token_hex(3).upper()}",
            company=employee.company,
            requested_by=actor,
            requested_at=now,
            format=format,
            filters=cleaned,
            customer_count=len(ids),
            needs_approval=needs_approval,
            status=ExportStatus.PENDING if needs_approval else ExportStatus.READY,
        )
        export.customers.set(ids)
        audit_record(
            actor=actor,
            action="exchange.export_requested",
            target=export,
            changes={
                "export": export.number,
                "format": format,
                "filters": cleaned,
                "customers": len(ids),
                "needs_approval": needs_approval,
            },
        )
    return export


def export_decide(*, actor: Any, export: ExportRequest, approve: bool, reason: str = "") -> ExportRequest:
    """Approve or reject an export waiting for approval (the caller loaded it through
    ``exports_decidable_by``: the approver's approve scope covers every customer in it)."""
    reason = (reason or "").strip()
    if not approve and not reason:
        raise InvalidInput(fields={"reason": [_("Say why the export is rejected.")]})
    with transaction.atomic():
        export = ExportRequest.objects.select_for_update().get(pk=export.pk)
        if export.requested_by_id == getattr(actor, "pk", None):
            raise Forbidden(_("Nobody approves their own export."), code="self_approval")
        if export.status != ExportStatus.PENDING:
            raise InvalidInput(_("This export is not waiting for approval."), code="invalid_transition")
        export.status = ExportStatus.READY if approve else ExportStatus.REJECTED
        export.decided_by = actor
        export.decided_at = clock.now()
        export.decision_reason = reason[:300]
        export.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit_record(
            actor=actor,
            action="exchange.export_approved" if approve else "exchange.export_rejected",
            target=export,
            changes={
                "export": export.number,
                "requested_by": export.requested_by.employee_no,
                "customers": export.customer_count,
                "reason": export.decision_reason,
            },
        )
    return export


@dataclass(frozen=True)
class Watermark:
    """Who took the file, when, and which export it is."""

    number: str
    export_id: int
    employee_no: str
    name: str
    moment: dt.datetime

    @property
    def local(self) -> str:
        return f"{timezone.localtime(self.moment):%Y-%m-%d %H:%M:%S} (UTC+8)"

    @property
    def line(self) -> str:
        return (
            f"导出人 {self.name} | 工号 {self.employee_no} | 时间 {self.local} | 导出编号 {self.number}"
            " | 内部资料 严禁外传"
        )

    @property
    def metadata(self) -> str:
        return (
            f"Baton 客户导出; 导出编号 {self.number}; 导出人 {self.name}; 工号 {self.employee_no}; "
            f"时间 {self.local}; 审计对象 exchange.exportrequest/{self.export_id}"
        )


def _when(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    return f"{value:%Y-%m-%d}"


@dataclass
class _Sheets:
    customers: list[list[Any]]
    contacts: list[list[Any]]
    revealed: list[Contact]


def _sheets(*, actor: Any, export: ExportRequest) -> _Sheets:
    """The rows of the file, read through the exporter's scope now (a customer that has left
    it since the request is left out); phones in clear only where the exporter may reveal."""
    scoped = customers_visible_to(user=actor, action="export").filter(pk__in=export.customers.values("pk"))
    current = Contact.objects.filter(removed_at__isnull=True).order_by("-is_primary", "name", "id")
    customers = list(scoped.prefetch_related(Prefetch("contacts", queryset=current)).order_by("name", "id"))
    reveal_ids = set(
        customers_visible_to(user=actor, action="reveal")
        .filter(pk__in=[c.pk for c in customers])
        .values_list("pk", flat=True)
    )
    revealed: list[Contact] = []

    def phone(contact: Contact, customer: Customer) -> str:
        if customer.pk in reveal_ids and contact.phone_encrypted:
            revealed.append(contact)
            return crypto.decrypt(contact.phone_encrypted, associated="contact.phone")
        return contact.phone_masked

    customer_rows, contact_rows = [], []
    for customer in customers:
        contacts = list(customer.contacts.all())
        main = contacts[0] if contacts else None
        owner = customer.owner
        customer_rows.append(
            [
                customer.name,
                customer.credit_code,
                CHINESE["region"].get(customer.region, customer.region),
                CHINESE["industry"].get(customer.industry, customer.industry),
                CHINESE["tier"].get(customer.tier, customer.tier),
                "是" if customer.is_key_account else "否",
                CHINESE["status"].get(customer.status, customer.status),
                customer.address,
                "、".join(str(t) for t in customer.tags or []),
                customer.source,
                customer.team.name if customer.team else "公海",
                owner.name if owner else "",
                owner.employee_no if owner else "",
                _when(customer.last_follow_up_at),
                _when(customer.last_order_at),
                main.name if main else "",
                main.title if main else "",
                phone(main, customer) if main else "",
                main.wechat_id if main else "",
                main.email if main else "",
            ]
        )
        for contact in contacts:
            contact_rows.append(
                [
                    customer.name,
                    customer.credit_code,
                    contact.name,
                    contact.title,
                    phone(contact, customer),
                    contact.wechat_id,
                    contact.email,
                    "是" if contact.is_primary else "否",
                ]
            )
    unique = list({c.pk: c for c in revealed}.values())
    return _Sheets(customers=customer_rows, contacts=contact_rows, revealed=unique)


def _xlsx(sheets: _Sheets, mark: Watermark) -> bytes:
    return watermarked_xlsx(
        mark=mark,
        sheets=[("客户", CUSTOMER_HEADERS, sheets.customers), ("联系人", CONTACT_HEADERS, sheets.contacts)],
        title="Baton 客户导出",
        subject="客户数据导出 (customer export)",
        keyword="baton-export",
    )


def _csv(sheets: _Sheets, mark: Watermark) -> bytes:
    out = io.StringIO()
    out.write(f"# {mark.line} | {mark.metadata}\r\n")
    writer = csv.writer(out)
    writer.writerow(CUSTOMER_HEADERS)
    for row in sheets.customers:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def export_file_name(export: ExportRequest) -> str:
    return f"customers-{export.number}.{export.format}"


def export_download(*, actor: Any, export: ExportRequest) -> ExportRequest:
    """Hand the requester their file (made at the first download, then kept). Each download is
    audited; making the file records every phone number shown in clear as a reveal."""
    export_blocked_check(user=actor)
    if export.requested_by_id != getattr(actor, "pk", None):
        raise NotFound()
    if export.status == ExportStatus.PENDING:
        raise InvalidInput(_("This export is waiting for approval."), code="export_pending")
    if export.status == ExportStatus.REJECTED:
        raise InvalidInput(_("This export was rejected."), code="export_rejected")
    with transaction.atomic():
        export = ExportRequest.objects.select_for_update().get(pk=export.pk)
        if not export.file:
            _generate(actor=actor, export=export)
        export.download_count += 1
        export.save(update_fields=["download_count"])
        audit_record(
            actor=actor,
            action="exchange.export_downloaded",
            target=export,
            changes={"export": export.number, "sha256": export.sha256, "download": export.download_count},
        )
    return export


def _generate(*, actor: Any, export: ExportRequest) -> None:
    employee = getattr(actor, "employee", None)
    now = clock.now()
    mark = Watermark(
        number=export.number,
        export_id=export.pk,
        employee_no=actor.employee_no,
        name=employee.name if employee is not None else actor.employee_no,
        moment=now,
    )
    sheets = _sheets(actor=actor, export=export)
    data = _xlsx(sheets, mark) if export.format == ExportFormat.XLSX else _csv(sheets, mark)
    export.file.save(f"{secrets.token_hex(16)}.{export.format}", ContentFile(data), save=False)
    export.sha256 = hashlib.sha256(data).hexdigest()
    export.size = len(data)
    export.generated_at = now
    export.revealed_count = len(sheets.revealed)
    export.save(update_fields=["file", "sha256", "size", "generated_at", "revealed_count"])
    audit_record(
        actor=actor,
        action="exchange.export_generated",
        target=export,
        changes={
            "export": export.number,
            "customers": len(sheets.customers),
            "contacts": len(sheets.contacts),
            "revealed": len(sheets.revealed),
            "sha256": export.sha256,
        },
    )
    audit_record_many(
        specs=[
            EventSpec(
                action="customers.contact_revealed",
                actor=actor,
                object_type="customers.contact",
                object_id=str(contact.pk),
                changes={"customer": contact.customer_id, "fields": ["phone"], "export": export.number},
            )
            for contact in sheets.revealed
        ]
    )
    # R8 counts the rows taken out, once per file (a second download of it adds nothing new).
    access_count(
        user=actor, kind=AccessKind.EXPORT_ROWS, amount=len(sheets.customers), company_id=export.company_id
    )
