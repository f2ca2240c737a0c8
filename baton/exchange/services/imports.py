"""Importing customer data from files: upload, dry run with a report, confirm.

The dry run imports the file for real, through the customers services and inside a
transaction that is then rolled back, so the report shows exactly what confirming will do:
per row *created*, *unchanged* (already in Baton), *queued* for review, or the (row, field,
error) entries that stop it. Confirming runs the same code again and keeps the result; when
errors remain, nothing is kept unless the uploader chose to skip bad rows (those the dry run
found are then not attempted again).

Re-importing a file changes nothing: customers are matched by credit code or normalised name
(``customer_duplicates``), contacts by phone hash (else WeChat ID, e-mail or name), orders by
order number, interactions by a ``source_ref`` derived from the row's content, and captured
records by their Message-ID or content hash.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from baton.audit.services import audit_record
from baton.core import clock, crypto
from baton.core.errors import InvalidInput
from baton.core.masking import mask_phone
from baton.customers.models import Contact, Customer, Interaction
from baton.customers.selectors import contacts_visible_to, customers_visible_to, orders_visible_to
from baton.customers.services import (
    contact_add,
    customer_create,
    customer_duplicates,
    interaction_record,
    order_create,
)
from baton.customers.services.customers import duplicate_error
from baton.customers.services.identity import normalize_name
from baton.exchange.models import (
    CAPTURE_KINDS,
    ImportBatch,
    ImportKind,
    ImportStatus,
    ReviewItem,
    ReviewReason,
)
from baton.exchange.parsers import capture
from baton.exchange.parsers import columns as col
from baton.exchange.parsers.files import MAX_ROWS, CheckedFile, RawRow, table_rows, upload_check
from baton.org.models import Employee
from baton.org.selectors import employees_visible_to

MAX_REPORT_ENTRIES = 1000
MAX_CONTENT = 20000


class RowFailed(Exception):
    """A row that cannot be imported; ``issues`` are (column, code, params, stored message)."""

    def __init__(self, issues: list[tuple[str, str, dict[str, Any], str]]) -> None:
        self.issues = issues
        super().__init__(f"{len(issues)} issue(s)")


@dataclass
class Outcome:
    """What one run over a file did (or, in a dry run, would do)."""

    rows: int = 0
    created: int = 0
    unchanged: int = 0
    queued: int = 0
    skipped: int = 0
    issues: list[dict[str, Any]] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)
    ignored_columns: list[str] = field(default_factory=list)

    def fail(self, row: int, issues: list[tuple[str, str, dict[str, Any], str]]) -> None:
        self.bad_rows.add(row)
        for column, code, params, stored in issues:
            message = col.error_message(code, params, stored)
            self.issues.append(
                {"row": row, "field": column, "code": code, "params": params, "message": message}
            )

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "unchanged": self.unchanged,
            "queued": self.queued,
            "skipped": self.skipped,
            "error_rows": len(self.bad_rows),
            "errors": len(self.issues),
            "ignored_columns": self.ignored_columns,
        }


@dataclass
class _Context:
    actor: Any
    batch: ImportBatch
    header: col.Header | None = None
    employees: dict[str, Employee | None] = field(default_factory=dict)
    customers: dict[tuple[str, str], Customer] = field(default_factory=dict)

    @property
    def company(self) -> Any:
        return self.batch.company

    def label(self, key: str) -> str:
        return col.column_label(self.header, key) if self.header is not None else key

    def employee(self, employee_no: str, column: str) -> Employee | None:
        """An employee by 工号, among those the importer may see."""
        if not employee_no:
            return None
        key = employee_no.upper()
        if key not in self.employees:
            self.employees[key] = (
                employees_visible_to(user=self.actor).filter(employee_no__iexact=employee_no).first()
            )
        found = self.employees[key]
        if found is None:
            raise RowFailed([(column, "employee_unknown", {"value": employee_no[:32]}, "")])
        return found


# --- Reading values ---------------------------------------------------------------------------


class _Row:
    """Cells of one row read into values; problems collected, raised together."""

    def __init__(self, ctx: _Context, values: dict[str, Any]) -> None:
        self.ctx = ctx
        self.values = values
        self.issues: list[tuple[str, str, dict[str, Any], str]] = []

    def get(self, key: str, parse: Callable[[Any], Any], default: Any = None) -> Any:
        if key not in self.values:
            return default
        try:
            return parse(self.values[key])
        except col.FieldError as exc:
            self.issues.append((self.ctx.label(key), exc.code, exc.params, ""))
            return default

    def check(self) -> None:
        if self.issues:
            raise RowFailed(self.issues)


def _text(max_length: int, required: bool = False) -> Callable[[Any], str]:
    return lambda value: col.text(value, max_length=max_length, required=required)


def _customer_of(ctx: _Context, row: _Row) -> Customer | None:
    """The customer a row names by credit code or name, among those the importer may change."""
    code = row.get("credit_code", col.credit_code, "")
    name = row.get("customer", _text(200), "")
    if not code and not name and not row.issues:
        row.issues.append((ctx.label("customer"), "required", {}, ""))
    if row.issues:
        return None
    key = (code, normalize_name(name))
    if key in ctx.customers:
        return ctx.customers[key]
    scoped = customers_visible_to(user=ctx.actor, action="change")
    found = list(scoped.filter(credit_code=code)[:2]) if code else []
    if not found and name:
        found = list(scoped.filter(normalized_name=normalize_name(name))[:2])
    column = ctx.label("credit_code" if code else "customer")
    if not found:
        row.issues.append((column, "customer_unknown", {}, ""))
        return None
    if len(found) > 1:
        row.issues.append((column, "customer_ambiguous", {}, ""))
        return None
    ctx.customers[key] = found[0]
    return found[0]


def _contact_of(
    customer: Customer, *, phone: str = "", wechat_id: str = "", email: str = "", name: str = ""
) -> Contact | None:
    """The customer's current contact with this phone (else WeChat ID, e-mail, or name)."""
    contacts = Contact.objects.filter(customer=customer, removed_at__isnull=True)
    if phone:
        return contacts.filter(phone_hash=crypto.keyed_hash(phone)).first()
    if wechat_id:
        return contacts.filter(wechat_id=wechat_id).first()
    if email:
        return contacts.filter(email=email).first()
    if name:
        return contacts.filter(name=name).first()
    return None


