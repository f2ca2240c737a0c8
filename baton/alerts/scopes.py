"""Who sees which risk alert: the employee it is about (or who owns its customer), the team's
lead, the department head of the team's department subtree, management the whole company."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q

from baton.authz import registry
from baton.authz.actor import Actor

NOTHING = Q(pk__in=[])


def _own(actor: Actor) -> Q:
    return NOTHING if actor.employee_id is None else Q(owner_id=actor.employee_id)


def _team(actor: Actor) -> Q:
    return Q(team_id__in=actor.team_ids) | _own(actor) if actor.team_ids else _own(actor)


def _department(actor: Actor) -> Q:
    paths = [Q(team__department__path__startswith=p) for p in actor.department_paths]
    return reduce(or_, paths, _own(actor))


def _company(actor: Actor) -> Q:
    ids = actor.company_ids
    return Q() if ids is None else Q(company_id__in=ids)


RISK_ALERT_SCOPES = registry.ScopeRule(own=_own, team=_team, department=_department, company=_company)
