"""HR and administrators give employees login accounts and manage them; people change their own password."""

import datetime as dt

import pytest
from django.test import Client

from baton.accounts.models import User
from baton.accounts.services import LoginRefused, api_token_issue, login_password_check, user_has_mfa
from baton.audit.models import AuditEvent
from baton.authz.models import Role
from baton.authz.services import grant_set
from baton.core.testing import PASSWORD, MatrixCase, assert_matrix
from baton.org.models import Employee, EmployeeStatus, TeamRole

pytestmark = pytest.mark.django_db

ACCOUNTS = "/api/v1/accounts/"
NEW_PASSWORD = "a fresh start for the new hire"


@pytest.fixture
def newcomer(org):
    return Employee.objects.create(
        company=org.company,
        employee_no="S1103",
        name="何新",
        department=org.departments["south"],
        team=org.teams["south1"],
        team_role=TeamRole.CUSTOMER_MANAGER,
        hire_date=dt.date(2026, 11, 2),
        status=EmployeeStatus.PROBATION,
    )


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_account_list_matrix(org):
    assert_matrix(org, MatrixCase(url=ACCOUNTS, permitted="H0001", no_permission="S1101", api=True))


def test_account_detail_is_limited_to_the_callers_employee_scope(org):
    lead = Role.objects.get(code="team_lead")
    grant_set(actor=org.user("admin"), role=lead, resource="account", action="view", scope="company")
    url = f"{ACCOUNTS}{org.user('S1201').pk}/"
    assert_matrix(
        org, MatrixCase(url=url, permitted="H0001", no_permission="S1101", out_of_scope="S1100", api=True)
    )


def test_hr_gives_a_newcomer_an_account_with_the_team_roles_default(org, newcomer):
    response = post(org.client_for("H0001"), ACCOUNTS, {"employee": newcomer.pk, "password": NEW_PASSWORD})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["employee_no"] == "S1103" and body["roles"] == ["sales"] and body["mfa_enabled"] is False
    assert login_password_check(employee_no="S1103", password=NEW_PASSWORD).user.pk == body["id"]
    assert AuditEvent.objects.filter(action="auth.account_created", actor_label="H0001").exists()


def test_choosing_roles_needs_the_role_grant(org, newcomer):
    body = {"employee": newcomer.pk, "password": NEW_PASSWORD, "roles": ["admin"]}
    assert post(org.client_for("H0001"), ACCOUNTS, body).status_code == 403
    assert not User.objects.filter(employee_no="S1103").exists()
    response = post(org.client_for("admin"), ACCOUNTS, body | {"roles": ["sales", "team_lead"]})
    assert response.status_code == 201 and response.json()["roles"] == ["sales", "team_lead"]


@pytest.mark.parametrize(("password", "field"), [("short", "password"), ("1234567890123", "password")])
def test_weak_initial_password_is_refused(org, newcomer, password, field):
    response = post(org.client_for("H0001"), ACCOUNTS, {"employee": newcomer.pk, "password": password})
    assert response.status_code == 400 and field in response.json()["error"]["fields"]
    assert not User.objects.filter(employee_no="S1103").exists()


def test_second_account_for_one_employee_is_refused(org):
    response = post(
        org.client_for("H0001"), ACCOUNTS, {"employee": org.employees["S1101"].pk, "password": NEW_PASSWORD}
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "account_exists"


def test_freeze_and_unfreeze(org):
    hr, target = org.client_for("H0001"), org.user("S1102")
    frozen = post(hr, f"{ACCOUNTS}{target.pk}/freeze/", {"reason": "客户投诉调查"})
    assert frozen.status_code == 200 and frozen.json()["is_frozen"] is True
    with pytest.raises(LoginRefused) as refused:
        api_token_issue(employee_no="S1102", password=PASSWORD, otp=None)
    assert refused.value.code == "account_disabled"
    assert post(hr, f"{ACCOUNTS}{target.pk}/freeze/", {}).status_code == 400  # a reason is required
    assert post(hr, f"{ACCOUNTS}{target.pk}/unfreeze/", {}).json()["is_frozen"] is False
    api_token_issue(employee_no="S1102", password=PASSWORD, otp=None)


def test_reset_mfa(org):
    target = org.user("F0001")
    response = post(org.client_for("H0001"), f"{ACCOUNTS}{target.pk}/reset-mfa/", {})
    assert response.status_code == 200 and response.json()["mfa_enabled"] is False
    assert not user_has_mfa(user=target)


def test_people_change_their_own_password(org):
    client = org.client_for("S1101")
    wrong = post(
        client, "/api/v1/auth/password/", {"old_password": "not it at all", "new_password": NEW_PASSWORD}
    )
    assert wrong.status_code == 400 and "old_password" in wrong.json()["error"]["fields"]
    ok = post(client, "/api/v1/auth/password/", {"old_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert ok.status_code == 204
    assert login_password_check(employee_no="S1101", password=NEW_PASSWORD).user == org.user("S1101")
    assert Client().post("/api/v1/auth/password/", {}, content_type="application/json").status_code == 401