# --- One handler per kind of file: returns "created", "unchanged" or "queued" ------------------


def _customer_row(ctx: _Context, values: dict[str, Any]) -> str:
    row = _Row(ctx, values)
    name = row.get("name", _text(200, required=True), "")
    code = row.get("credit_code", col.credit_code, "")
    region = row.get("region", col.coded_region, "")
    industry = row.get("industry", col.coded_industry, "")
    tier = row.get("tier", col.coded_tier, "")
    status = row.get("status", col.coded_customer_status, "") or "prospect"
    key_account = row.get("is_key_account", col.boolean, False)
    address = row.get("address", _text(300), "")
    tags = row.get("tags", col.tags, [])
    source = row.get("source", _text(100), "")
    owner_no = row.get("owner", _text(32), "")
    contact = {
        "name": row.get("contact_name", _text(100), ""),
        "title": row.get("contact_title", _text(100), ""),
        "phone": row.get("contact_phone", col.phone, ""),
        "wechat_id": row.get("contact_wechat", _text(64), ""),
        "email": row.get("contact_email", col.email, ""),
    }
    has_contact = any(contact.values())
    if has_contact and not contact["name"]:
        row.issues.append((ctx.label("contact_name"), "required", {}, ""))
    row.check()
    owner = ctx.employee(owner_no, ctx.label("owner"))
    matches = customer_duplicates(company=ctx.company, name=name, credit_code=code)
    by_code = [m for m in matches if code and m.credit_code == code]
    candidates = by_code or matches
    if len(candidates) > 1:
        raise RowFailed([(ctx.label("name"), "customer_ambiguous", {}, "")])
    if candidates:
        existing = candidates[0]
        if code and existing.credit_code and existing.credit_code != code:
            raise RowFailed([(ctx.label("credit_code"), "credit_code_conflict", {}, "")])
        if not customers_visible_to(user=ctx.actor).filter(pk=existing.pk).exists():
            raise duplicate_error([existing])
        if not has_contact or _contact_of(existing, **_identity(contact)) is not None:
            return "unchanged"
        if not customers_visible_to(user=ctx.actor, action="change").filter(pk=existing.pk).exists():
            raise RowFailed([(ctx.label("contact_name"), "customer_unknown", {}, "")])
        contact_add(actor=ctx.actor, customer=existing, is_primary=False, **contact)
        return "created"
    customer_create(
        actor=ctx.actor,
        company=ctx.company,
        name=name,
        region=region,
        industry=industry,
        tier=tier,
        credit_code=code,
        is_key_account=key_account,
        address=address,
        status=status,
        tags=tags,
        source=source,
        owner=owner,
        contacts=[{**contact, "is_primary": True}] if has_contact else [],
    )
    return "created"


