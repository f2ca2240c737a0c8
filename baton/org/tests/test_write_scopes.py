"""Writes to employee records stay inside the writer's scope, whichever door they come in by."""

import pytest

from baton.audit.models import AuditEvent
from baton.authz.models import Role
from baton.authz.services import grant_set
from baton.core.errors import InvalidInput
from baton.org.models import Employee
from baton.org.services import employee_create, employee_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_may_change_department(org):
    role = Role.objects.get(code="department_head")
    admin = org.user("admin")
    grant_set(actor=admin, role=role, resource="employee", action="change", scope="department")
    grant_set(actor=admin, role=role, resource="employee", action="create", scope="department")
    return org.user("S1000")


def test_department_head_moves_within_the_department(org, head_may_change_department):
    employee_update(
        actor=head_may_change_department, employee=org.employees["S1101"], team=org.teams["south2"]
    )
    assert Employee.objects.get(employee_no="S1101").team == org.teams["south2"]


def test_department_head_cannot_move_someone_out_of_reach(org, head_may_change_department):
    with pytest.raises(InvalidInput) as exc:
        employee_update(
            actor=head_may_change_department,
            employee=org.employees["S1101"],
            department=org.departments["east"],
            team=None,
            team_role="",
        )
    assert exc.value.code == "outside_scope"
    s1101 = Employee.objects.get(employee_no="S1101")
    assert s1101.department == org.departments["south"] and not s1101.moves.exists()
    assert AuditEvent.objects.filter(action="access.denied", actor_label="S1000").exists()
    assert not AuditEvent.objects.filter(action="org.employee_changed").exists()


def test_department_head_cannot_change_someone_outside_the_department(org, head_may_change_department):
    with pytest.raises(InvalidInput):
        employee_update(actor=head_may_change_department, employee=org.employees["E2001"], name="改名")
    assert Employee.objects.get(employee_no="E2001").name == "孙丽"


def test_department_head_cannot_add_people_elsewhere(org, head_may_change_department):
    import datetime as dt

    with pytest.raises(InvalidInput) as exc:
        employee_create(
            actor=head_may_change_department,
            company=org.company,
            employee_no="E2099",
            name="新人",
            department=org.departments["east"],
            hire_date=dt.date(2026, 11, 1),
        )
    assert exc.value.code == "outside_scope"
    assert not Employee.objects.filter(employee_no="E2099").exists()
