"""Signing in: passwords, lockout, TOTP without replay, recovery codes, sessions, tokens."""

import datetime as dt

import pyotp
import pytest
from django.contrib.auth.hashers import identify_hasher

from baton.accounts import services
from baton.accounts.models import User
from baton.audit.models import AuditEvent
from baton.core import clock
from baton.core.errors import InvalidInput
from baton.core.testing import PASSWORD
from baton.org.services import employee_status_change

pytestmark = pytest.mark.django_db


def test_password_is_stored_with_argon2(org, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = org.user("S1101")
    services.password_set(actor=user, user=user, password="a much longer passphrase 2026")
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"


@pytest.mark.parametrize("password", ["short1!", "password123456", "123456789012345"])
def test_weak_passwords_are_refused(org, password):
    with pytest.raises(InvalidInput) as exc:
        services.password_set(actor=None, user=org.user("S1101"), password=password)
    assert "password" in exc.value.fields


def test_login_without_mfa_is_done_in_one_step(org):
    outcome = services.login_password_check(employee_no="S1101", password=PASSWORD)
    assert outcome.step == services.LoginStep.DONE


def test_login_for_mfa_role_needs_a_code(org):
    assert (
        services.login_password_check(employee_no="H0001", password=PASSWORD).step == services.LoginStep.MFA
    )


def test_wrong_password_message_does_not_reveal_the_account(org):
    with pytest.raises(services.LoginRefused) as known:
        services.login_password_check(employee_no="S1101", password="wrong password here")
    with pytest.raises(services.LoginRefused) as unknown:
        services.login_password_check(employee_no="NOBODY1", password="wrong password here")
    assert str(known.value.message) == str(unknown.value.message)


def test_lockout_after_five_failures_in_thirty_minutes_by_account(org):
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    for minute in range(5):
        with clock.frozen_at(start + dt.timedelta(minutes=minute)), pytest.raises(services.LoginRefused):
            services.login_password_check(employee_no="S1101", password="not the password!")
    with clock.frozen_at(start + dt.timedelta(minutes=6)), pytest.raises(services.LoginRefused) as exc:
        services.login_password_check(employee_no="S1101", password=PASSWORD)
    assert exc.value.code == "account_locked"
    # Another account is not affected.
    with clock.frozen_at(start + dt.timedelta(minutes=6)):
        services.login_password_check(employee_no="S1102", password=PASSWORD)
    # Thirty minutes after the first failure the oldest one leaves the window.
    with clock.frozen_at(start + dt.timedelta(minutes=30, seconds=1)):
        assert services.login_password_check(employee_no="S1101", password=PASSWORD).user == org.user("S1101")


def test_four_failures_do_not_lock(org):
    for _ in range(4):
        with pytest.raises(services.LoginRefused):
            services.login_password_check(employee_no="S1101", password="not the password!")
    services.login_password_check(employee_no="S1101", password=PASSWORD)


def test_totp_code_cannot_be_used_twice(org):
    user = org.user("H0001")
    code = org.otp("H0001")
    assert services.mfa_verify(user=user, code=code) is True
    assert services.mfa_verify(user=user, code=code) is False


def test_recovery_code_works_once(org):
    user = org.user("F0001")
    codes = services.mfa_install(actor=None, user=user, secret=pyotp.random_base32())
    assert services.mfa_verify(user=user, code=codes[0]) is True
    assert services.mfa_verify(user=user, code=codes[0]) is False


def test_enrolment_needs_a_correct_first_code(org):
    user = org.user("S1101")
    start = services.mfa_enrol_begin(user=user)
    with pytest.raises(InvalidInput):
        services.mfa_enrol_confirm(
            user=user, code="000000" if pyotp.TOTP(start.secret).now() != "000000" else "111111"
        )
    assert AuditEvent.objects.filter(action="auth.mfa_enrol", result="denied", actor_id=user.pk).exists()
    codes = services.mfa_enrol_confirm(user=user, code=pyotp.TOTP(start.secret).now())
    assert len(codes) == services.RECOVERY_CODE_COUNT
    assert services.user_has_mfa(user=user)


def test_every_login_decision_is_audited(org):
    with pytest.raises(services.LoginRefused):
        services.login_password_check(employee_no="S1101", password="not the password!")
    services.login_password_check(employee_no="S1101", password=PASSWORD)
    results = list(
        AuditEvent.objects.filter(action="auth.login_password", actor_label="S1101")
        .order_by("seq")
        .values_list("result", flat=True)
    )
    assert results == ["denied", "success"]


def test_leaver_cannot_log_in_and_tokens_stop(org):
    token, _ = services.api_token_issue(employee_no="S1101", password=PASSWORD, otp=None)
    assert services.api_token_authenticate(raw=token) is not None
    employee = org.employees["S1101"]
    employee_status_change(
        actor=org.user("H0001"), employee=employee, status="left", reason="resigned", via_offboarding=True
    )
    assert services.api_token_authenticate(raw=token) is None
    with pytest.raises(services.LoginRefused) as exc:
        services.login_password_check(employee_no="S1101", password=PASSWORD)
    assert exc.value.code == "account_disabled"


def test_frozen_account_cannot_log_in(org):
    services.user_freeze(actor=org.user("H0001"), user=org.user("S1102"), reason="investigation")
    with pytest.raises(services.LoginRefused):
        services.login_password_check(employee_no="S1102", password=PASSWORD)


def test_log_out_everywhere_changes_the_session_hash(org):
    user = org.user("S1101")
    before = user.get_session_auth_hash()
    services.sessions_revoke_all(actor=user, user=user)
    assert User.objects.get(pk=user.pk).get_session_auth_hash() != before


def test_token_requires_otp_for_mfa_users(org):
    with pytest.raises(services.LoginRefused) as exc:
        services.api_token_issue(employee_no="H0001", password=PASSWORD, otp=None)
    assert exc.value.code == "invalid_otp"
    token, expires = services.api_token_issue(employee_no="H0001", password=PASSWORD, otp=org.otp("H0001"))
    assert token.startswith("bt_") and expires > clock.now()


def test_expired_token_is_refused(org):
    token, expires = services.api_token_issue(employee_no="S1101", password=PASSWORD, otp=None)
    with clock.frozen_at(expires + dt.timedelta(seconds=1)):
        assert services.api_token_authenticate(raw=token) is None
