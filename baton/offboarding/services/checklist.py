"""The handover checklist: templates, the items of a case, their evidence and the system checks.

Items that data can prove (every customer confirmed, every open order confirmed, a follow-up in
the last 30 days for every customer) are checked by the system, never ticked by hand. Files are
checked by content, stored outside the web root and kept with their SHA-256.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from baton.audit.services import audit_record
from baton.core import clock, uploads
from baton.core.errors import Conflict, Forbidden, InvalidInput
from baton.customers.models import Customer, Interaction, Order
from baton.customers.models.commerce import OPEN_ORDER_STATUSES
from baton.offboarding.models import (
    ChecklistTemplate,
    ChecklistTemplateItem,
    Evidence,
    HandoverConfirmation,
    HandoverEvidence,
    HandoverItem,
    ItemStatus,
    OffboardingCase,
    SystemCheck,
    Verifier,
)
from baton.offboarding.people import department_head_of, holds_role, team_lead_of
from baton.offboarding.services.refusals import Refusal, atomic_with_refusals
from baton.offboarding.templates_data import DEFAULT_SIGN_OFF, GENERAL_ITEMS, SALES_ITEMS
from baton.org.models import Employee

EVIDENCE_KINDS = (*uploads.DOCUMENTS, "text", "mp3", "m4a", "amr")
MIN_STATEMENT = 20
FOLLOW_UP_DAYS = 30
DUE_HOUR = 18  # items fall due at 18:00 Asia/Shanghai on their day


def templates_install_defaults(*, company_id: int) -> list[ChecklistTemplate]:
    """Give a company the sales template (10 items) and a general one, unless it has templates."""
    existing = list(ChecklistTemplate.objects.filter(company_id=company_id))
    if existing:
        return existing
    with transaction.atomic():
        made = []
        for name, for_sales, is_default, items in (
            ("销售岗位离职交接", True, False, SALES_ITEMS),
            ("通用离职交接", False, True, GENERAL_ITEMS),
        ):
            template = ChecklistTemplate.objects.create(
                company_id=company_id,
                name=name,
                for_sales=for_sales,
                is_default=is_default,
                approval_order=[str(r) for r in DEFAULT_SIGN_OFF],
            )
            ChecklistTemplateItem.objects.bulk_create(
                ChecklistTemplateItem(
                    template=template,
                    code=code,
                    title=title,
                    description=description,
                    position=i,
                    evidence=evidence,
                    system_check=check,
                    verifier=verifier,
                    due_offset_days=offset,
                )
                for i, (code, title, description, evidence, check, verifier, offset) in enumerate(items)
            )
            made.append(template)
        audit_record(
            actor=None,
            actor_label="system",
            action="offboarding.templates_installed",
            object_type="org.company",
            object_id=str(company_id),
            changes={"templates": [t.name for t in made]},
        )
    return made


def template_for(employee: Employee) -> ChecklistTemplate | None:
    """The template for the employee's position; else the sales one for sales people; else the default."""
    templates = templates_install_defaults(company_id=employee.company_id)
    if employee.position_id:
        by_position = ChecklistTemplate.objects.filter(
            company_id=employee.company_id, positions=employee.position_id
        ).first()
        if by_position is not None:
            return by_position
    is_sales = bool(
        (employee.team_id and employee.team is not None and employee.team.is_sales)
        or (employee.position_id and employee.position is not None and employee.position.is_sales)
    )
    for template in templates:
        if (is_sales and template.for_sales) or (not is_sales and template.is_default):
            return template
    return templates[0] if templates else None


def item_due(*, last_working_day: dt.date, offset_days: int, today: dt.date) -> dt.datetime:
    day = max(last_working_day - dt.timedelta(days=offset_days), min(today, last_working_day))
    return clock.local_moment(day, DUE_HOUR)


def items_create(*, case: OffboardingCase, template: ChecklistTemplate | None) -> list[HandoverItem]:
    """Copy the template's items into the case, each with its due time."""
    if template is None:
        return []
    today = clock.local_date(clock.now())
    return HandoverItem.objects.bulk_create(
        HandoverItem(
            case=case,
            code=t.code,
            title=t.title,
            description=t.description,
            position=t.position,
            evidence=t.evidence,
            system_check=t.system_check,
            verifier=t.verifier,
            required=t.required,
            due_at=item_due(
                last_working_day=case.last_working_day, offset_days=t.due_offset_days, today=today
            ),
        )
        for t in template.items.all()
    )


