"""Signing in and out: passwords, lockout, TOTP, recovery codes, sessions and API tokens.

Every login decision is audited. Messages to the user never say whether an account exists.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from baton.accounts.models import ApiToken, LoginAttempt, RecoveryCode, TotpDevice, User
from baton.audit.models import AuditResult
from baton.audit.services import audit_record
from baton.core import clock, context, crypto
from baton.core.errors import Forbidden, InvalidInput

logger = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
TOTP_VALID_WINDOW = 1  # accept the previous and next 30-second step for clock drift


class LoginStep(enum.StrEnum):
    DONE = "done"
    MFA = "mfa"  # password accepted, a TOTP or recovery code is needed
    ENROL = "enrol"  # password accepted, the user's role needs MFA but none is set up


@dataclass
class LoginOutcome:
    user: User
    step: LoginStep


@dataclass
class EnrolmentStart:
    secret: str
    provisioning_uri: str
    recovery_codes: list[str] = field(default_factory=list)


class LoginRefused(Forbidden):
    default_code = "login_failed"


def _bad_credentials() -> LoginRefused:
    return LoginRefused(_("Employee number or password is incorrect."), code="invalid_credentials")


def user_requires_mfa(*, user: User) -> bool:
    """Whether any of the user's roles requires MFA."""
    return user.role_assignments.filter(role__requires_mfa=True).exists()


def user_has_mfa(*, user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed=True).exists()


def _locked_until(employee_no: str, now: dt.datetime) -> dt.datetime | None:
    window_start = now - dt.timedelta(seconds=settings.LOGIN_LOCKOUT_WINDOW)
    failures = list(
        LoginAttempt.objects.filter(employee_no__iexact=employee_no, succeeded=False, at__gte=window_start)
        .exclude(reason="locked")  # attempts while locked do not extend the lock
        .order_by("-at")
        .values_list("at", flat=True)[: settings.LOGIN_LOCKOUT_ATTEMPTS]
    )
    if len(failures) < settings.LOGIN_LOCKOUT_ATTEMPTS:
        return None
    # Locked until the oldest of the last N failures leaves the window.
    return failures[-1] + dt.timedelta(seconds=settings.LOGIN_LOCKOUT_WINDOW)


def _attempt(*, employee_no: str, user: User | None, succeeded: bool, reason: str, now: dt.datetime) -> None:
    LoginAttempt.objects.create(
        employee_no=employee_no[:64],
        user=user,
        ip=context.current().ip or "",
        succeeded=succeeded,
        reason=reason,
        at=now,
    )
    audit_record(
        actor=user,
        actor_label=employee_no[:64],
        action="auth.login_password",
        object_type="accounts.user",
        object_id=str(user.pk) if user else "",
        changes={"reason": reason},
        result=AuditResult.SUCCESS if succeeded else AuditResult.DENIED,
    )