def _identity(contact: dict[str, Any]) -> dict[str, str]:
    return {k: contact.get(k) or "" for k in ("phone", "wechat_id", "email", "name")}


def _contact_row(ctx: _Context, values: dict[str, Any]) -> str:
    row = _Row(ctx, values)
    customer = _customer_of(ctx, row)
    contact = {
        "name": row.get("name", _text(100, required=True), ""),
        "title": row.get("title", _text(100), ""),
        "phone": row.get("phone", col.phone, ""),
        "wechat_id": row.get("wechat_id", _text(64), ""),
        "email": row.get("email", col.email, ""),
    }
    primary = row.get("is_primary", col.boolean, False)
    row.check()
    assert customer is not None
    if _contact_of(customer, **_identity(contact)) is not None:
        return "unchanged"
    contact_add(actor=ctx.actor, customer=customer, is_primary=primary, **contact)
    return "created"


def _interaction_row(ctx: _Context, values: dict[str, Any]) -> str:
    row = _Row(ctx, values)
    customer = _customer_of(ctx, row)
    contact_name = row.get("contact", _text(100), "")
    contact_phone = row.get("contact_phone", col.phone, "")
    channel = row.get("channel", col.coded_channel, "")
    occurred_at = row.get("occurred_at", col.moment)
    content = row.get("content", _text(MAX_CONTENT), "")
    direction = row.get("direction", col.coded_direction, "")
    duration = row.get("duration", col.duration)
    employee_no = row.get("employee", _text(32), "")
    next_step = row.get("next_step", _text(300), "")
    row.check()
    assert customer is not None
    contact = None
    if contact_name or contact_phone:
        contact = _contact_of(customer, phone=contact_phone, name=contact_name)
        if contact is None:
            column = ctx.label("contact_phone" if contact_phone else "contact")
            raise RowFailed([(column, "contact_unknown", {}, "")])
    employee = ctx.employee(employee_no, ctx.label("employee"))
    source_ref = (
        "row:"
        + crypto.keyed_hash(
            "|".join(
                str(v)
                for v in (
                    customer.pk,
                    contact.pk if contact else "",
                    channel,
                    occurred_at.isoformat() if occurred_at else "",
                    content,
                    direction,
                    duration,
                    employee_no.upper(),
                    next_step,
                )
            )
        )[:48]
    )
    _interaction, created = interaction_record(
        actor=ctx.actor,
        customer=customer,
        channel=channel,
        occurred_at=occurred_at,
        content=content,
        contact=contact,
        employee=employee,
        next_step=next_step,
        direction=direction,
        duration_seconds=duration,
        source_ref=source_ref,
    )
    return "created" if created else "unchanged"


