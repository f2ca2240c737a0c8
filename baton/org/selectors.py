"""Reading the organisation. People records always go through the data scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from baton.authz.selectors import restrict
from baton.org.models import Company, Department, Employee, EmployeeMove, Position, Team


def employees_visible_to(*, user: Any, action: str = "view") -> QuerySet[Employee]:
    """Employees whose records ``user`` may ``action``, per the employee data scope."""
    base = Employee.objects.select_related("company", "department", "team", "position", "manager")
    return restrict(base, user=user, resource="employee", action=action)


def employee_moves(*, employee: Employee) -> QuerySet[EmployeeMove]:
    """The employee's history of moves and status changes, newest first."""
    return employee.moves.select_related("operator").order_by("-occurred_at", "-id")


def companies_visible_to(*, user: Any) -> QuerySet[Company]:
    return restrict(Company.objects.select_related("parent"), user=user, resource="org", action="view")


def departments_visible_to(*, user: Any) -> QuerySet[Department]:
    """Departments (structure, not people data) for holders of ``org.view``."""
    base = Department.objects.select_related("company", "parent", "head")
    return restrict(base, user=user, resource="org", action="view").order_by("company_id", "path")


def teams_visible_to(*, user: Any) -> QuerySet[Team]:
    base = Team.objects.select_related("department", "lead")
    return restrict(base, user=user, resource="org", action="view")


def positions_visible_to(*, user: Any) -> QuerySet[Position]:
    return restrict(Position.objects.select_related("company"), user=user, resource="org", action="view")


def org_tree(*, user: Any) -> list[dict[str, Any]]:
    """The department tree with teams and head counts, as nested dicts for the org chart."""
    departments = list(
        departments_visible_to(user=user).prefetch_related(
            Prefetch("teams", queryset=Team.objects.select_related("lead").order_by("name"))
        )
    )
    counts = dict(
        Employee.objects.filter(department_id__in=[d.pk for d in departments])
        .exclude(status="left")
        .values("department_id")
        .annotate(n=Count("id"))
        .values_list("department_id", "n")
    )
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for dept in departments:
        node = {
            "department": dept,
            "teams": list(dept.teams.all()),
            "children": [],
            "headcount": counts.get(dept.pk, 0),
        }
        nodes[dept.pk] = node
        parent = nodes.get(dept.parent_id) if dept.parent_id else None
        (parent["children"] if parent else roots).append(node)
    return roots