# --- who may complete an item ---------------------------------------------------------------


def may_complete(*, actor: Any, item: HandoverItem) -> bool:
    """The leaver completes their own items (HR on their behalf once their access has ended);
    the team lead, department head, HR or finance complete theirs."""
    case = item.case
    employee = getattr(actor, "employee", None)
    employee_id = employee.pk if employee is not None else None
    leaver = case.employee
    if item.verifier == Verifier.LEAVER:
        if case.access_ended_at is None:
            return employee_id == leaver.pk
        return holds_role(actor, "hr")
    if employee_id == leaver.pk:
        return False
    if item.verifier == Verifier.TEAM_LEAD:
        lead, head = team_lead_of(leaver), department_head_of(leaver)
        return employee_id is not None and employee_id in {
            getattr(lead, "pk", None),
            getattr(head, "pk", None),
        }
    if item.verifier == Verifier.DEPARTMENT_HEAD:
        head = department_head_of(leaver)
        return head is not None and employee_id == head.pk
    return holds_role(actor, str(item.verifier))


def _require_open_item(*, actor: Any, item: HandoverItem) -> None:
    from baton.offboarding.models import CaseStatus

    if item.case.status != CaseStatus.HANDOVER:
        raise Conflict(
            _("The checklist can only change while the handover is in progress (now: %(status)s).")
            % {"status": item.case.get_status_display()},
            code="wrong_case_state",
        )
    if not may_complete(actor=actor, item=item):
        raise Refusal(
            Forbidden(
                _("This item is completed by: %(who)s.") % {"who": item.get_verifier_display()},
                code="not_your_item",
            ),
            actor=actor,
            action="offboarding.item_refused",
            target=item,
            changes={"case": item.case_id, "verifier": item.verifier},
        )


# --- system checks ----------------------------------------------------------------------------


def check_item(*, item: HandoverItem, now: dt.datetime | None = None) -> dict[str, Any]:
    """Run the item's system check: ``{"ok": bool, "missing": [names], "missing_count": n}``."""
    leaver_id = item.case.employee_id
    missing: list[str] = []
    if item.system_check == SystemCheck.CUSTOMERS_CONFIRMED:
        confirmed = HandoverConfirmation.objects.filter(item=item, customer__isnull=False).values(
            "customer_id"
        )
        missing = list(
            Customer.objects.filter(owner_id=leaver_id)
            .exclude(pk__in=confirmed)
            .order_by("name")
            .values_list("name", flat=True)
        )
    elif item.system_check == SystemCheck.OPEN_ORDERS_CONFIRMED:
        confirmed_orders = HandoverConfirmation.objects.filter(item=item, order__isnull=False).values(
            "order_id"
        )
        missing = list(
            Order.objects.filter(customer__owner_id=leaver_id, status__in=OPEN_ORDER_STATUSES)
            .exclude(pk__in=confirmed_orders)
            .order_by("number")
            .values_list("number", flat=True)
        )
    elif item.system_check == SystemCheck.RECENT_FOLLOW_UPS:
        since = (now or clock.now()) - dt.timedelta(days=FOLLOW_UP_DAYS)
        recent = Interaction.objects.filter(occurred_at__gte=since).values("customer_id")
        uploaded = HandoverEvidence.customers.through.objects.filter(handoverevidence__item=item).values(
            "customer_id"
        )
        missing = list(
            Customer.objects.filter(owner_id=leaver_id)
            .exclude(pk__in=recent)
            .exclude(pk__in=uploaded)
            .order_by("name")
            .values_list("name", flat=True)
        )
    return {"ok": not missing, "missing": missing[:20], "missing_count": len(missing)}


