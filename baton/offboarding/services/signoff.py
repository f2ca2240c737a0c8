"""The three-party sign-off: department head, HR and finance, in parallel or one after another.

Sign-off is requested once every required item is done. A rejection names the items to redo,
reopens them and withdraws every approval given so far: all parties sign again on the
corrected evidence.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from baton.audit.services import audit_record
from baton.core import clock
from baton.core.errors import Conflict, Forbidden, InvalidInput
from baton.offboarding.models import (
    Approval,
    ApprovalMode,
    CaseStatus,
    Decision,
    HandoverItem,
    ItemStatus,
    OffboardingCase,
    SignOffRole,
)
from baton.offboarding.people import department_head_of, holds_role, user_of, users_with_role
from baton.offboarding.services.refusals import Refusal, atomic_with_refusals

SIGN_OFF_DAYS = 2


def approvals_create(*, case: OffboardingCase) -> list[Approval]:
    order = (case.template.approval_order if case.template else None) or [r.value for r in SignOffRole]
    roles = [r for r in order if r in SignOffRole.values]
    return Approval.objects.bulk_create(
        Approval(case=case, role=role, sequence=i) for i, role in enumerate(roles)
    )


def approvers_of(*, case: OffboardingCase, role: str) -> list[Any]:
    """The accounts that sign for ``role`` on this case."""
    if role == SignOffRole.DEPARTMENT_HEAD:
        head = user_of(department_head_of(case.employee))
        return [head] if head is not None else []
    return list(users_with_role(company_id=case.company_id, role=role))


def _request(*, case: OffboardingCase, approvals: list[Approval], now: dt.datetime) -> None:
    from baton.notifications.services import notify

    due = now + dt.timedelta(days=SIGN_OFF_DAYS)
    for approval in approvals:
        approval.requested_at, approval.due_at = now, due
        approval.save(update_fields=["requested_at", "due_at"])
        notify(
            recipients=approvers_of(case=case, role=approval.role),
            kind="offboarding.sign_off_requested",
            key=f"offboarding:{case.pk}:sign_off:{approval.role}:{now.isoformat()}",
            title=_("Sign-off requested: handover of %(name)s") % {"name": case.employee.name},
            link=f"/offboarding/cases/{case.pk}/",
        )


def _next_requests(case: OffboardingCase) -> list[Approval]:
    waiting = [a for a in case.approvals.order_by("sequence") if a.decision == Decision.WAITING]
    unrequested = [a for a in waiting if a.requested_at is None]
    mode = case.template.approval_mode if case.template else ApprovalMode.PARALLEL
    if mode == ApprovalMode.PARALLEL:
        return unrequested
    if any(a.requested_at is not None for a in waiting):
        return []  # one at a time: the current one is still deciding
    return unrequested[:1]


def case_progress(*, case: OffboardingCase) -> OffboardingCase:
    """Move the case on when its items or sign-offs allow: handover → sign-off → ready."""
    now = clock.now()
    case = OffboardingCase.objects.select_related("template", "employee").get(pk=case.pk)
    if case.status == CaseStatus.HANDOVER:
        required_open = HandoverItem.objects.filter(case=case, required=True).exclude(status=ItemStatus.DONE)
        if required_open.exists():
            return case
        case.status = CaseStatus.SIGN_OFF
        case.save(update_fields=["status"])
        audit_record(actor=None, actor_label="system", action="offboarding.sign_off_started", target=case)
    if case.status == CaseStatus.SIGN_OFF:
        if not case.approvals.exclude(decision=Decision.APPROVED).exists():
            case.status = CaseStatus.READY
            case.save(update_fields=["status"])
            audit_record(actor=None, actor_label="system", action="offboarding.case_ready", target=case)
            _tell_hr_ready(case)
        else:
            _request(case=case, approvals=_next_requests(case), now=now)
    return case


def _tell_hr_ready(case: OffboardingCase) -> None:
    from baton.notifications.services import notify

    notify(
        recipients=users_with_role(company_id=case.company_id, role="hr"),
        kind="offboarding.case_ready",
        key=f"offboarding:{case.pk}:ready:{clock.now().isoformat()}",
        title=_("Handover of %(name)s is signed off") % {"name": case.employee.name},
        link=f"/offboarding/cases/{case.pk}/",
    )


def plays_party(*, actor: Any, case: OffboardingCase, role: str) -> bool:
    if getattr(getattr(actor, "employee", None), "pk", None) == case.employee_id:
        return False  # nobody signs their own departure
    if role == SignOffRole.DEPARTMENT_HEAD:
        head = department_head_of(case.employee)
        return (
            head is not None and getattr(actor, "employee", None) is not None and actor.employee.pk == head.pk
        )
    return holds_role(actor, role)


def approval_decide(
    *,
    actor: Any,
    case: OffboardingCase,
    decision: str,
    comment: str = "",
    role: str = "",
    reopen_items: list[int] | None = None,
) -> Approval:
    """Approve or reject the case for the party the actor signs for.

    A rejection needs a comment and the items to redo.
    """
    if decision not in (Decision.APPROVED, Decision.REJECTED):
        raise InvalidInput(fields={"decision": [_("Choose approve or reject.")]})
    comment = (comment or "").strip()
    if decision == Decision.REJECTED and not comment:
        raise InvalidInput(fields={"comment": [_("Say what must be corrected.")]}, code="comment_required")
    with atomic_with_refusals():
        case = (
            OffboardingCase.objects.select_for_update(of=("self",))
            .select_related("employee", "template")
            .get(pk=case.pk)
        )
        if case.status != CaseStatus.SIGN_OFF:
            raise Conflict(
                _("Sign-off is only possible once every item is done (now: %(status)s).")
                % {"status": case.get_status_display()},
                code="wrong_case_state",
            )
        approval = _pick(actor=actor, case=case, role=role)
        now = clock.now()
        approval.decision, approval.comment = decision, comment[:2000]
        approval.decided_by, approval.decided_at = actor, now
        approval.save(update_fields=["decision", "comment", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action="offboarding.sign_off_decided",
            target=case,
            changes={"party": approval.role, "decision": decision, "comment": comment},
        )
        if decision == Decision.REJECTED:
            _reject(actor=actor, case=case, approval=approval, comment=comment, item_ids=reopen_items or [])
        else:
            case_progress(case=case)
    return approval


def _pick(*, actor: Any, case: OffboardingCase, role: str) -> Approval:
    requested = [
        a
        for a in case.approvals.filter(decision=Decision.WAITING, requested_at__isnull=False)
        if (not role or a.role == role) and plays_party(actor=actor, case=case, role=a.role)
    ]
    if not requested:
        raise Refusal(
            Forbidden(_("No sign-off on this case is waiting for you."), code="not_your_sign_off"),
            actor=actor,
            action="offboarding.sign_off_refused",
            target=case,
            changes={"role": role},
        )
    return requested[0]


def _reject(
    *, actor: Any, case: OffboardingCase, approval: Approval, comment: str, item_ids: list[int]
) -> None:
    from baton.notifications.services import notify
    from baton.offboarding.services.checklist import items_reopen

    items = items_reopen(actor=actor, case=case, item_ids=item_ids, note=comment)
    Approval.objects.filter(case=case).update(
        decision=Decision.WAITING, requested_at=None, due_at=None, decided_by=None, decided_at=None
    )
    # The rejecting party's comment stays on its row so the leaver sees what to correct.
    Approval.objects.filter(pk=approval.pk).update(comment=comment[:2000])
    case.status = CaseStatus.HANDOVER
    case.save(update_fields=["status"])
    leaver = user_of(case.employee)
    notify(
        recipients=[leaver] if leaver else [],
        kind="offboarding.items_reopened",
        key=f"offboarding:{case.pk}:reopened:{clock.now().isoformat()}",
        title=_("Handover items to redo: %(items)s") % {"items": "、".join(i.title for i in items)},
        body=comment,
        link="/offboarding/my/",
    )
