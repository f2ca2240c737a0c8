"""Who plays which part in a departure: the leaver's team lead, department head, HR, finance and
management. Pure look-ups, used by services to notify and by checks to authorise."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from baton.accounts.models import User
from baton.org.models import Department, Employee, EmployeeStatus


def team_lead_of(employee: Employee) -> Employee | None:
    """The lead of the employee's team, unless that is the employee."""
    lead = employee.team.lead if employee.team_id and employee.team is not None else None
    return lead if lead is not None and lead.pk != employee.pk else None


def department_head_of(employee: Employee) -> Employee | None:
    """The head of the employee's department, or of the nearest department above that has one."""
    department: Department | None = employee.department
    while department is not None:
        if department.head_id and department.head_id != employee.pk:
            return department.head
        department = department.parent
    return None


def users_with_role(*, company_id: int, role: str) -> QuerySet[User]:
    """Active accounts of the company's current employees that hold ``role``."""
    return User.objects.filter(
        is_active=True,
        is_frozen=False,
        role_assignments__role__code=role,
        employee__company_id=company_id,
        employee__status__in=[EmployeeStatus.ACTIVE, EmployeeStatus.PROBATION],
    ).distinct()


def user_of(employee: Employee | None) -> User | None:
    user = employee.user if employee is not None else None
    if user is None:
        return None
    return user if user.is_active and not user.is_frozen else None


def holds_role(user: Any, role: str) -> bool:
    from baton.authz.actor import actor_for

    return role in actor_for(user).role_codes