def login_password_check(*, employee_no: str, password: str) -> LoginOutcome:
    """First login step: the password, with lockout after repeated failures on the account.

    A refusal is recorded (attempt row and audit event) and committed before the error is
    raised, so failures count towards the lockout.
    """
    now = clock.now()
    employee_no = (employee_no or "").strip()
    refusal: LoginRefused | None = None
    with transaction.atomic():
        user = User.objects.select_related("employee").filter(employee_no__iexact=employee_no).first()
        locked = _locked_until(employee_no, now)
        if locked is not None:
            minutes = max(1, int((locked - now).total_seconds() // 60) + 1)
            reason, refusal = (
                "locked",
                LoginRefused(
                    _("Too many failed attempts. This account is locked for %(minutes)d more minutes.")
                    % {"minutes": minutes},
                    code="account_locked",
                ),
            )
        elif user is None or not user.check_password(password):
            reason, refusal = "bad_password", _bad_credentials()
        elif not user.may_sign_in:
            reason, refusal = (
                "account_disabled",
                LoginRefused(_("This account cannot sign in. Please contact HR."), code="account_disabled"),
            )
        else:
            if user_has_mfa(user=user):
                step = LoginStep.MFA
            elif user_requires_mfa(user=user):
                step = LoginStep.ENROL
            else:
                step = LoginStep.DONE
            reason = f"password_ok:{step}"
        _attempt(employee_no=employee_no, user=user, succeeded=refusal is None, reason=reason, now=now)
    if refusal is not None:
        raise refusal
    assert user is not None
    return LoginOutcome(user=user, step=step)


def _totp(device: TotpDevice) -> pyotp.TOTP:
    return pyotp.TOTP(crypto.decrypt(device.secret_encrypted, associated=f"totp:{device.user_id}"))


def _matching_step(totp: pyotp.TOTP, code: str, now: dt.datetime) -> int | None:
    code = "".join(code.split())
    if not code.isdigit() or len(code) != totp.digits:
        return None
    current = int(now.timestamp()) // totp.interval
    for step in range(current - TOTP_VALID_WINDOW, current + TOTP_VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _recovery_hash(user: User, code: str) -> str:
    normalised = "".join(code.split()).replace("-", "").lower()
    return hmac.new(
        settings.FIELD_HASH_KEY.encode(), f"{user.pk}:{normalised}".encode(), hashlib.sha256
    ).hexdigest()


def mfa_verify(*, user: User, code: str) -> bool:
    """Second step: a TOTP code (never accepted twice) or an unused recovery code. Audited."""
    now = clock.now()
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        ok, how = False, "totp"
        if device is not None:
            try:
                totp = _totp(device)
            except crypto.DecryptionError:
                # Fail closed: a secret that no longer decrypts (changed BATON_FIELD_KEY or
                # tampering) accepts no code; an administrator resets the user's MFA.
                logger.error("TOTP secret of user %s cannot be decrypted", user.pk)
                totp = None
            step = _matching_step(totp, code, now) if totp is not None else None
            if step is not None and step > device.last_step:
                device.last_step = step
                device.save(update_fields=["last_step"])
                ok = True
            elif step is not None:
                how = "totp_replayed"
        if not ok and how != "totp_replayed":
            recovery = (
                RecoveryCode.objects.select_for_update()
                .filter(user=user, code_hash=_recovery_hash(user, code), used_at__isnull=True)
                .first()
            )
            if recovery is not None:
                recovery.used_at = now
                recovery.save(update_fields=["used_at"])
                ok, how = True, "recovery_code"
        if not ok:
            LoginAttempt.objects.create(
                employee_no=user.employee_no,
                user=user,
                ip=context.current().ip or "",
                succeeded=False,
                reason="bad_otp",
                at=now,
            )
        audit_record(
            actor=user,
            action="auth.login_mfa",
            target=user,
            changes={"method": how},
            result=AuditResult.SUCCESS if ok else AuditResult.DENIED,
        )
    return ok


def mfa_enrol_begin(*, user: User) -> EnrolmentStart:
    """Make a new (unconfirmed) TOTP secret for the user and return its provisioning URI."""
    secret = pyotp.random_base32()
    with transaction.atomic():
        TotpDevice.objects.filter(user=user, confirmed=False).delete()
        if TotpDevice.objects.filter(user=user, confirmed=True).exists():
            raise InvalidInput(_("MFA is already set up for this account."), code="mfa_exists")
        TotpDevice.objects.create(
            user=user, secret_encrypted=crypto.encrypt(secret, associated=f"totp:{user.pk}"), confirmed=False
        )
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.employee_no, issuer_name=settings.MFA_ISSUER)
    return EnrolmentStart(secret=secret, provisioning_uri=uri)


def _new_recovery_codes(user: User) -> list[str]:
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _i in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=_recovery_hash(user, c)) for c in codes]
    )
    return codes


def mfa_enrol_confirm(*, user: User, code: str) -> list[str]:
    """Confirm enrolment with a first code; returns the recovery codes (shown once).

    A wrong code is audited as denied and the refusal raised after that record commits.
    """
    now = clock.now()
    codes: list[str] = []
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            raise InvalidInput(_("Start MFA set-up first."), code="mfa_not_started")
        step = _matching_step(_totp(device), code, now)
        if step is not None:
            device.confirmed = True
            device.last_step = step
            device.save(update_fields=["confirmed", "last_step"])
            codes = _new_recovery_codes(user)
        audit_record(
            actor=user,
            action="auth.mfa_enrol",
            target=user,
            result=AuditResult.SUCCESS if step is not None else AuditResult.DENIED,
        )
    if step is None:
        raise InvalidInput(fields={"code": [_("The code is not correct. Check the time on your phone.")]})
    return codes


def mfa_install(*, actor: Any, user: User, secret: str) -> list[str]:
    """Set a known, confirmed TOTP secret (demo data and provisioning scripts)."""
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).delete()
        TotpDevice.objects.create(
            user=user, secret_encrypted=crypto.encrypt(secret, associated=f"totp:{user.pk}"), confirmed=True
        )
        codes = _new_recovery_codes(user)
        audit_record(actor=actor, action="auth.mfa_installed", target=user)
    return codes


def mfa_reset(*, actor: Any, user: User) -> None:
    """Remove a user's authenticator and recovery codes (lost phone); they enrol again."""
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        _bump_generation(user)
        audit_record(actor=actor, action="auth.mfa_reset", target=user)


def _bump_generation(user: User) -> None:
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


def sessions_revoke_all(*, actor: Any, user: User, reason: str = "logout_everywhere") -> None:
    """End every session and API token of ``user`` at once ("log out everywhere")."""
    now = clock.now()
    with transaction.atomic():
        _bump_generation(user)
        tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        audit_record(
            actor=actor,
            action="auth.sessions_revoked",
            target=user,
            changes={"reason": reason, "tokens_revoked": tokens},
        )


