"""Reminders and escalation for overdue handover items and sign-offs.

Once per period (company setting, default 24 h) each case with something overdue reminds the
leaver, the department head, HR and whoever must act; past a further delay (default 48 h)
management is told too. The period is counted on the clock, so re-running the job within a
period, or as of the same time, sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from baton.audit.services import audit_record
from baton.offboarding import selectors
from baton.offboarding.models import (
    OPEN_CASE_STATUSES,
    Approval,
    Decision,
    HandoverItem,
    ItemStatus,
    OffboardingCase,
    ReminderLog,
    Verifier,
)
from baton.offboarding.people import department_head_of, team_lead_of, user_of, users_with_role
from baton.offboarding.services.signoff import approvers_of


def _overdue(case: OffboardingCase, now: dt.datetime) -> tuple[list[HandoverItem], list[Approval]]:
    items = list(
        HandoverItem.objects.filter(case=case, required=True, due_at__lt=now).exclude(status=ItemStatus.DONE)
    )
    approvals = list(
        Approval.objects.filter(
            case=case, decision=Decision.WAITING, requested_at__isnull=False, due_at__lt=now
        )
    )
    return items, approvals


def _actors(case: OffboardingCase, items: list[HandoverItem], approvals: list[Approval]) -> list[Any]:
    people = [user_of(case.employee), user_of(department_head_of(case.employee))]
    people += list(users_with_role(company_id=case.company_id, role="hr"))
    for item in items:
        if item.verifier == Verifier.TEAM_LEAD:
            people.append(user_of(team_lead_of(case.employee)))
        elif item.verifier == Verifier.FINANCE:
            people += list(users_with_role(company_id=case.company_id, role="finance"))
    for approval in approvals:
        people += approvers_of(case=case, role=approval.role)
    if case.access_ended_at is not None:
        people[0] = None  # the leaver has no access any more
    return list({u.pk: u for u in people if u is not None}.values())


def _send_once(
    *,
    key: str,
    case: OffboardingCase,
    level: str,
    recipients: list[Any],
    title: str,
    body: str,
    now: dt.datetime,
) -> bool:
    from baton.notifications.services import notify

    try:
        with transaction.atomic():
            ReminderLog.objects.create(
                key=key, case=case, level=level, sent_at=now, recipients=len(recipients)
            )
    except IntegrityError:
        return False
    notify(
        recipients=recipients,
        kind=f"offboarding.{level}",
        key=key,
        title=title,
        body=body,
        link=f"/offboarding/cases/{case.pk}/",
        severity="high" if level == "escalation" else "normal",
        webhook=True,
    )
    audit_record(
        actor=None,
        actor_label="system",
        action=f"offboarding.{level}_sent",
        target=case,
        changes={"key": key, "recipients": len(recipients)},
    )
    return True


def reminders_run(*, now: dt.datetime) -> dict[str, int]:
    """Remind about, and escalate, every overdue item and sign-off as of ``now``."""
    sent = {"reminders": 0, "escalations": 0}
    late = Q(items__due_at__lt=now) & ~Q(items__status=ItemStatus.DONE) | Q(
        approvals__decision=Decision.WAITING, approvals__requested_at__isnull=False, approvals__due_at__lt=now
    )
    cases = (
        OffboardingCase.objects.filter(late, status__in=OPEN_CASE_STATUSES)
        .distinct()
        .select_related("employee")
    )
    for case in cases:
        policy = selectors.policy_for(case.company_id)
        items, approvals = _overdue(case, now)
        if not items and not approvals:
            continue
        period = int(now.timestamp() // (policy.reminder_period_hours * 3600))
        what = "、".join([i.title for i in items] + [str(a.get_role_display()) for a in approvals])
        title = _("Overdue in the handover of %(name)s") % {"name": case.employee.name}
        if _send_once(
            key=f"offboarding:{case.pk}:remind:{period}",
            case=case,
            level="reminder",
            recipients=_actors(case, items, approvals),
            title=title,
            body=what,
            now=now,
        ):
            sent["reminders"] += 1
        oldest = min([i.due_at for i in items] + [a.due_at for a in approvals if a.due_at is not None])
        if now - oldest >= dt.timedelta(hours=policy.escalate_after_hours) and _send_once(
            key=f"offboarding:{case.pk}:escalate:{period}",
            case=case,
            level="escalation",
            recipients=list(users_with_role(company_id=case.company_id, role="management")),
            title=_("Escalation: %(title)s") % {"title": title},
            body=what,
            now=now,
        ):
            sent["escalations"] += 1
    return sent
