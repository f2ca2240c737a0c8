"""Who sees which offboarding cases and revisits.

A leaver sees their own case; a team lead the cases of their team; a department head those of
the department subtree; HR, finance and management the whole company. A revisit is seen by the
person who must make it and, by the customer's team, upwards.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from baton.authz import registry
from baton.authz.actor import Actor
from baton.authz.models import Action

NOTHING = Q(pk__in=[])


def _case_own(actor: Actor) -> Q:
    if actor.employee_id is None:
        return NOTHING
    return Q(employee_id=actor.employee_id) | Q(successor_id=actor.employee_id)


def _case_team(actor: Actor) -> Q:
    return Q(employee__team_id__in=actor.team_ids) | _case_own(actor) if actor.team_ids else _case_own(actor)


def _case_department(actor: Actor) -> Q:
    paths = [Q(employee__department__path__startswith=p) for p in actor.department_paths]
    return reduce(or_, paths, _case_own(actor))


def _company(actor: Actor) -> Q:
    ids = actor.company_ids
    return Q() if ids is None else Q(company_id__in=ids)


CASE_SCOPES = registry.ScopeRule(
    own=_case_own, team=_case_team, department=_case_department, company=_company
)


def _revisit_own(actor: Actor) -> Q:
    return NOTHING if actor.employee_id is None else Q(assignee_id=actor.employee_id)


def _revisit_team(actor: Actor) -> Q:
    if not actor.team_ids:
        return _revisit_own(actor)
    return Q(customer__team_id__in=actor.team_ids) | _revisit_own(actor)


def _revisit_department(actor: Actor) -> Q:
    paths = [Q(customer__team__department__path__startswith=p) for p in actor.department_paths]
    return reduce(or_, paths, _revisit_own(actor))


def _revisit_company(actor: Actor) -> Q:
    ids = actor.company_ids
    return Q() if ids is None else Q(case__company_id__in=ids)


REVISIT_SCOPES = registry.ScopeRule(
    own=_revisit_own, team=_revisit_team, department=_revisit_department, company=_revisit_company
)


def register_resources() -> None:
    C, D, T, OWN = "company", "department", "team", "own"
    registry.register(
        registry.Resource(
            code="offboarding_case",
            label=_("Offboarding cases"),
            actions=(Action.VIEW, Action.CREATE, Action.CHANGE, Action.APPROVE),
            scoped=True,
            scope_rule=CASE_SCOPES,
            default_grants={
                "admin": {"view": C, "create": C, "change": C},
                "management": {"view": C},
                "department_head": {"view": D, "create": D, "change": D, "approve": D},
                "team_lead": {"view": T, "change": T},
                "sales": {"view": OWN},
                "hr": {"view": C, "create": C, "change": C, "approve": C},
                "finance": {"view": C, "approve": C},
            },
        )
    )
    registry.register(
        registry.Resource(
            code="revisit",
            label=_("Revisits after a handover"),
            actions=(Action.VIEW, Action.CHANGE),
            scoped=True,
            scope_rule=REVISIT_SCOPES,
            default_grants={
                "admin": {"view": C},
                "management": {"view": C},
                "department_head": {"view": D, "change": D},
                "team_lead": {"view": T, "change": T},
                "sales": {"view": OWN, "change": OWN},
                "hr": {"view": C},
            },
        )
    )
    registry.register(
        registry.Resource(
            code="offboarding_template",
            label=_("Handover checklist templates and offboarding settings"),
            actions=(Action.VIEW, Action.CHANGE),
            scoped=False,
            default_grants={
                "admin": {"view": C, "change": C},
                "hr": {"view": C, "change": C},
                "department_head": {"view": C},
            },
        )
    )
