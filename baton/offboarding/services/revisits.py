"""Revisits: after the transfer, the successor and the team lead visit the key customers.

Key customers are those flagged as key accounts and the top N by 12-month revenue (company
setting). An overdue revisit raises an alert; an outcome of *at risk* or *lost* too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from baton.audit.services import audit_record
from baton.core import clock
from baton.core.errors import Conflict, InvalidInput
from baton.offboarding import selectors
from baton.offboarding.models import OffboardingCase, Revisit, RevisitOutcome
from baton.offboarding.people import team_lead_of, user_of


def _key_lines(lines: list[Any], top_n: int) -> list[Any]:
    ranked = sorted((x for x in lines if x.revenue_12m > 0), key=lambda x: (-x.revenue_12m, x.customer_id))
    chosen = {x.customer_id for x in ranked[:top_n]} | {x.customer_id for x in lines if x.is_key_account}
    return [x for x in lines if x.customer_id in chosen]


def revisits_schedule(*, case: OffboardingCase, lines: list[Any], now: dt.datetime) -> int:
    """Create the revisits of the key customers for the new owner and the team lead."""
    from baton.notifications.services import notify

    policy = selectors.policy_for(case.company_id)
    due_on = clock.local_date(now) + dt.timedelta(days=policy.revisit_due_days)
    leaver_lead = team_lead_of(case.employee)
    rows: list[Revisit] = []
    for line in _key_lines(lines, policy.revisit_top_n):
        people = [line.to_employee]
        if line.to_employee is not None and line.to_employee.team_id == case.employee.team_id:
            people.append(leaver_lead)
        elif line.to_employee is not None:
            people.append(team_lead_of(line.to_employee))
        else:
            people.append(leaver_lead)
        for person in {p.pk: p for p in people if p is not None and p.pk != case.employee_id}.values():
            rows.append(
                Revisit(
                    case=case, customer_id=line.customer_id, assignee=person, due_on=due_on, created_at=now
                )
            )
    Revisit.objects.bulk_create(rows, ignore_conflicts=True)
    for person in {r.assignee.pk: r.assignee for r in rows}.values():
        user = user_of(person)
        if user is not None:
            notify(
                recipients=[user],
                kind="offboarding.revisits_scheduled",
                key=f"offboarding:{case.pk}:revisits",
                title=_("Revisit key customers of %(name)s by %(day)s")
                % {"name": case.employee.name, "day": due_on.isoformat()},
                link="/offboarding/revisits/",
            )
    return len(rows)


def revisit_record(*, actor: Any, revisit: Revisit, outcome: str, notes: str = "") -> Revisit:
    """Record how the revisit went: continuing, at risk or lost (the last two need notes)."""
    from baton.alerts.services import alert_raise

    if outcome not in RevisitOutcome.values:
        raise InvalidInput(fields={"outcome": [_("Choose one of the listed values.")]})
    notes = (notes or "").strip()
    if outcome != RevisitOutcome.CONTINUING and not notes:
        raise InvalidInput(fields={"notes": [_("Say what happened.")]}, code="notes_required")
    with transaction.atomic():
        revisit = (
            Revisit.objects.select_for_update(of=("self",))
            .select_related("customer", "case")
            .get(pk=revisit.pk)
        )
        if revisit.done_at is not None:
            raise Conflict(_("This revisit has been recorded already."), code="revisit_done")
        revisit.outcome, revisit.notes, revisit.done_at = outcome, notes[:5000], clock.now()
        revisit.save(update_fields=["outcome", "notes", "done_at"])
        audit_record(
            actor=actor,
            action="offboarding.revisit_recorded",
            target=revisit,
            changes={"customer": revisit.customer_id, "outcome": outcome, "notes": notes},
        )
        if outcome != RevisitOutcome.CONTINUING:
            alert_raise(
                rule="revisit_outcome",
                category="departure",
                company=revisit.case.company,
                team=revisit.customer.team,
                owner=revisit.assignee,
                subject_type="customers.customer",
                subject_id=str(revisit.customer_id),
                severity="high" if outcome == RevisitOutcome.LOST else "medium",
                title=_("After the handover, %(customer)s is %(outcome)s")
                % {"customer": revisit.customer.name, "outcome": RevisitOutcome(outcome).label},
                details={"case": revisit.case_id, "revisit": revisit.pk, "notes": notes[:300]},
            )
    return revisit


def revisits_overdue_run(*, now: dt.datetime) -> int:
    """Alert on every revisit past its day without an outcome (one open alert per revisit)."""
    from baton.alerts.services import alert_raise

    today = clock.local_date(now)
    overdue = Revisit.objects.filter(done_at__isnull=True, due_on__lt=today).select_related(
        "customer", "assignee"
    )
    n = 0
    for revisit in overdue:
        alert_raise(
            rule="revisit_overdue",
            category="departure",
            company=revisit.case.company,
            team=revisit.customer.team,
            owner=revisit.assignee,
            subject_type="offboarding.revisit",
            subject_id=str(revisit.pk),
            severity="medium",
            title=_("Revisit of %(customer)s by %(name)s is overdue (due %(day)s)")
            % {
                "customer": revisit.customer.name,
                "name": revisit.assignee.name,
                "day": revisit.due_on.isoformat(),
            },
            details={
                "case": revisit.case_id,
                "customer": revisit.customer_id,
                "assignee": revisit.assignee_id,
            },
        )
        n += 1
    return n