def _order_row(ctx: _Context, values: dict[str, Any]) -> str:
    row = _Row(ctx, values)
    number = row.get("number", _text(40, required=True), "")
    customer = _customer_of(ctx, row)
    order_date = row.get("order_date", col.date)
    route_from = row.get("route_from", _text(50, required=True), "")
    route_to = row.get("route_to", _text(50, required=True), "")
    amount = row.get("amount", col.amount)
    cargo = row.get("cargo", _text(100), "")
    vehicle_type = row.get("vehicle_type", _text(50), "")
    status = row.get("status", col.coded_order_status, "") or "open"
    taken_by_no = row.get("taken_by", _text(32), "")
    row.check()
    assert customer is not None
    existing = orders_visible_to(user=ctx.actor).filter(number=number).first()
    if existing is not None:
        if existing.customer_id != customer.pk:
            raise RowFailed([(ctx.label("number"), "order_other_customer", {}, "")])
        return "unchanged"
    order_create(
        actor=ctx.actor,
        customer=customer,
        number=number,
        order_date=order_date,
        route_from=route_from,
        route_to=route_to,
        amount=amount,
        cargo=cargo,
        vehicle_type=vehicle_type,
        status=status,
        taken_by=ctx.employee(taken_by_no, ctx.label("taken_by")),
    )
    return "created"


TABLE_HANDLERS: dict[str, Callable[[_Context, dict[str, Any]], str]] = {
    ImportKind.CUSTOMERS: _customer_row,
    ImportKind.CONTACTS: _contact_row,
    ImportKind.INTERACTIONS: _interaction_row,
    ImportKind.ORDERS: _order_row,
}


# --- Capture channels -------------------------------------------------------------------------


def _capture_employee(ctx: _Context, record: capture.CaptureRecord, direction: str) -> Employee | None:
    """Who on our side took part: the call log's 工号, the e-mail address on our side, or the
    chat sender's name (when exactly one employee the importer may see has it)."""
    if record.channel == "call":
        return ctx.employee(record.employee_no, ctx.label("employee"))
    people = employees_visible_to(user=ctx.actor)
    if record.channel == "email":
        ours = (
            [a for a in record.emails if a not in record.from_emails]
            if direction == "in"
            else record.from_emails
        )
        return people.filter(email__in=ours).first() if ours else None
    if direction == "out" and record.sender:
        found = list(people.filter(name=record.sender)[:2])
        return found[0] if len(found) == 1 else None
    return None


def _direction(record: capture.CaptureRecord, contact: Contact) -> str:
    if record.channel == "call":
        return record.direction
    if record.channel == "email":
        return "in" if contact.email and contact.email in record.from_emails else "out"
    by_id = record.sender_wechat and record.sender_wechat == contact.wechat_id
    return "in" if by_id or record.sender == contact.name else "out"


def _capture_row(ctx: _Context, record: capture.CaptureRecord) -> str:
    if record.errors:
        raise RowFailed([(column, code, params, "") for column, code, params in record.errors])
    if record.occurred_at is None:
        raise RowFailed([("time", "no_time", {}, "")])
    known = Interaction.objects.filter(channel=record.channel, source_ref=record.source_ref).exists()
    if known or ReviewItem.objects.filter(channel=record.channel, source_ref=record.source_ref).exists():
        return "unchanged"
    match = Q(pk__in=[])
    if record.phones:
        match |= Q(phone_hash__in=[crypto.keyed_hash(p) for p in record.phones])
    if record.emails:
        match |= Q(email__in=record.emails)
    if record.wechat_ids:
        match |= Q(wechat_id__in=record.wechat_ids)
    contacts = list(
        contacts_visible_to(user=ctx.actor, action="change")
        .filter(removed_at__isnull=True)
        .filter(match)
        .order_by("-is_primary", "id")
    )
    if len({c.customer_id for c in contacts}) == 1:
        contact = _best_contact(record, contacts)
        direction = _direction(record, contact)
        _interaction, created = interaction_record(
            actor=ctx.actor,
            customer=contact.customer,
            channel=record.channel,
            occurred_at=record.occurred_at,
            content=record.content,
            contact=contact,
            employee=_capture_employee(ctx, record, direction),
            direction=direction,
            duration_seconds=record.duration_seconds,
            source_ref=record.source_ref,
        )
        return "created" if created else "unchanged"
    employee = _capture_employee(ctx, record, "in") if record.channel == "call" else None
    _review_item_queue(
        ctx, record, reason=ReviewReason.AMBIGUOUS if contacts else ReviewReason.UNMATCHED, employee=employee
    )
    return "queued"