def user_freeze(*, actor: Any, user: User, reason: str) -> User:
    """Freeze an account: it cannot sign in and its sessions and tokens end now."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_frozen=True, frozen_reason=reason[:200])
        user.refresh_from_db(fields=["is_frozen", "frozen_reason"])
        audit_record(actor=actor, action="auth.account_frozen", target=user, changes={"reason": reason})
        sessions_revoke_all(actor=actor, user=user, reason="account_frozen")
    return user


def user_unfreeze(*, actor: Any, user: User) -> User:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_frozen=False, frozen_reason="")
        user.refresh_from_db(fields=["is_frozen", "frozen_reason"])
        audit_record(actor=actor, action="auth.account_unfrozen", target=user)
    return user


def password_set(*, actor: Any, user: User, password: str) -> None:
    """Set a password after checking it: 12 characters or more, not a common password."""
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        raise InvalidInput(fields={"password": list(exc.messages)}) from exc
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(
            actor=actor,
            action="auth.password_changed" if actor == user else "auth.password_set",
            target=user,
        )


# Roles a new account starts with, by the employee's team role. Anything else is set by an
# administrator (the ``role.change`` grant) on the user-roles page.
DEFAULT_ROLES_BY_TEAM_ROLE: dict[str, list[str]] = {
    "lead": ["team_lead", "sales"],
    "customer_manager": ["sales"],
    "follow_up": ["sales"],
}


def account_create(*, actor: Any, employee: Any, password: str, role_codes: list[str] | None = None) -> User:
    """Give an employee a login account with an initial password.

    Without ``role_codes`` the account gets the default roles of the employee's team role.
    """
    from baton.authz.services import user_roles_set
    from baton.org.models import EmployeeStatus

    if employee.status == EmployeeStatus.LEFT:
        raise InvalidInput(_("An employee who has left cannot get an account."), code="employee_left")
    roles = DEFAULT_ROLES_BY_TEAM_ROLE.get(employee.team_role, []) if role_codes is None else role_codes
    user = User(employee_no=employee.employee_no, display_name=employee.name)
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        raise InvalidInput(fields={"password": list(exc.messages)}) from exc
    with transaction.atomic():
        if employee.user_id or User.objects.filter(employee_no__iexact=employee.employee_no).exists():
            raise InvalidInput(_("This employee already has an account."), code="account_exists")
        user.set_password(password)
        user.save()
        employee.user = user
        employee.save(update_fields=["user"])
        audit_record(
            actor=actor, action="auth.account_created", target=user, changes={"employee": employee.pk}
        )
        user_roles_set(actor=actor, user=user, role_codes=roles)
    return user


def password_change(*, user: User, old_password: str, new_password: str) -> None:
    """A user changes their own password; the current one must be given. Other sessions end,
    because the session hash covers the password."""
    if not user.check_password(old_password):
        with transaction.atomic():
            audit_record(actor=user, action="auth.password_changed", target=user, result=AuditResult.DENIED)
        raise InvalidInput(fields={"old_password": [_("The current password is not correct.")]})
    password_set(actor=user, user=user, password=new_password)


# --- API tokens ---------------------------------------------------------------------------------


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_issue(*, employee_no: str, password: str, otp: str | None) -> tuple[str, dt.datetime]:
    """Exchange 工号, password and (when set up) a TOTP code for a bearer token."""
    outcome = login_password_check(employee_no=employee_no, password=password)
    user = outcome.user
    if outcome.step == LoginStep.ENROL:
        raise LoginRefused(
            _("Set up MFA in the web interface before using the API."), code="mfa_enrolment_required"
        )
    if outcome.step == LoginStep.MFA and (not otp or not mfa_verify(user=user, code=otp)):
        raise LoginRefused(_("The one-time code is missing or not correct."), code="invalid_otp")
    now = clock.now()
    raw = "bt_" + secrets.token_urlsafe(32)
    expires = now + dt.timedelta(seconds=settings.API_TOKEN_LIFETIME)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, key_hash=_token_hash(raw), created_at=now, expires_at=expires
        )
        audit_record(actor=user, action="auth.token_issued", target=token)
    return raw, expires


def api_token_authenticate(*, raw: str) -> tuple[User, ApiToken] | None:
    """The user and token for a presented bearer token, if it is valid right now."""
    now = clock.now()
    token = (
        ApiToken.objects.select_related("user", "user__employee")
        .filter(key_hash=_token_hash(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.may_sign_in:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=clock.now())
        audit_record(actor=actor, action="auth.token_revoked", target=token)


def logout_record(*, user: User) -> None:
    audit_record(actor=user, action="auth.logout", target=user)
