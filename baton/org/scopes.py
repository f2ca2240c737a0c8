"""How the data scopes apply to people records."""

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
    return Q(pk=actor.employee_id) if actor.employee_id is not None else NOTHING


def _team(actor: Actor) -> Q:
    return Q(team_id__in=actor.team_ids) | _own(actor) if actor.team_ids else _own(actor)


def _department(actor: Actor) -> Q:
    paths = [Q(department__path__startswith=p) for p in actor.department_paths]
    return reduce(or_, paths, _own(actor))


def _company(actor: Actor) -> Q:
    ids = actor.company_ids
    return Q() if ids is None else Q(company_id__in=ids)


EMPLOYEE_SCOPES = registry.ScopeRule(own=_own, team=_team, department=_department, company=_company)


def register_resources() -> None:
    C, D, T, OWN = "company", "department", "team", "own"
    registry.register(
        registry.Resource(
            code="employee",
            label=_("Employee records"),
            actions=(Action.VIEW, Action.CREATE, Action.CHANGE, Action.EXPORT, Action.REVEAL),
            scoped=True,
            scope_rule=EMPLOYEE_SCOPES,
            default_grants={
                "admin": {"view": C, "create": C, "change": C, "export": C, "reveal": C},
                "management": {"view": C, "export": C},
                "department_head": {"view": D, "reveal": D},
                "team_lead": {"view": T, "reveal": T},
                "sales": {"view": T, "reveal": OWN},
                "hr": {"view": C, "create": C, "change": C, "export": C, "reveal": C},
                "finance": {"view": OWN, "reveal": OWN},
                "auditor": {"view": OWN},
            },
        )
    )
    registry.register(
        registry.Resource(
            code="org",
            label=_("Organisation structure"),
            actions=(Action.VIEW, Action.CREATE, Action.CHANGE),
            scoped=False,
            default_grants={
                role: {"view": C}
                for role in ("management", "department_head", "team_lead", "sales", "finance", "auditor")
            }
            | {"admin": {"view": C, "create": C, "change": C}, "hr": {"view": C, "create": C, "change": C}},
        )
    )
