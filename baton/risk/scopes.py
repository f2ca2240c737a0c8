"""Resources of the early-warning domain: rule settings and the dictionary, and the reports."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baton.authz import registry
from baton.authz.actor import Actor
from baton.authz.models import Action

NOTHING = Q(pk__in=[])


def _own(actor: Actor) -> Q:
    return NOTHING if actor.employee_id is None else Q(pk=actor.employee_id)


def _team(actor: Actor) -> Q:
    return Q(team_id__in=actor.team_ids) | _own(actor) if actor.team_ids else _own(actor)


def _department(actor: Actor) -> Q:
    paths = [Q(department__path__startswith=p) for p in actor.department_paths]
    return reduce(or_, paths, _own(actor))


def _company(actor: Actor) -> Q:
    ids = actor.company_ids
    return Q() if ids is None else Q(company_id__in=ids)


# Reports are about people: a report row (an employee, their team, their department) is in
# scope when the employee is. Applied to ``org.Employee``.
REPORT_SCOPES = registry.ScopeRule(own=_own, team=_team, department=_department, company=_company)


def register_resources() -> None:
    C, D, T = "company", "department", "team"
    registry.register(
        registry.Resource(
            code="risk_rule",
            label=_("Risk rules and the sensitive-word dictionary"),
            actions=(Action.VIEW, Action.CHANGE),
            scoped=False,
            default_grants={
                "admin": {"view": C, "change": C},
                "management": {"view": C, "change": C},
                "department_head": {"view": C},
                "team_lead": {"view": C},
            },
        )
    )
    registry.register(
        registry.Resource(
            code="risk_report",
            label=_("Customer-resource reports"),
            actions=(Action.VIEW, Action.EXPORT),
            scoped=True,
            scope_rule=REPORT_SCOPES,
            default_grants={
                "admin": {"view": C, "export": C},
                "management": {"view": C, "export": C},
                "department_head": {"view": D, "export": D},
                "team_lead": {"view": T},
                "hr": {"view": C},
            },
        )
    )