def _best_contact(record: capture.CaptureRecord, contacts: list[Contact]) -> Contact:
    """Of several contacts of one customer, the one matched on the sender (else the first)."""
    for contact in contacts:
        if record.sender_wechat and contact.wechat_id == record.sender_wechat:
            return contact
        if contact.email and contact.email in record.from_emails:
            return contact
    return contacts[0]


def _review_item_queue(
    ctx: _Context, record: capture.CaptureRecord, *, reason: str, employee: Employee | None
) -> ReviewItem:
    """Put a record that matched no contact (or several customers) in the review queue."""
    assert record.occurred_at is not None
    phone = record.phones[0] if record.phones else ""
    employee_addresses = (
        set(
            employees_visible_to(user=ctx.actor)
            .filter(email__in=record.emails)
            .values_list("email", flat=True)
        )
        if record.emails
        else set()
    )
    outside = [a for a in record.emails if a not in employee_addresses]
    item = ReviewItem.objects.create(
        batch=ctx.batch,
        row=record.row,
        channel=record.channel,
        source_ref=record.source_ref,
        occurred_at=record.occurred_at,
        direction=record.direction,
        duration_seconds=record.duration_seconds,
        content=record.content,
        sender=record.sender,
        phone_encrypted=crypto.encrypt(phone, associated="exchange.review_phone") if phone else "",
        phone_hash=crypto.keyed_hash(phone) if phone else "",
        phone_masked=mask_phone(phone) if phone else "",
        email=(outside or list(record.emails) or [""])[0][:254],
        wechat_id=(record.wechat_ids or ("",))[0][:64],
        employee=employee,
        reason=reason,
        created_at=clock.now(),
    )
    audit_record(
        actor=ctx.actor,
        action="exchange.review_item_queued",
        target=item,
        changes={
            "batch": ctx.batch.pk,
            "channel": record.channel,
            "reason": reason,
            "phone": item.phone_masked,
            "source_ref": record.source_ref,
        },
    )
    return item


# --- Running a file -------------------------------------------------------------------------


def _service_issues(exc: InvalidInput, ctx: _Context) -> list[tuple[str, str, dict[str, Any], str]]:
    """A customers service's refusal as report entries (its message is already translated)."""
    names = {"phone": "contact_phone", "wechat_id": "contact_wechat", "email": "contact_email"}
    if exc.code != "invalid" or not exc.fields:
        first = next(iter(exc.fields), "")
        key = names.get(first, first) if ctx.batch.kind == ImportKind.CUSTOMERS else first
        return [(ctx.label(key) if key else "", exc.code, {}, str(exc.message))]
    issues: list[tuple[str, str, dict[str, Any], str]] = []
    for name, messages in exc.fields.items():
        key = names.get(name, name) if ctx.batch.kind == ImportKind.CUSTOMERS else name
        issues.extend((ctx.label(key), exc.code, {}, str(m)) for m in messages)
    return issues


@dataclass
class _Parsed:
    header: col.Header | None
    rows: list[RawRow]
    records: list[capture.CaptureRecord]

    @property
    def count(self) -> int:
        return len(self.records) if self.header is None or self.records else len(self.rows)


