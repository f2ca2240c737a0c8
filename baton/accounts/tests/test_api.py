"""API sign-in: bearer tokens, who-am-I, and ending every session."""

import pytest
from django.test import Client

from baton.accounts.models import ApiToken, LoginAttempt
from baton.accounts.services import mfa_reset, user_freeze
from baton.audit.models import AuditEvent
from baton.core.testing import PASSWORD
from baton.org.services import employee_status_change

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/auth/me/"
EVERYWHERE_URL = "/api/v1/auth/logout-everywhere/"


def issue(employee_no, *, password=PASSWORD, otp=None, client=None):
    body = {"employee_no": employee_no, "password": password}
    if otp is not None:
        body["otp"] = otp
    return (client or Client()).post(TOKEN_URL, body, content_type="application/json")


def token_of(org, employee_no):
    otp = org.otp(employee_no) if employee_no in org.totp_secrets else None
    response = issue(employee_no, otp=otp)
    assert response.status_code == 201, response.json()
    return response.json()["token"]


def bearer(token):
    return Client(headers={"Authorization": f"Bearer {token}"})


def error_code(response):
    return response.json()["error"]["code"]


# --- Issuing tokens -----------------------------------------------------------------------------


def test_hr_gets_a_token_with_password_and_otp_and_uses_it(org):
    response = issue("H0001", otp=org.otp("H0001"))

    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("bt_") and body["expires_at"]
    me = bearer(body["token"]).get(ME_URL)
    assert me.status_code == 200
    assert me.json()["employee_no"] == "H0001"
    assert AuditEvent.objects.filter(action="auth.token_issued", actor_label="H0001").exists()


def test_the_same_otp_is_refused_the_second_time(org):
    otp = org.otp("H0001")
    assert issue("H0001", otp=otp).status_code == 201

    again = issue("H0001", otp=otp)

    assert again.status_code == 401
    assert error_code(again) == "invalid_otp"


def test_mfa_account_without_otp_is_refused_with_401(org):
    response = issue("H0001")

    assert response.status_code == 401
    assert error_code(response) == "invalid_otp"
    assert not ApiToken.objects.exists()


def test_wrong_password_is_401_and_names_bearer(org):
    response = issue("S1101", password="not the password at all")

    assert response.status_code == 401
    assert error_code(response) == "invalid_credentials"
    assert response["WWW-Authenticate"] == "Bearer"


def test_unknown_employee_no_answers_like_a_wrong_password(org):
    response = issue("Z9999")

    assert response.status_code == 401
    assert error_code(response) == "invalid_credentials"


def test_sales_without_mfa_gets_a_token_without_otp(org):
    response = issue("S1101")

    assert response.status_code == 201
    assert ApiToken.objects.filter(user=org.user("S1101")).count() == 1


def test_frozen_account_is_refused_with_403(org):
    user_freeze(actor=org.user("admin"), user=org.user("S1102"), reason="investigation")

    response = issue("S1102")

    assert response.status_code == 403
    assert error_code(response) == "account_disabled"


def test_locked_account_is_refused_with_403_even_with_the_right_password(org):
    for _ in range(5):
        assert issue("S1101", password="wrong password 123").status_code == 401

    response = issue("S1101")

    assert response.status_code == 403
    assert error_code(response) == "account_locked"


def test_role_needing_mfa_without_enrolment_is_refused_with_403(org):
    mfa_reset(actor=org.user("admin"), user=org.user("F0001"))

    response = issue("F0001")

    assert response.status_code == 403
    assert error_code(response) == "mfa_enrolment_required"


def test_malformed_employee_no_is_a_field_error_and_no_attempt_is_counted(org):
    response = issue("工号 with spaces!")

    assert response.status_code == 400
    assert error_code(response) == "invalid"
    assert "employee_no" in response.json()["error"]["fields"]
    assert not LoginAttempt.objects.exists()


def test_token_request_with_unknown_field_is_refused(org):
    response = Client().post(
        TOKEN_URL,
        {"employee_no": "S1101", "password": PASSWORD, "remember": True},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"remember": ["未知字段。"]}  # Chinese by default


def test_issuing_ignores_a_stale_bearer_header(org):
    response = issue("S1101", client=bearer("bt_revoked-long-ago"))

    assert response.status_code == 201


# --- Revoking -------------------------------------------------------------------------------------


def test_delete_revokes_the_presented_token_only(org):
    first, second = token_of(org, "S1101"), token_of(org, "S1101")

    response = bearer(first).delete(TOKEN_URL)

    assert response.status_code == 204
    assert bearer(first).get(ME_URL).status_code == 401
    assert bearer(second).get(ME_URL).status_code == 200
    assert AuditEvent.objects.filter(action="auth.token_revoked", actor_label="S1101").exists()


def test_delete_needs_a_bearer_token(org):
    assert Client().delete(TOKEN_URL).status_code == 401
    # A browser session has no token to revoke.
    assert org.client_for("S1101").delete(TOKEN_URL).status_code == 401


def test_token_of_a_frozen_account_stops_working_at_once(org):
    token = token_of(org, "S1101")
    assert bearer(token).get(ME_URL).status_code == 200

    user_freeze(actor=org.user("admin"), user=org.user("S1101"), reason="lost laptop")

    response = bearer(token).get(ME_URL)
    assert response.status_code == 401
    assert error_code(response) == "authentication_failed"


def test_token_of_a_leaver_stops_working_at_once(org):
    token = token_of(org, "S1102")

    employee_status_change(
        actor=org.user("H0001"), employee=org.employees["S1102"], status="left", via_offboarding=True
    )

    assert bearer(token).get(ME_URL).status_code == 401
    assert issue("S1102").status_code == 403


def test_logout_everywhere_ends_every_token_and_session(org):
    first, second = token_of(org, "S1101"), token_of(org, "S1101")
    browser = org.client_for("S1101")

    response = bearer(first).post(EVERYWHERE_URL)

    assert response.status_code == 204
    assert bearer(first).get(ME_URL).status_code == 401
    assert bearer(second).get(ME_URL).status_code == 401
    assert browser.get(ME_URL).status_code == 401
    assert AuditEvent.objects.filter(action="auth.sessions_revoked", actor_label="S1101").exists()


# --- Who am I -----------------------------------------------------------------------------------


def test_me_lists_roles_grants_with_scope_and_mfa(org):
    response = org.client_for("S1100").get(ME_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["employee_no"] == "S1100"
    assert body["name"] == "李娜"
    assert body["roles"] == ["sales", "team_lead"]
    assert body["grants"]["employee"]["view"] == "team"
    assert body["grants"]["employee"]["reveal"] == "team"
    assert body["grants"]["org"] == {"view": "company"}
    assert body["mfa_enabled"] is False


def test_me_of_a_user_without_roles_is_empty_but_allowed(org):
    body = org.client_for("X0001").get(ME_URL).json()

    assert body["roles"] == [] and body["grants"] == {}


def test_me_shows_mfa_for_hr(org):
    body = org.client_for("H0001").get(ME_URL).json()

    assert body["mfa_enabled"] is True and body["mfa_required"] is True


@pytest.mark.parametrize(
    ("method", "url"), [("get", ME_URL), ("post", EVERYWHERE_URL), ("delete", TOKEN_URL)]
)
def test_signed_in_endpoints_answer_anonymous_with_401(org, method, url):
    """These need only a signed-in caller, so the matrix has no 403 or 404 cell."""
    response = getattr(Client(), method)(url)

    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"
