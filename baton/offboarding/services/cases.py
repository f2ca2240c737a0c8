"""Opening, withdrawing and completing an offboarding case.

Opening a case does, in one transaction: the employee becomes *resigning* (which switches on
the handover restrictions on customer data, see ``baton.customers.services.handover``), the
checklist and sign-offs are set up, the departure's impact is measured, the people concerned
are told, and management is alerted when the leaver holds more than the company's line.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from baton.audit.services import audit_record
from baton.authz import registry
from baton.authz.selectors import restrict
from baton.core import clock
from baton.core.errors import Conflict, Forbidden, InvalidInput
from baton.offboarding import selectors
from baton.offboarding.models import (
    OPEN_CASE_STATUSES,
    CaseKind,
    CaseStatus,
    ExitInterview,
    OffboardingCase,
)
from baton.offboarding.people import department_head_of, holds_role, team_lead_of, user_of, users_with_role
from baton.offboarding.services.checklist import items_create, template_for
from baton.offboarding.services.refusals import Refusal, atomic_with_refusals
from baton.offboarding.services.signoff import approvals_create
from baton.org.models import Employee, EmployeeStatus

MAX_NOTICE_DAYS = 366
EXIT_REASONS = ("pay", "career", "management", "workload", "family", "relocation", "competitor", "other")


def _employee_scope() -> registry.ScopeRule:
    """The case scopes applied to employees, to check who may open a case for whom."""
    from django.db.models import Q

    def own(actor: Any) -> Q:
        return Q(pk=actor.employee_id) if actor.employee_id else Q(pk__in=[])

    def team(actor: Any) -> Q:
        return Q(team_id__in=actor.team_ids) | own(actor)

    def department(actor: Any) -> Q:
        q = own(actor)
        for path in actor.department_paths:
            q |= Q(department__path__startswith=path)
        return q

    def company(actor: Any) -> Q:
        return Q() if actor.company_ids is None else Q(company_id__in=actor.company_ids)

    return registry.ScopeRule(own=own, team=team, department=department, company=company)


def notice_required(*, employee: Employee, kind: str, policy: Any) -> int:
    """Days of notice a resignation needs: 30, or 3 during probation (company settings)."""
    if kind != CaseKind.RESIGNATION:
        return 0
    return policy.probation_notice_days if employee.status == EmployeeStatus.PROBATION else policy.notice_days


def _check_request(
    *,
    actor: Any,
    employee: Employee,
    kind: str,
    reason: str,
    submitted_on: dt.date,
    last_working_day: dt.date,
) -> bool:
    """Validate a request to open a case; returns whether the actor is the employee themselves."""
    is_self = getattr(getattr(actor, "employee", None), "pk", None) == employee.pk
    if is_self:
        if kind != CaseKind.RESIGNATION:
            raise InvalidInput(fields={"kind": [_("You can only submit a resignation.")]})
    elif not restrict(
        Employee.objects.filter(pk=employee.pk),
        user=actor,
        resource="offboarding_case",
        action="create",
        rule=_employee_scope(),
    ).exists():
        audit_record(
            actor=actor,
            action="offboarding.case_refused",
            target=employee,
            changes={"kind": kind},
            result="denied",
        )
        raise Forbidden(code="outside_scope")
    errors: dict[str, list[Any]] = {}
    if kind not in CaseKind.values:
        errors["kind"] = [_("Choose one of the listed values.")]
    if not reason.strip():
        errors["reason"] = [_("This field is required.")]
    if last_working_day < submitted_on:
        errors["last_working_day"] = [_("The last working day cannot be before the submission.")]
    elif (last_working_day - submitted_on).days > MAX_NOTICE_DAYS:
        errors["last_working_day"] = [_("The last working day must be within a year.")]
    if errors:
        raise InvalidInput(fields=errors)
    if employee.status not in (EmployeeStatus.ACTIVE, EmployeeStatus.PROBATION):
        raise Conflict(
            _("%(name)s is %(status)s; a departure cannot be opened.")
            % {"name": employee.name, "status": EmployeeStatus(employee.status).label},
            code="wrong_employee_state",
        )
    return is_self


def case_open(
    *,
    actor: Any,
    employee: Employee,
    kind: str,
    reason: str,
    last_working_day: dt.date,
    submitted_on: dt.date | None = None,
) -> OffboardingCase:
    """Open the case of a resignation (by the employee or HR), a dismissal or a contract end."""
    now = clock.now()
    submitted_on = submitted_on or clock.local_date(now)
    is_self = _check_request(
        actor=actor,
        employee=employee,
        kind=kind,
        reason=reason,
        submitted_on=submitted_on,
        last_working_day=last_working_day,
    )
    policy = selectors.policy_for(employee.company_id)
    required = notice_required(employee=employee, kind=kind, policy=policy)
    given = (last_working_day - submitted_on).days
    if is_self and given < required:
        earliest = submitted_on + dt.timedelta(days=required)
        raise InvalidInput(
            _("The notice period is %(days)d days: the last working day can be %(date)s at the earliest.")
            % {"days": required, "date": earliest.isoformat()},
            code="notice_too_short",
            fields={"last_working_day": [_("At least %(days)d days after submission.") % {"days": required}]},
        )
    template = template_for(employee)
    try:
        with transaction.atomic():
            case = _create(
                actor=actor,
                employee=employee,
                kind=kind,
                reason=reason,
                submitted_on=submitted_on,
                last_working_day=last_working_day,
                required=required,
                given=given,
                template=template,
                now=now,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("%(name)s has an open offboarding case already.") % {"name": employee.name}, code="case_exists"
        ) from exc
    return case


def _create(
    *, actor: Any, employee: Employee, template: Any, now: dt.datetime, **fields: Any
) -> OffboardingCase:
    from baton.org.services import employee_status_change

    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    impact = selectors.departure_impact(employee=employee, now=now)
    policy = selectors.policy_for(employee.company_id)
    case = OffboardingCase.objects.create(
        company_id=employee.company_id,
        employee=employee,
        kind=fields["kind"],
        reason=fields["reason"].strip()[:5000],
        submitted_on=fields["submitted_on"],
        last_working_day=fields["last_working_day"],
        notice_days_required=fields["required"],
        notice_days_given=fields["given"],
        template=template,
        impact={**impact.as_json(), "notice_short": fields["given"] < fields["required"]},
        opened_at=now,
        opened_by=actor if getattr(actor, "pk", None) else None,
    )
    items_create(case=case, template=template)
    approvals_create(case=case)
    employee_status_change(
        actor=actor,
        employee=employee,
        status=EmployeeStatus.RESIGNING,
        reason=str(case.get_kind_display()),
        via_offboarding=True,
    )
    audit_record(
        actor=actor,
        action="offboarding.case_opened",
        target=case,
        changes={
            "employee": employee.employee_no,
            "kind": case.kind,
            "last_working_day": case.last_working_day.isoformat(),
            "notice_required": case.notice_days_required,
            "notice_given": case.notice_days_given,
            "impact": case.impact,
        },
    )
    if policy.full_freeze and employee.user is not None:
        from baton.accounts.services import user_freeze

        user_freeze(actor=actor, user=employee.user, reason="offboarding full freeze")
    _announce(case=case, impact=impact)
    return case


def _announce(*, case: OffboardingCase, impact: Any) -> None:
    """Tell the team lead, department head and HR; alert management above the revenue line
    (risk rule R5, with the company's R5 setting: ``baton.risk.rules.departure``)."""
    from baton.notifications.services import notify
    from baton.risk.rules.departure import departure_alert_for
    from baton.risk.services import risk_event

    employee = case.employee
    people = [user_of(team_lead_of(employee)), user_of(department_head_of(employee))]
    recipients = {u.pk: u for u in people if u is not None}
    recipients.update({u.pk: u for u in users_with_role(company_id=case.company_id, role="hr")})
    if employee.user_id is not None:
        recipients.pop(employee.user_id, None)
    notify(
        recipients=recipients.values(),
        kind="offboarding.case_opened",
        key=f"offboarding:{case.pk}:opened",
        title=_("%(name)s is leaving: last working day %(day)s")
        % {"name": employee.name, "day": case.last_working_day.isoformat()},
        link=f"/offboarding/cases/{case.pk}/",
    )
    risk_event(
        event="resignation", company_id=case.company_id, payload={"case": case.pk, "employee": employee.pk}
    )
    if departure_alert_for(case_id=case.pk, employee_id=employee.pk) is None:
        return
    notify(
        recipients=users_with_role(company_id=case.company_id, role="management"),
        kind="offboarding.high_impact_departure",
        key=f"offboarding:{case.pk}:impact",
        title=_("High-impact departure: %(name)s holds %(share)s%% of revenue")
        % {"name": employee.name, "share": f"{impact.share * 100:.1f}"},
        body=_(
            "%(customers)d customers, revenue %(revenue)s CNY in 12 months, %(orders)d open orders, "
            "receivables %(receivables)s CNY."
        )
        % {
            "customers": impact.customers,
            "revenue": impact.revenue_12m,
            "orders": impact.open_orders,
            "receivables": impact.receivables_open,
        },
        link=f"/offboarding/cases/{case.pk}/",
        severity="high",
        webhook=True,
    )


def _locked_open(case: OffboardingCase) -> OffboardingCase:
    case = OffboardingCase.objects.select_for_update(of=("self",)).select_related("employee").get(pk=case.pk)
    if case.status not in OPEN_CASE_STATUSES:
        raise Conflict(
            _("The case is %(status)s.") % {"status": case.get_status_display()}, code="wrong_case_state"
        )
    return case


def _require_hr_or_head(actor: Any, case: OffboardingCase) -> None:
    head = department_head_of(case.employee)
    is_head = head is not None and getattr(getattr(actor, "employee", None), "pk", None) == head.pk
    if not (holds_role(actor, "hr") or is_head):
        raise Refusal(
            Forbidden(_("Only HR or the department head can do this."), code="hr_or_head_only"),
            actor=actor,
            action="offboarding.case_refused",
            target=case,
        )


def successor_set(*, actor: Any, case: OffboardingCase, successor: Employee) -> OffboardingCase:
    """Name the successor: from now on new orders for the leaver's customers go to them."""
    with atomic_with_refusals():
        case = _locked_open(case)
        _require_hr_or_head(actor, case)
        successor_check(case=case, successor=successor)
        before = case.successor_id
        case.successor = successor
        case.save(update_fields=["successor"])
        audit_record(
            actor=actor,
            action="offboarding.successor_set",
            target=case,
            changes={"successor": {"before": before, "after": successor.pk}},
        )
    return case


def successor_check(*, case: OffboardingCase, successor: Employee | None, field: str = "successor") -> None:
    if successor is None:
        raise InvalidInput(fields={field: [_("Choose the successor.")]})
    if (
        successor.pk == case.employee_id
        or successor.company_id != case.company_id
        or successor.status not in (EmployeeStatus.ACTIVE, EmployeeStatus.PROBATION)
    ):
        raise InvalidInput(
            fields={field: [_("The successor must be a current colleague in the same company.")]}
        )


def case_withdraw(*, actor: Any, case: OffboardingCase, reason: str) -> OffboardingCase:
    """The resignation is withdrawn: the case closes and the employee is active again."""
    from baton.org.services import employee_status_change

    if not (reason or "").strip():
        raise InvalidInput(fields={"reason": [_("Please say why.")]})
    with atomic_with_refusals():
        case = _locked_open(case)
        _require_hr_or_head(actor, case)
        if case.plan_executed:
            raise Conflict(_("The customers have been transferred already."), code="transfer_done")
        case.status = CaseStatus.CANCELLED
        case.save(update_fields=["status"])
        employee_status_change(
            actor=actor,
            employee=case.employee,
            status=EmployeeStatus.ACTIVE,
            reason=reason,
            via_offboarding=True,
        )
        user = case.employee.user
        if user is not None and user.is_frozen:
            from baton.accounts.services import user_unfreeze

            user_unfreeze(actor=actor, user=user)
        audit_record(
            actor=actor, action="offboarding.case_withdrawn", target=case, changes={"reason": reason}
        )
    return case


def access_end(*, actor: Any, case: OffboardingCase) -> OffboardingCase:
    """The last working day is over: the account is frozen and every session and token ends."""
    from baton.accounts.services import user_freeze

    with transaction.atomic():
        case = _locked_open(case)
        if case.access_ended_at is not None:
            return case
        case.access_ended_at = clock.now()
        case.save(update_fields=["access_ended_at"])
        user = case.employee.user
        if user is not None:
            user_freeze(actor=actor, user=user, reason="last working day")
        audit_record(
            actor=actor,
            action="offboarding.access_ended",
            target=case,
            actor_label="system" if actor is None else "",
        )
    return case


def case_complete(*, actor: Any, case: OffboardingCase) -> OffboardingCase:
    """Complete an unblocked case: the employee has left, the account is disabled for good."""
    from baton.accounts.services import sessions_revoke_all
    from baton.org.services import employee_status_change

    with atomic_with_refusals():
        case = _locked_open(case)
        if actor is not None and not holds_role(actor, "hr"):
            raise Refusal(
                Forbidden(_("Only HR completes an offboarding case."), code="hr_only"),
                actor=actor,
                action="offboarding.case_refused",
                target=case,
            )
        reasons = selectors.blocking_reasons(case=case)
        if reasons:
            raise Conflict(" ".join(reasons), code="case_blocked", fields={"blocked": reasons})
        now = clock.now()
        employee_status_change(
            actor=actor,
            employee=case.employee,
            status=EmployeeStatus.LEFT,
            reason=str(case.get_kind_display()),
            effective_on=min(case.last_working_day, clock.local_date(now)),
            via_offboarding=True,
        )
        user = case.employee.user
        if user is not None:
            type(user).objects.filter(pk=user.pk).update(is_active=False)
            sessions_revoke_all(actor=actor, user=user, reason="offboarding_completed")
        case.status, case.completed_at = CaseStatus.COMPLETED, now
        case.completed_by = actor if getattr(actor, "pk", None) else None
        case.access_ended_at = case.access_ended_at or now
        case.save(update_fields=["status", "completed_at", "completed_by", "access_ended_at"])
        audit_record(
            actor=actor,
            action="offboarding.case_completed",
            target=case,
            actor_label="system" if actor is None else "",
        )
    return case


def cases_last_day_run(*, now: dt.datetime) -> dict[str, int]:
    """For every open case whose last working day has ended (18:00 Asia/Shanghai): end access,
    and complete the case when nothing blocks it."""
    ended = completed = 0
    today = clock.local_date(now)
    due = OffboardingCase.objects.filter(status__in=OPEN_CASE_STATUSES, last_working_day__lte=today)
    for case in due.select_related("employee"):
        if clock.local_moment(case.last_working_day, 18) > now:
            continue
        if case.access_ended_at is None:
            access_end(actor=None, case=case)
            ended += 1
        case.refresh_from_db()
        if case.status == CaseStatus.READY and not selectors.blocking_reasons(case=case):
            case_complete(actor=None, case=case)
            completed += 1
    return {"access_ended": ended, "completed": completed}


def exit_interview_record(
    *, actor: Any, case: OffboardingCase, main_reason: str, would_return: bool, feedback: str = ""
) -> ExitInterview:
    """HR records the exit interview (one per case; recording again replaces it)."""
    if main_reason not in EXIT_REASONS:
        raise InvalidInput(fields={"main_reason": [_("Choose one of the listed values.")]})
    if not holds_role(actor, "hr"):
        raise Forbidden(_("Only HR records the exit interview."), code="hr_only")
    with transaction.atomic():
        interview, created = ExitInterview.objects.update_or_create(
            case=case,
            defaults={
                "main_reason": main_reason,
                "would_return": bool(would_return),
                "feedback": (feedback or "")[:5000],
                "recorded_by": actor,
                "recorded_at": clock.now(),
            },
        )
        audit_record(
            actor=actor,
            action="offboarding.exit_interview_recorded",
            target=case,
            changes={"main_reason": main_reason, "would_return": bool(would_return), "replaced": not created},
        )
    return interview
