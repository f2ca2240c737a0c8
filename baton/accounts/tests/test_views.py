"""Signing in and out through the pages, as a person would."""

import datetime as dt

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from baton.accounts.middleware import LOGIN_TIME_KEY
from baton.accounts.models import ApiToken, RecoveryCode, TotpDevice
from baton.audit.models import AuditEvent
from baton.core import clock
from baton.core.testing import PASSWORD, build_small_org

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
MFA = "/accounts/login/mfa/"
ENROL = "/accounts/mfa/enrol/"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def password_step(client, employee_no, password=PASSWORD, **extra):
    return client.post(LOGIN, {"employee_no": employee_no, "password": password, **extra})


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_login_page_is_public_and_carries_no_watermark(org):
    response = Client().get(LOGIN)
    assert response.status_code == 200
    assert b'class="watermark"' not in response.content
    assert b"htmx" in response.content


def test_user_without_mfa_signs_in_with_password(org):
    client = Client()
    response = password_step(client, "S1101")
    assert response.status_code == 302 and response["Location"] == "/"
    assert LOGIN_TIME_KEY in client.session
    page = client.get("/")
    assert page.status_code == 200
    assert "S1101" in page.content.decode()


def test_login_goes_to_next_but_never_off_site(org):
    client = Client()
    assert password_step(client, "S1101", next="/org/")["Location"] == "/org/"
    other = Client()
    assert password_step(other, "S1101", next="https://evil.example/")["Location"] == "/"


def test_wrong_password_and_unknown_account_get_the_same_answer(org):
    wrong = password_step(Client(), "S1101", password="not the password")
    unknown = password_step(Client(), "NOBODY1", password="not the password")
    assert wrong.status_code == unknown.status_code == 200
    message = "Employee number or password is incorrect."
    assert message in wrong.content.decode() and message in unknown.content.decode()


def test_user_with_mfa_needs_the_code(org):
    client = Client()
    response = password_step(client, "H0001")
    assert response.status_code == 302 and response["Location"] == MFA
    assert not signed_in(client)  # the password alone signs no one in
    assert client.get(MFA).status_code == 200
    response = client.post(MFA, {"code": org.otp("H0001")})
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(client)


def test_the_same_code_is_refused_the_second_time(org):
    code = org.otp("H0001")
    first = Client()
    password_step(first, "H0001")
    assert first.post(MFA, {"code": code}).status_code == 302
    second = Client()
    password_step(second, "H0001")
    response = second.post(MFA, {"code": code})
    assert response.status_code == 200
    assert "not correct or was already used" in response.content.decode()
    assert not signed_in(second)


def test_a_recovery_code_works_once(org):
    from baton.accounts.services import mfa_install

    codes = mfa_install(actor=None, user=org.user("H0001"), secret=org.totp_secrets["H0001"])
    client = Client()
    password_step(client, "H0001")
    assert client.post(MFA, {"code": codes[0]}).status_code == 302
    assert RecoveryCode.objects.filter(user=org.user("H0001"), used_at__isnull=True).count() == len(codes) - 1


def test_pending_login_expires_after_five_minutes(org):
    client = Client()
    start = clock.now()
    with clock.frozen_at(start):
        password_step(client, "H0001")
    with clock.frozen_at(start + dt.timedelta(minutes=6)):
        response = client.post(MFA, {"code": org.otp("H0001")})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert not signed_in(client)


def test_five_wrong_codes_end_the_pending_login(org):
    client = Client()
    password_step(client, "H0001")
    for _ in range(4):
        assert client.post(MFA, {"code": "000000"}).status_code == 200
    response = client.post(MFA, {"code": "000000"})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert client.post(MFA, {"code": org.otp("H0001")})["Location"] == LOGIN
    assert not signed_in(client)


def test_mfa_step_without_password_goes_back_to_login(org):
    response = Client().get(MFA)
    assert response.status_code == 302 and response["Location"] == LOGIN


def test_lockout_after_five_bad_passwords(org):
    client = Client()
    for _ in range(5):
        password_step(client, "S1101", password="wrong password!")
    response = password_step(client, "S1101")
    assert response.status_code == 200
    assert "locked" in response.content.decode()
    assert not signed_in(client)


@pytest.fixture
def org_without_mfa(db):
    return build_small_org(with_mfa=False)


def test_management_user_must_enrol_before_signing_in(org_without_mfa):
    client = Client()
    response = password_step(client, "M0001")
    assert response.status_code == 302 and response["Location"] == ENROL
    assert not signed_in(client)
    page = client.get(ENROL)
    assert page.status_code == 200
    assert b"<svg" in page.content
    secret = page.context["secret"]
    assert secret in page.content.decode()

    wrong = client.post(ENROL, {"code": "000000"})
    assert wrong.status_code == 200 and "not correct" in wrong.content.decode()
    assert not signed_in(client)

    done = client.post(ENROL, {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    assert signed_in(client)
    user = org_without_mfa.user("M0001")
    assert TotpDevice.objects.get(user=user).confirmed

    # From now on the password is followed by the code.
    again = Client()
    assert password_step(again, "M0001")["Location"] == MFA


def test_signed_in_user_may_turn_mfa_on(org_without_mfa):
    client = org_without_mfa.client_for("S1101")
    page = client.get(ENROL)
    assert page.status_code == 200
    client.post(ENROL, {"code": pyotp.TOTP(page.context["secret"]).now()})
    security = client.get("/accounts/security/")
    assert security.context["has_mfa"] is True
    assert security.context["recovery_left"] == 10


def test_enrolment_page_needs_a_pending_login_or_a_session(org):
    response = Client().get(ENROL)
    assert response.status_code == 302 and response["Location"] == LOGIN


def test_enrolment_when_mfa_is_on_already_goes_to_security(org):
    response = org.client_for("H0001").get(ENROL)
    assert response.status_code == 302 and response["Location"] == "/accounts/security/"


def test_logout_is_post_only_and_audited(org):
    client = org.client_for("S1101")
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert not signed_in(client)
    assert AuditEvent.objects.filter(action="auth.logout", actor_label="S1101").exists()


def test_log_out_everywhere_ends_other_sessions(org):
    laptop = org.client_for("S1101")
    phone = org.client_for("S1101")
    assert signed_in(phone)
    response = laptop.post("/accounts/logout/everywhere/")
    assert response.status_code == 302
    assert not signed_in(laptop)
    assert not signed_in(phone)
    assert AuditEvent.objects.filter(action="auth.sessions_revoked", actor_label="S1101").exists()


def test_security_page_matrix(org):
    response = Client().get("/accounts/security/")
    assert response.status_code == 302 and LOGIN in response["Location"]
    page = org.client_for("H0001").get("/accounts/security/")
    assert page.status_code == 200
    assert page.context["has_mfa"] is True


def _token(user, **kw):
    now = clock.now()
    return ApiToken.objects.create(
        user=user,
        key_hash=f"{user.pk}-{now.timestamp()}-{kw}",
        created_at=now,
        expires_at=now + dt.timedelta(hours=1),
    )


def test_user_revokes_own_api_token(org):
    token = _token(org.user("S1101"))
    client = org.client_for("S1101")
    assert token in client.get("/accounts/security/").context["tokens"]
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_revokes_another_users_token(org):
    token = _token(org.user("S1102"))
    response = org.client_for("S1101").post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_revoke_matrix(org):
    token = _token(org.user("S1101"))
    anon = Client().post(f"/accounts/tokens/{token.pk}/revoke/")
    assert anon.status_code == 302 and LOGIN in anon["Location"]
    assert org.client_for("S1102").post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
