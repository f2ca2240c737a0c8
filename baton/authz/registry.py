"""Protected resources and how each one's data scopes translate into a query filter.

An app registers its resources in ``AppConfig.ready``. A scoped resource supplies a
``ScopeRule``: for a given actor, the ``Q`` filter of each scope. Selectors never build
these filters themselves; they call ``baton.authz.selectors.restrict``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db.models import Q

if TYPE_CHECKING:
    from baton.authz.actor import Actor

ScopeFilter = Callable[["Actor"], Q]
# (scope, actor) -> the branches whose OR is the scope's filter; no branch means nothing.
ScopeBranches = Callable[[str, "Actor"], list[Q]]


@dataclass(frozen=True)
class ScopeRule:
    own: ScopeFilter
    team: ScopeFilter
    department: ScopeFilter
    company: ScopeFilter
    branches: ScopeBranches | None = None

    def filter_for(self, scope: str, actor: Actor) -> Q:
        rule: ScopeFilter = getattr(self, scope)
        return rule(actor)

    def branches_for(self, scope: str, actor: Actor) -> list[Q]:
        """The scope's filter as branches whose OR it is: one branch unless the rule was made
        ``from_branches``. A long list is counted branch by branch, each from its own index."""
        if self.branches is None:
            return [self.filter_for(scope, actor)]
        return self.branches(scope, actor)

    @classmethod
    def from_branches(cls, branches: ScopeBranches) -> ScopeRule:
        """A rule whose every scope is the OR of the branches ``branches`` gives for it."""

        def scope(name: str) -> ScopeFilter:
            return lambda actor: any_of(branches(name, actor))

        return cls(
            own=scope("own"),
            team=scope("team"),
            department=scope("department"),
            company=scope("company"),
            branches=branches,
        )


def any_of(branches: list[Q]) -> Q:
    """The OR of ``branches``; with none, a filter that matches nothing."""
    if not branches:
        return Q(pk__in=[])
    return reduce(or_, branches)


@dataclass(frozen=True)
class Resource:
    code: str
    label: Any
    actions: tuple[str, ...]
    scoped: bool
    scope_rule: ScopeRule | None = None
    default_grants: dict[str, dict[str, str]] = field(default_factory=dict)


_resources: dict[str, Resource] = {}


def register(resource: Resource) -> None:
    if resource.scoped and resource.scope_rule is None:
        raise ValueError(f"scoped resource {resource.code} needs a scope rule")
    _resources[resource.code] = resource


def get(code: str) -> Resource:
    return _resources[code]


def all_resources() -> list[Resource]:
    return sorted(_resources.values(), key=lambda r: r.code)