def _parse(kind: str, checked: CheckedFile) -> _Parsed:
    """Read the file's rows or records; a file-level problem is a 400 for the whole upload."""
    try:
        if kind in TABLE_HANDLERS:
            rows = table_rows(checked)
            header = col.header_find(rows, kind)
            parsed = _Parsed(header=header, rows=[r for r in rows if r.number > header.row], records=[])
        elif kind == ImportKind.CALL_LOG:
            header, records = capture.parse_call_log(checked)
            parsed = _Parsed(header=header, rows=[], records=records)
        elif kind == ImportKind.EMAIL:
            records = (
                capture.parse_mbox(checked) if checked.extension == ".mbox" else capture.parse_eml(checked)
            )
            parsed = _Parsed(header=None, rows=[], records=records)
        else:
            parsed = _Parsed(header=None, rows=[], records=capture.parse_wechat(checked))
    except col.HeaderError as exc:
        message = col.required_message(exc.missing)
        raise InvalidInput(message, code="missing_columns", fields={"file": [message]}) from exc
    count = len(parsed.rows) + len(parsed.records)
    if count > MAX_ROWS:
        message = _("The file has more than %(max)d rows; split it.") % {"max": MAX_ROWS}
        raise InvalidInput(message, code="too_many_rows", fields={"file": [message]})
    if count == 0:
        message = _("The file holds no rows to import.")
        raise InvalidInput(message, code="file_empty", fields={"file": [message]})
    return parsed


def _run(*, actor: Any, batch: ImportBatch, parsed: _Parsed, skip_rows: set[int]) -> Outcome:
    """Import every row, each in its own savepoint: a bad row leaves nothing behind."""
    ctx = _Context(actor=actor, batch=batch, header=parsed.header)
    outcome = Outcome(ignored_columns=parsed.header.ignored if parsed.header else [])
    items: list[tuple[int, Callable[[], str]]]
    if batch.kind in TABLE_HANDLERS:
        assert parsed.header is not None
        handler, header = TABLE_HANDLERS[batch.kind], parsed.header
        items = [(row.number, partial(handler, ctx, col.record_of(row, header))) for row in parsed.rows]
    else:
        items = [(r.row, partial(_capture_row, ctx, r)) for r in parsed.records]
    for number, run_one in items:
        outcome.rows += 1
        if number in skip_rows:
            outcome.skipped += 1
            continue
        try:
            with transaction.atomic():
                result = run_one()
        except RowFailed as exc:
            outcome.fail(number, exc.issues)
            continue
        except InvalidInput as exc:
            outcome.fail(number, _service_issues(exc, ctx))
            continue
        if result == "created":
            outcome.created += 1
        elif result == "queued":
            outcome.queued += 1
        else:
            outcome.unchanged += 1
    return outcome


def _stored_file(batch: ImportBatch) -> CheckedFile:
    with batch.file.open("rb") as handle:
        data = handle.read()
    checked = upload_check(name=batch.original_name, data=data, kind=batch.kind)
    if checked.sha256 != batch.sha256:
        raise InvalidInput(_("The stored file has changed since it was uploaded."), code="file_changed")
    return checked


def _company_of(actor: Any) -> Any:
    employee = getattr(actor, "employee", None)
    if employee is None:
        raise InvalidInput(_("Imports need a login that belongs to an employee."), code="no_company")
    return employee.company


