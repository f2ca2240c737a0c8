"""Editing the handover checklist templates and the company's offboarding settings (HR).

A case copies its template's items when it opens, so an edit here changes the cases opened
from now on and never a case already under way.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from baton.audit.services import audit_record, diff, snapshot
from baton.authz.selectors import user_can
from baton.core.errors import Forbidden, InvalidInput
from baton.offboarding.models import (
    ApprovalMode,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Evidence,
    OffboardingPolicy,
    SignOffRole,
    SystemCheck,
    Verifier,
)

ITEM_FIELDS = ("title", "description", "evidence", "system_check", "verifier", "due_offset_days", "required")
TEMPLATE_FIELDS = ("name", "approval_mode", "approval_order")
MAX_DUE_OFFSET = 90
# (field, smallest, largest) of the whole-number settings.
POLICY_RANGES: dict[str, tuple[int, int]] = {
    "notice_days": (0, 365),
    "probation_notice_days": (0, 365),
    "revisit_top_n": (0, 100),
    "revisit_due_days": (1, 365),
    "reminder_period_hours": (1, 720),
    "escalate_after_hours": (1, 2160),
}
POLICY_FIELDS = (*POLICY_RANGES, "full_freeze")


def _require_editor(actor: Any, *, company_id: int) -> None:
    """Only someone who may change templates, in the template's own company."""
    employee = getattr(actor, "employee", None)
    same_company = employee is not None and employee.company_id == company_id
    if not (same_company and user_can(user=actor, resource="offboarding_template", action="change")):
        audit_record(
            actor=actor,
            action="offboarding.template_refused",
            object_type="org.company",
            object_id=str(company_id),
            result="denied",
        )
        raise Forbidden()


def _choice(value: Any, choices: Any, field: str, errors: dict[str, list[Any]]) -> str:
    value = "" if value is None else str(value)
    if value not in choices.values:
        errors.setdefault(field, []).append(_("Choose one of the listed values."))
    return value


