"""How the data scopes apply to customers and to the business done with them.

A salesperson sees the customers they own or work on as a collaborator; a team lead the
team's pool; a department head the customers of every team in the department subtree;
management the whole company. Orders and receivables follow their customer, and also
reach the people who took the order or collect its money.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from baton.authz import registry
from baton.authz.actor import Actor
from baton.authz.models import Action, Scope

# Up to this many customers a person works on as a collaborator are written into the filter as
# ids; beyond it the database reads them itself (a subquery).
COLLABORATION_IDS_INLINE = 2000


def _collaborating(actor: Actor, employee_id: int) -> list[int] | QuerySet[Any]:
    """The customers the actor works on as a collaborator (read once per request).

    As a list of ids, because a subquery inside the scope's OR would make PostgreSQL test it
    against every row of a sequential scan, while ``id IN (1, 2, …)`` joins the other branches
    in one bitmap of index scans (a scope of thousands of rows out of a million reads only those).
    """
    from baton.customers.models import CustomerCollaborator

    if "customers.collaborating" not in actor.derived:
        rows = CustomerCollaborator.objects.filter(employee_id=employee_id).values_list(
            "customer_id", flat=True
        )
        ids = list(rows[: COLLABORATION_IDS_INLINE + 1])
        actor.derived["customers.collaborating"] = rows if len(ids) > COLLABORATION_IDS_INLINE else ids
    collaborating: list[int] | QuerySet[Any] = actor.derived["customers.collaborating"]
    return collaborating


def _customer_rule(prefix: str, extra_own: tuple[str, ...] = ()) -> registry.ScopeRule:
    """Scope filters for a model that reaches its customer through ``prefix`` ("" = itself).

    Each scope is an OR of branches, and each branch a condition on one column of the customer
    row (team, owner, id), never a join or a correlated subquery: PostgreSQL then answers the OR
    from one bitmap of index scans, and a list can be counted branch by branch.
    """

    def f(name: str) -> str:
        return f"{prefix}{name}"

    def own(actor: Actor) -> list[Q]:
        if actor.employee_id is None:
            return []
        branches = [Q(**{f("owner_id"): actor.employee_id})]
        collaborating = _collaborating(actor, actor.employee_id)
        if not isinstance(collaborating, list) or collaborating:
            branches.append(Q(**{f("pk" if not prefix else "id") + "__in": collaborating}))
        branches.extend(Q(**{field: actor.employee_id}) for field in extra_own)
        return branches

    def branches(scope: str, actor: Actor) -> list[Q]:
        if scope == Scope.COMPANY:
            ids = actor.company_ids
            return [Q() if ids is None else Q(**{f("company_id") + "__in": ids})]
        teams: list[int] = []
        if scope == Scope.TEAM:
            teams = actor.team_ids
        elif scope == Scope.DEPARTMENT:
            teams = actor.department_team_ids
        return ([Q(**{f("team_id") + "__in": teams})] if teams else []) + own(actor)

    return registry.ScopeRule.from_branches(branches)


def team_branch_ids(branch: Q) -> list[int] | None:
    """The teams of the customer scope's team-pool branch (``team_id IN (…)`` as built above),
    so that a page can be found team by team along the list index; None for any other branch."""
    if branch.negated or len(branch.children) != 1:
        return None
    child = branch.children[0]
    if isinstance(child, tuple) and child[0] == "team_id__in" and isinstance(child[1], list):
        return list(child[1])
    return None


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
