"""How the data scopes apply to customers and to the business done with them.

A salesperson sees the customers they own or work on as a collaborator; a team lead the
team's pool; a department head the customers of every team in the department subtree;
management the whole company. Orders and receivables follow their customer, and also
reach the people who took the order or collect its money.
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


def _customer_rule(prefix: str, extra_own: tuple[str, ...] = ()) -> registry.ScopeRule:
    """Scope filters for a model that reaches its customer through ``prefix`` ("" = itself)."""

    def f(name: str) -> str:
        return f"{prefix}{name}"

    def own(actor: Actor) -> Q:
        if actor.employee_id is None:
            return NOTHING
        from baton.customers.models import CustomerCollaborator

        collaborating = CustomerCollaborator.objects.filter(employee_id=actor.employee_id).values(
            "customer_id"
        )
        q = Q(**{f("owner_id"): actor.employee_id}) | Q(
            **{f("pk" if not prefix else "id") + "__in": collaborating}
        )
        for field in extra_own:
            q |= Q(**{field: actor.employee_id})
        return q

    def team(actor: Actor) -> Q:
        return Q(**{f("team_id") + "__in": actor.team_ids}) | own(actor) if actor.team_ids else own(actor)

    def department(actor: Actor) -> Q:
        paths = [Q(**{f("team__department__path__startswith"): p}) for p in actor.department_paths]
        return reduce(or_, paths, own(actor))

    def company(actor: Actor) -> Q:
        ids = actor.company_ids
        return Q() if ids is None else Q(**{f("company_id") + "__in": ids})

    return registry.ScopeRule(own=own, team=team, department=department, company=company)


CUSTOMER_SCOPES = _customer_rule("")
ORDER_SCOPES = _customer_rule("customer__", extra_own=("taken_by_id", "receivable_owner_id"))
# Receivables are read under the ``order`` grants (no resource of their own): those of customers
# in scope, plus the ones the user collects.
RECEIVABLE_SCOPES = _customer_rule("customer__", extra_own=("owner_id",))


def register_resources() -> None:
    C, D, T, OWN = "company", "department", "team", "own"
    registry.register(
        registry.Resource(
            code="customer",
            label=_("Customers"),
            actions=(
                Action.VIEW,
                Action.CREATE,
                Action.CHANGE,
                Action.DELETE,
                Action.EXPORT,
                Action.APPROVE,
                Action.REVEAL,
                Action.CLAIM,
            ),
            scoped=True,
            scope_rule=CUSTOMER_SCOPES,
            default_grants={
                "admin": {
                    a: C for a in ("view", "create", "change", "delete", "export", "approve", "reveal")
                },
                "management": {"view": C, "export": C, "approve": C},
                "department_head": {
                    "view": D,
                    "create": D,
                    "change": D,
                    "export": D,
                    "approve": D,
                    "reveal": D,
                    "claim": D,
                },
                "team_lead": {"view": T, "create": T, "change": T, "export": T, "reveal": T, "claim": T},
                "sales": {"view": OWN, "create": OWN, "change": OWN, "reveal": OWN, "claim": OWN},
                "operations": {"view": C},
            },
        )
    )
    registry.register(
        registry.Resource(
            code="order",
            label=_("Orders and receivables"),
            actions=(Action.VIEW, Action.CREATE, Action.CHANGE, Action.EXPORT),
            scoped=True,
            scope_rule=ORDER_SCOPES,
            default_grants={
                "admin": {"view": C, "create": C, "change": C, "export": C},
                "management": {"view": C, "export": C},
                "department_head": {"view": D, "create": D, "change": D},
                "team_lead": {"view": T, "create": T, "change": T},
                "sales": {"view": OWN, "create": OWN, "change": OWN},
                "finance": {"view": C, "change": C, "export": C},
                "operations": {"view": C, "create": C, "change": C},
            },
        )
    )
    registry.register(
        registry.Resource(
            code="customer_pool",
            label=_("Customer pools and their rules"),
            actions=(Action.VIEW, Action.CHANGE),
            scoped=False,
            default_grants={
                "admin": {"view": C, "change": C},
                "management": {"view": C},
                "department_head": {"view": C},
                "team_lead": {"view": C},
                "sales": {"view": C},
            },
        )
    )