def _mark_done(*, actor: Any, item: HandoverItem, result: dict[str, Any] | None = None) -> None:
    item.status = ItemStatus.DONE
    item.completed_at = clock.now()
    item.completed_by = actor if getattr(actor, "pk", None) else None
    item.system_result = result or {}
    item.save(update_fields=["status", "completed_at", "completed_by", "system_result", "statement"])
    audit_record(
        actor=actor,
        action="offboarding.item_completed",
        target=item,
        changes={
            "case": item.case_id,
            "code": item.code,
            "files": [f.sha256 for f in item.files.all()],
            "system_result": result or {},
        },
    )
    from baton.offboarding.services.signoff import case_progress

    case_progress(case=item.case)


def _refresh_system_item(*, actor: Any, item: HandoverItem) -> dict[str, Any]:
    result = check_item(item=item)
    if result["ok"] and item.status != ItemStatus.DONE:
        _mark_done(actor=actor, item=item, result=result)
    elif not result["ok"]:
        HandoverItem.objects.filter(pk=item.pk).update(system_result=result)
    return result


def _locked_item(item: HandoverItem) -> HandoverItem:
    OffboardingCase.objects.select_for_update().filter(pk=item.case_id).first()
    return HandoverItem.objects.select_related("case", "case__employee").get(pk=item.pk)


def _store_files(
    *,
    actor: Any,
    item: HandoverItem,
    checked: list[uploads.CheckedUpload],
    customers: list[int] | None = None,
) -> None:
    now = clock.now()
    for upload in checked:
        evidence = HandoverEvidence(
            item=item,
            name=upload.name,
            content_type=upload.kind.content_type,
            size=upload.size,
            sha256=upload.sha256,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
            uploaded_at=now,
        )
        evidence.file.name = uploads.store(upload, folder="handover")
        evidence.save()
        if customers:
            evidence.customers.set(customers)
        audit_record(
            actor=actor,
            action="offboarding.evidence_uploaded",
            target=evidence,
            changes={
                "case": item.case_id,
                "item": item.code,
                "customers": customers or [],
                "sha256": upload.sha256,
                "size": upload.size,
            },
        )


def handover_item_complete(
    *, actor: Any, item: HandoverItem, statement: str = "", files: list[Any] | None = None
) -> HandoverItem:
    """Complete an item with its evidence: a statement, files, a confirmation, or the system check.

    Every file is checked before anything is written, so a refused upload loses nothing.
    """
    checked = [uploads.check_upload(f, allowed=EVIDENCE_KINDS) for f in (files or [])]
    statement = (statement or "").strip()
    with atomic_with_refusals():
        item = _locked_item(item)
        _require_open_item(actor=actor, item=item)
        if item.status == ItemStatus.DONE:
            raise Conflict(_("This item is done already."), code="item_done")
        if item.evidence == Evidence.TEXT and len(statement) < MIN_STATEMENT:
            raise InvalidInput(
                fields={"statement": [_("Write at least %(n)d characters.") % {"n": MIN_STATEMENT}]},
                code="evidence_missing",
            )
        if item.evidence == Evidence.FILE and not checked and not item.files.exists():
            raise InvalidInput(fields={"files": [_("Upload the evidence file.")]}, code="evidence_missing")
        if checked:
            _store_files(actor=actor, item=item, checked=checked)
        if statement:
            item.statement = statement[:5000]
        if item.evidence == Evidence.SYSTEM:
            item.save(update_fields=["statement"])
            result = _refresh_system_item(actor=actor, item=item)
            if not result["ok"]:
                raise_check_failed(result)
        else:
            _mark_done(actor=actor, item=item)
    return item


def raise_check_failed(result: dict[str, Any]) -> None:
    names = "、".join(result["missing"][:10])
    raise InvalidInput(
        _("The system check is not met yet: %(n)d still missing (%(names)s).")
        % {"n": result["missing_count"], "names": names},
        code="check_failed",
        fields={"missing": list(result["missing"])},
    )


def _system_item(*, actor: Any, item: HandoverItem, check: str) -> HandoverItem:
    item = _locked_item(item)
    _require_open_item(actor=actor, item=item)
    if item.system_check != check:
        raise InvalidInput(_("This item does not take these confirmations."), code="wrong_item")
    return item


