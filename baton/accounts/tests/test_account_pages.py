"""The login-account card on an employee's page, and changing one's own password."""

import datetime as dt

import pytest

from baton.accounts.models import User
from baton.accounts.services import login_password_check
from baton.core.testing import PASSWORD, MatrixCase, assert_matrix
from baton.org.models import Employee, EmployeeStatus, TeamRole

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a fresh start for the new hire"


@pytest.fixture
def newcomer(org):
    return Employee.objects.create(
        company=org.company,
        employee_no="S1103",
        name="何新",
        department=org.departments["south"],
        team=org.teams["south1"],
        team_role=TeamRole.FOLLOW_UP,
        hire_date=dt.date(2026, 11, 2),
        status=EmployeeStatus.PROBATION,
    )


def employee_page(org, no):
    return f"/org/employees/{org.employees[no].pk}/"


def test_account_card_shows_for_hr_not_for_sales(org):
    hr_page = org.client_for("H0001").get(employee_page(org, "S1102")).content.decode()
    assert 'id="login-account"' in hr_page and "/freeze/" in hr_page
    sales_page = org.client_for("S1101").get(employee_page(org, "S1102")).content.decode()
    assert 'id="login-account"' not in sales_page


def test_account_create_page_matrix(org, newcomer):
    url = f"/accounts/manage/employees/{newcomer.pk}/account/"
    assert_matrix(org, MatrixCase(url=url, permitted="H0001", no_permission="S1101"))


def test_hr_creates_an_account_from_the_employee_page(org, newcomer):
    url = f"/accounts/manage/employees/{newcomer.pk}/account/"
    response = org.client_for("H0001").post(
        url, {"new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == f"/org/employees/{newcomer.pk}/"
    user = login_password_check(employee_no="S1103", password=NEW_PASSWORD).user
    assert [a.role.code for a in user.role_assignments.all()] == ["sales"]


def test_mismatched_passwords_create_nothing(org, newcomer):
    url = f"/accounts/manage/employees/{newcomer.pk}/account/"
    response = org.client_for("H0001").post(url, {"new_password": NEW_PASSWORD, "new_password2": "different"})
    assert response.status_code == 200 and "new_password2" in response.context["form"].errors
    assert not User.objects.filter(employee_no="S1103").exists()


def test_freezing_ends_the_frozen_persons_sessions(org):
    target = org.user("S1102")
    their_browser = org.client_for("S1102")
    assert their_browser.get("/").status_code == 200
    response = org.client_for("H0001").post(f"/accounts/manage/{target.pk}/freeze/", {"reason": "离职调查"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_frozen and target.frozen_reason == "离职调查"
    assert their_browser.get("/").status_code == 302  # back to the login page


def test_freezing_needs_a_reason(org):
    target = org.user("S1102")
    org.client_for("H0001").post(f"/accounts/manage/{target.pk}/freeze/", {"reason": ""})
    target.refresh_from_db()
    assert not target.is_frozen


def test_unknown_operation_is_not_a_route(org):
    response = org.client_for("H0001").post(f"/accounts/manage/{org.user('S1102').pk}/delete/")
    assert response.status_code == 404


def test_sales_cannot_manage_accounts(org):
    response = org.client_for("S1101").post(
        f"/accounts/manage/{org.user('S1102').pk}/freeze/", {"reason": "x"}
    )
    assert response.status_code == 403


def test_password_change_keeps_this_session_and_ends_the_others(org):
    here, elsewhere = org.client_for("S1101"), org.client_for("S1101")
    response = here.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert login_password_check(employee_no="S1101", password=NEW_PASSWORD).user == org.user("S1101")


def test_wrong_current_password_changes_nothing(org):
    response = org.client_for("S1101").post(
        "/accounts/password/",
        {"old_password": "not my password", "new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200 and "old_password" in response.context["form"].errors
    login_password_check(employee_no="S1101", password=PASSWORD)
