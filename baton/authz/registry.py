"""Protected resources and how each one's data scopes translate into a query filter.

An app registers its resources in ``AppConfig.ready``. A scoped resource supplies a
``ScopeRule``: for a given actor, the ``Q`` filter of each scope. Selectors never build
these filters themselves; they call ``baton.authz.selectors.restrict``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q

if TYPE_CHECKING:
    from baton.authz.actor import Actor

ScopeFilter = Callable[["Actor"], Q]


@dataclass(frozen=True)
class ScopeRule:
    own: ScopeFilter
    team: ScopeFilter
    department: ScopeFilter
    company: ScopeFilter

    def filter_for(self, scope: str, actor: Actor) -> Q:
        rule: ScopeFilter = getattr(self, scope)
        return rule(actor)


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