def _report(outcome: Outcome, earlier: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    entries = (earlier or []) + outcome.issues
    entries.sort(key=lambda e: (e["row"], e["field"]))
    return entries[:MAX_REPORT_ENTRIES]


def import_upload(*, actor: Any, kind: str, name: str, data: bytes) -> ImportBatch:
    """Take an import file: check it (type, content, size, rows, columns), keep it outside the
    web root with its SHA-256, and run the dry run. Nothing of the file's data is written."""
    checked = upload_check(name=name, data=data, kind=kind)
    company = _company_of(actor)
    _parse(kind, checked)
    with transaction.atomic():
        batch = ImportBatch(
            company=company,
            kind=kind,
            status=ImportStatus.CHECKED,
            original_name=(name or "")[-200:],
            content_type=checked.content_type,
            encoding=checked.encoding,
            size=len(data),
            sha256=checked.sha256,
            uploaded_by=actor,
            uploaded_at=clock.now(),
        )
        # A random name on disk: the uploader's file name never becomes a path.
        batch.file.save(f"{uuid.uuid4().hex}{checked.extension}", ContentFile(data), save=False)
        batch.save()
        audit_record(
            actor=actor,
            action="exchange.import_uploaded",
            target=batch,
            changes={"kind": kind, "name": batch.original_name, "size": batch.size, "sha256": batch.sha256},
        )
    return import_check(actor=actor, batch=batch)


def import_check(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """The dry run: import inside a transaction that is rolled back, and keep the report."""
    if batch.status != ImportStatus.CHECKED:
        raise InvalidInput(_("This file has been imported already."), code="invalid_transition")
    parsed = _parse(batch.kind, _stored_file(batch))
    with transaction.atomic():
        outcome = _run(actor=actor, batch=batch, parsed=parsed, skip_rows=set())
        transaction.set_rollback(True)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        batch.row_count = outcome.rows
        batch.report = _report(outcome)
        batch.summary = outcome.summary()
        batch.checked_at = clock.now()
        batch.save(update_fields=["row_count", "report", "summary", "checked_at"])
        audit_record(
            actor=actor, action="exchange.import_checked", target=batch, changes=_audit_summary(outcome)
        )
    return batch


def _audit_summary(outcome: Outcome) -> dict[str, Any]:
    codes: dict[str, int] = {}
    for issue in outcome.issues:
        codes[issue["code"]] = codes.get(issue["code"], 0) + 1
    return {**{k: v for k, v in outcome.summary().items() if k != "ignored_columns"}, "error_codes": codes}


def import_confirm(*, actor: Any, batch: ImportBatch, skip_bad_rows: bool = False) -> ImportBatch:
    """Import the checked file for real. With errors left and ``skip_bad_rows`` not chosen,
    nothing is written (``import_has_errors``); with it, the rows the dry run refused are left
    out and any row that fails now is left out too."""
    parsed = _parse(batch.kind, _stored_file(batch))
    refused = False
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportStatus.CHECKED:
            raise InvalidInput(_("This file has been imported already."), code="invalid_transition")
        if batch.report and not skip_bad_rows:
            refused = True
        else:
            earlier = [e for e in batch.report if e["row"]]
            skip = {e["row"] for e in earlier} if skip_bad_rows else set()
            with transaction.atomic():
                outcome = _run(actor=actor, batch=batch, parsed=parsed, skip_rows=skip)
                refused = bool(outcome.issues) and not skip_bad_rows
                if refused:
                    transaction.set_rollback(True)
            batch.report = _report(outcome, earlier if skip_bad_rows else None)
            rows_with_errors = {e["row"] for e in batch.report}
            batch.summary = {
                **outcome.summary(),
                "errors": len(batch.report),
                "error_rows": len(rows_with_errors),
            }
            batch.skip_bad_rows = skip_bad_rows
            if not refused:
                batch.status = ImportStatus.IMPORTED
                batch.imported_at = clock.now()
            batch.save(update_fields=["report", "summary", "skip_bad_rows", "status", "imported_at"])
            audit_record(
                actor=actor,
                action="exchange.import_confirmed" if not refused else "exchange.import_refused",
                target=batch,
                changes={**_audit_summary(outcome), "skip_bad_rows": skip_bad_rows},
            )
    if refused:
        raise InvalidInput(
            _("The file still has errors; correct them, or choose to skip the bad rows."),
            code="import_has_errors",
        )
    return batch


def import_is_capture(batch: ImportBatch) -> bool:
    return batch.kind in CAPTURE_KINDS
