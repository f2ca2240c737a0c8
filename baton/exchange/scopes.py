"""Who reaches which imports: the ``customer_import`` resource.

An import batch (and the records it left in the review queue) belongs to the person who
uploaded it. The scopes reach it through the uploader, like people records: *own* = one's own
uploads, *team* = uploads by people of one's teams, *department* = by people of one's
department subtree, *company* = every upload of one's company and its subsidiaries.
Exports are governed by the ``customer`` resource (``export`` and ``approve``), not here.
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


def _own(actor: Actor) -> Q:
    user_id = getattr(actor.user, "pk", None)
    return Q(uploaded_by_id=user_id) if user_id is not None else NOTHING


def _team(actor: Actor) -> Q:
    if not actor.team_ids:
        return _own(actor)
    return Q(uploaded_by__employee__team_id__in=actor.team_ids) | _own(actor)


def _department(actor: Actor) -> Q:
    paths = [Q(uploaded_by__employee__department__path__startswith=p) for p in actor.department_paths]
    return reduce(or_, paths, _own(actor))


def _company(actor: Actor) -> Q:
    ids = actor.company_ids
    return Q() if ids is None else Q(company_id__in=ids)


# Filters over ImportBatch; review items follow their batch (see selectors).
IMPORT_SCOPES = registry.ScopeRule(own=_own, team=_team, department=_department, company=_company)


def register_resources() -> None:
    C = "company"
    registry.register(
        registry.Resource(
            code="customer_import",
            label=_("Customer data imports"),
            actions=(Action.CREATE,),
            scoped=True,
            scope_rule=IMPORT_SCOPES,
            default_grants={
                "admin": {"create": C},
                "department_head": {"create": C},
                "team_lead": {"create": C},
            },
        )
    )
