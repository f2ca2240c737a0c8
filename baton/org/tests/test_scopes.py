"""Data scopes on employee records: who sees whom."""

import pytest

from baton.org.selectors import employees_visible_to

pytestmark = pytest.mark.django_db


def visible(org, employee_no):
    return set(employees_visible_to(user=org.user(employee_no)).values_list("employee_no", flat=True))


def test_sales_sees_own_team_only(org):
    assert visible(org, "S1101") == {"S1100", "S1101", "S1102"}


def test_team_lead_sees_team(org):
    assert visible(org, "S1100") == {"S1100", "S1101", "S1102"}


def test_department_head_sees_department_subtree(org):
    assert visible(org, "S1000") == {"S1000", "S1100", "S1101", "S1102", "S1201"}


def test_management_sees_company(org):
    assert len(visible(org, "M0001")) == len(org.employees)


def test_user_without_roles_sees_nobody(org):
    assert visible(org, "X0001") == set()


def test_finance_sees_only_self(org):
    assert visible(org, "F0001") == {"F0001"}