def _whole(value: Any, low: int, high: int, field: str, errors: dict[str, list[Any]]) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.setdefault(field, []).append(_("Enter a whole number."))
        return 0
    if not low <= number <= high:
        errors.setdefault(field, []).append(
            _("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high}
        )
    return number


def _item_values(values: dict[str, Any]) -> dict[str, Any]:
    """The item's fields, checked together: a system-checked item names its check, others none."""
    errors: dict[str, list[Any]] = {}
    title = str(values.get("title") or "").strip()
    if not title:
        errors["title"] = [_("This field is required.")]
    elif len(title) > 100:
        errors["title"] = [_("At most %(n)d characters.") % {"n": 100}]
    description = str(values.get("description") or "").strip()
    if len(description) > 300:
        errors["description"] = [_("At most %(n)d characters.") % {"n": 300}]
    evidence = _choice(values.get("evidence"), Evidence, "evidence", errors)
    system_check = _choice(values.get("system_check") or "", SystemCheck, "system_check", errors)
    if evidence == Evidence.SYSTEM and not system_check:
        errors.setdefault("system_check", []).append(_("Choose what the system checks."))
    if evidence != Evidence.SYSTEM and system_check:
        errors.setdefault("system_check", []).append(
            _("Only items checked by the system take a system check.")
        )
    verifier = _choice(values.get("verifier"), Verifier, "verifier", errors)
    offset = _whole(values.get("due_offset_days"), 0, MAX_DUE_OFFSET, "due_offset_days", errors)
    if errors:
        raise InvalidInput(fields=errors)
    return {
        "title": title,
        "description": description,
        "evidence": evidence,
        "system_check": system_check,
        "verifier": verifier,
        "due_offset_days": offset,
        "required": bool(values.get("required")),
    }


def _next_code(template: ChecklistTemplate) -> str:
    taken = set(template.items.values_list("code", flat=True))
    n = len(taken) + 1
    while f"item-{n}" in taken:
        n += 1
    return f"item-{n}"


def template_item_create(*, actor: Any, template: ChecklistTemplate, **values: Any) -> ChecklistTemplateItem:
    """Add an item at the end of the template; cases opened from now on get it."""
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise InvalidInput(fields={n: [_("This field cannot be changed here.")] for n in sorted(unknown)})
    _require_editor(actor, company_id=template.company_id)
    clean = _item_values(values)
    with transaction.atomic():
        template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
        last = template.items.aggregate(last=Max("position"))["last"]
        item = ChecklistTemplateItem.objects.create(
            template=template,
            code=_next_code(template),
            position=0 if last is None else last + 1,
            **clean,
        )
        audit_record(
            actor=actor,
            action="offboarding.template_item_created",
            target=item,
            changes={"template": template.pk, **clean},
        )
    return item


def template_item_update(*, actor: Any, item: ChecklistTemplateItem, **changes: Any) -> ChecklistTemplateItem:
    """Change an item of the template (cases already opened keep their copy)."""
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise InvalidInput(fields={n: [_("This field cannot be changed here.")] for n in sorted(unknown)})
    _require_editor(actor, company_id=item.template.company_id)
    with transaction.atomic():
        item = ChecklistTemplateItem.objects.select_for_update().get(pk=item.pk)
        before = snapshot(item, ITEM_FIELDS)
        clean = _item_values(before | changes)
        for field, value in clean.items():
            setattr(item, field, value)
        item.save(update_fields=list(ITEM_FIELDS))
        changed = diff(before, snapshot(item, ITEM_FIELDS))
        if changed:
            audit_record(
                actor=actor,
                action="offboarding.template_item_changed",
                target=item,
                changes={"template": item.template_id, **changed},
            )
    return item


def template_item_delete(*, actor: Any, item: ChecklistTemplateItem) -> None:
    """Remove an item from the template; open cases keep theirs."""
    _require_editor(actor, company_id=item.template.company_id)
    with transaction.atomic():
        before = snapshot(item, ("template", "code", *ITEM_FIELDS))
        pk = item.pk
        ChecklistTemplateItem.objects.filter(pk=pk).delete()
        audit_record(
            actor=actor,
            action="offboarding.template_item_deleted",
            object_type="offboarding.checklisttemplateitem",
            object_id=str(pk),
            changes={"template": before["template"], **diff(before, {})},
        )


def _order(value: Any, errors: dict[str, list[Any]]) -> list[str]:
    roles = [str(r).strip() for r in (value or []) if str(r).strip()]
    if not roles:
        errors["approval_order"] = [_("Name at least one party who signs off.")]
    elif any(r not in SignOffRole.values for r in roles) or len(set(roles)) != len(roles):
        errors["approval_order"] = [_("Name each party once: department head, HR, finance.")]
    return roles


def template_update(*, actor: Any, template: ChecklistTemplate, **changes: Any) -> ChecklistTemplate:
    """Rename the template or change its sign-off: all at once or one after another, in order."""
    unknown = set(changes) - set(TEMPLATE_FIELDS)
    if unknown:
        raise InvalidInput(fields={n: [_("This field cannot be changed here.")] for n in sorted(unknown)})
    _require_editor(actor, company_id=template.company_id)
    with transaction.atomic():
        template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
        before = snapshot(template, TEMPLATE_FIELDS)
        values = before | changes
        errors: dict[str, list[Any]] = {}
        name = str(values.get("name") or "").strip()
        if not name or len(name) > 100:
            errors["name"] = [_("Give a name of at most %(n)d characters.") % {"n": 100}]
        mode = _choice(values.get("approval_mode"), ApprovalMode, "approval_mode", errors)
        order = _order(values.get("approval_order"), errors)
        if errors:
            raise InvalidInput(fields=errors)
        template.name, template.approval_mode, template.approval_order = name, mode, order
        template.save(update_fields=list(TEMPLATE_FIELDS))
        changed = diff(before, snapshot(template, TEMPLATE_FIELDS))
        if changed:
            audit_record(actor=actor, action="offboarding.template_changed", target=template, changes=changed)
    return template


def offboarding_policy_update(*, actor: Any, company_id: int, **changes: Any) -> OffboardingPolicy:
    """Change the company's offboarding rules; open cases keep the notice they were opened with."""
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise InvalidInput(fields={n: [_("This field cannot be changed here.")] for n in sorted(unknown)})
    _require_editor(actor, company_id=company_id)
    with transaction.atomic():
        policy, _created = OffboardingPolicy.objects.select_for_update().get_or_create(company_id=company_id)
        before = snapshot(policy, POLICY_FIELDS)
        values = before | changes
        errors: dict[str, list[Any]] = {}
        clean: dict[str, Any] = {
            field: _whole(values[field], low, high, field, errors)
            for field, (low, high) in POLICY_RANGES.items()
        }
        clean["full_freeze"] = bool(values["full_freeze"])
        if not errors and clean["probation_notice_days"] > clean["notice_days"]:
            errors["probation_notice_days"] = [_("The notice in probation cannot be longer than the notice.")]
        if errors:
            raise InvalidInput(fields=errors)
        for field, value in clean.items():
            setattr(policy, field, value)
        policy.save(update_fields=list(POLICY_FIELDS))
        changed = diff(before, snapshot(policy, POLICY_FIELDS))
        if changed:
            audit_record(
                actor=actor,
                action="offboarding.policy_changed",
                target=policy,
                changes={"company": company_id, **changed},
            )
    return policy
