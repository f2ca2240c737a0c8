"""Everything about the acting user that scope filters need, computed once per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Q

from baton.authz.models import SCOPE_ORDER, Grant


@dataclass
class Actor:
    user: Any
    # What other apps derive from the actor for their scope filters (the customers someone
    # collaborates on, say), computed once per request like the properties below.
    derived: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def employee(self) -> Any:
        return getattr(self.user, "employee", None)

    @property
    def employee_id(self) -> int | None:
        return self.employee.pk if self.employee is not None else None

    @cached_property
    def company_ids(self) -> list[int] | None:
        """The actor's company and its subsidiaries; None means every company (system accounts)."""
        from baton.org.models import Company

        if self.employee is None:
            return None
        ids = [self.employee.company_id]
        frontier = list(ids)
        while frontier:
            frontier = list(Company.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.extend(frontier)
        return ids

    @cached_property
    def team_ids(self) -> list[int]:
        """Teams the actor belongs to or leads."""
        from baton.org.models import Team

        if self.employee is None:
            return []
        led = list(Team.objects.filter(lead_id=self.employee.pk).order_by().values_list("pk", flat=True))
        own = [self.employee.team_id] if self.employee.team_id else []
        return sorted(set(led + own))

    @cached_property
    def department_paths(self) -> list[str]:
        """Materialised paths of the actor's own department and any department they head."""
        from baton.org.models import Department

        if self.employee is None:
            return []
        rows = Department.objects.filter(
            Q(pk=self.employee.department_id) | Q(head_id=self.employee.pk)
        ).values_list("path", flat=True)
        return sorted(set(rows))

    @cached_property
    def department_team_ids(self) -> list[int]:
        """Teams of the departments in ``department_paths`` and of everything below them: what a
        department-wide scope covers, as ids, so a filter on a big table needs no join."""
        from baton.org.models import Team

        if not self.department_paths:
            return []
        under = Q()
        for path in self.department_paths:
            under |= Q(department__path__startswith=path)
        return list(Team.objects.filter(under).order_by("pk").values_list("pk", flat=True))

    @cached_property
    def grants(self) -> dict[tuple[str, str], str]:
        """(resource, action) -> the broadest scope any of the actor's roles grants."""
        best: dict[tuple[str, str], str] = {}
        rows = Grant.objects.filter(role__assignments__user=self.user).values_list(
            "resource", "action", "scope"
        )
        for resource, action, scope in rows:
            key = (resource, action)
            if key not in best or SCOPE_ORDER.index(scope) > SCOPE_ORDER.index(best[key]):  # type: ignore[arg-type]
                best[key] = scope
        return best

    @cached_property
    def role_codes(self) -> list[str]:
        from baton.authz.models import Role

        return list(Role.objects.filter(assignments__user=self.user).values_list("code", flat=True))

    def scope_for(self, resource: str, action: str) -> str | None:
        return self.grants.get((resource, action))

    def can(self, resource: str, action: str) -> bool:
        return (resource, action) in self.grants


def actor_for(user: Any) -> Actor:
    """The cached Actor of a user object (one per request, since the user object is per request)."""
    cached = getattr(user, "_baton_actor", None)
    if cached is None:
        cached = Actor(user=user)
        user._baton_actor = cached
    return cached