def customers_confirm(
    *, actor: Any, item: HandoverItem, customer_ids: list[int], note: str = ""
) -> dict[str, Any]:
    """The leaver confirms customers on the system-generated list; the item completes itself
    once every owned customer is confirmed."""
    with atomic_with_refusals():
        item = _system_item(actor=actor, item=item, check=SystemCheck.CUSTOMERS_CONFIRMED)
        owned = set(
            Customer.objects.filter(owner_id=item.case.employee_id, pk__in=customer_ids).values_list(
                "pk", flat=True
            )
        )
        unknown = sorted(set(customer_ids) - owned)
        if unknown or not customer_ids:
            raise InvalidInput(fields={"customers": [_("Choose customers on the list.")]}, code="not_on_list")
        now = clock.now()
        HandoverConfirmation.objects.bulk_create(
            [
                HandoverConfirmation(
                    item=item, customer_id=pk, note=note[:500], confirmed_by=actor, confirmed_at=now
                )
                for pk in sorted(owned)
            ],
            ignore_conflicts=True,
        )
        audit_record(
            actor=actor,
            action="offboarding.customers_confirmed",
            target=item,
            changes={"case": item.case_id, "customers": sorted(owned)},
        )
        return _refresh_system_item(actor=actor, item=item)


def orders_confirm(*, actor: Any, item: HandoverItem, order_ids: list[int], note: str = "") -> dict[str, Any]:
    """The leaver confirms the state of open orders; the item completes itself when none is left."""
    with atomic_with_refusals():
        item = _system_item(actor=actor, item=item, check=SystemCheck.OPEN_ORDERS_CONFIRMED)
        found = set(
            Order.objects.filter(
                customer__owner_id=item.case.employee_id, status__in=OPEN_ORDER_STATUSES, pk__in=order_ids
            ).values_list("pk", flat=True)
        )
        if not order_ids or set(order_ids) - found:
            raise InvalidInput(fields={"orders": [_("Choose open orders on the list.")]}, code="not_on_list")
        now = clock.now()
        HandoverConfirmation.objects.bulk_create(
            [
                HandoverConfirmation(
                    item=item, order_id=pk, note=note[:500], confirmed_by=actor, confirmed_at=now
                )
                for pk in sorted(found)
            ],
            ignore_conflicts=True,
        )
        audit_record(
            actor=actor,
            action="offboarding.orders_confirmed",
            target=item,
            changes={"case": item.case_id, "orders": sorted(found)},
        )
        return _refresh_system_item(actor=actor, item=item)


def follow_up_upload(
    *, actor: Any, item: HandoverItem, customer_ids: list[int], upload: Any
) -> dict[str, Any]:
    """Upload a follow-up record covering customers without a recent interaction (one file may
    cover several customers, e.g. a visit report)."""
    checked = uploads.check_upload(upload, allowed=EVIDENCE_KINDS)
    with atomic_with_refusals():
        item = _system_item(actor=actor, item=item, check=SystemCheck.RECENT_FOLLOW_UPS)
        found = set(
            Customer.objects.filter(owner_id=item.case.employee_id, pk__in=customer_ids).values_list(
                "pk", flat=True
            )
        )
        if not customer_ids or set(customer_ids) - found:
            raise InvalidInput(fields={"customers": [_("Choose customers on the list.")]}, code="not_on_list")
        _store_files(actor=actor, item=item, checked=[checked], customers=sorted(found))
        return _refresh_system_item(actor=actor, item=item)


def items_reopen(*, actor: Any, case: OffboardingCase, item_ids: list[int], note: str) -> list[HandoverItem]:
    """Send named items back to the leaver or verifier (a sign-off rejection)."""
    items = list(HandoverItem.objects.filter(case=case, pk__in=item_ids))
    if not item_ids or len(items) != len(set(item_ids)):
        raise InvalidInput(fields={"items": [_("Name the items to redo.")]}, code="items_required")
    HandoverItem.objects.filter(pk__in=[i.pk for i in items]).update(
        status=ItemStatus.REOPENED, completed_at=None, completed_by=None, reopen_note=note[:500]
    )
    audit_record(
        actor=actor,
        action="offboarding.items_reopened",
        target=case,
        changes={"items": [i.code for i in items], "note": note},
    )
    return items
