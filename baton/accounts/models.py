"""Identity: login accounts, TOTP devices, recovery codes, login attempts and API tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from baton.org.models import EmployeeStatus, employee_no_validator


class UserManager(BaseUserManager["User"]):
    def create_user(self, employee_no: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(employee_no=employee_no, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, employee_no: str, password: str | None = None, **extra: Any) -> User:
        from baton.audit.services import audit_record
        from baton.authz.models import Role, RoleAssignment

        user = self.create_user(employee_no, password, **extra)
        RoleAssignment.objects.create(user=user, role=Role.objects.get(code="admin"))
        audit_record(
            actor=None,
            actor_label="createsuperuser",
            action="auth.account_created",
            target=user,
            changes={"roles": ["admin"]},
        )
        return user


class User(AbstractBaseUser):
    """A login account. People log in with their 工号 (``employee_no``)."""

    employee_no = models.CharField(
        _("employee number"), max_length=32, unique=True, validators=[employee_no_validator]
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_frozen = models.BooleanField(_("frozen"), default=False)
    frozen_reason = models.CharField(_("reason for freezing"), max_length=200, blank=True)
    # Bumped by "log out everywhere", freezing and leaving: it is part of the session hash,
    # so every existing session stops verifying at its next request.
    session_generation = models.PositiveIntegerField(default=0)
    date_joined = models.DateTimeField(_("created"), auto_now_add=True)

    USERNAME_FIELD = "employee_no"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user account")
        verbose_name_plural = _("user accounts")

    def __str__(self) -> str:
        return self.display_name or self.employee_no

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        return salted_hmac(
            "baton.accounts.User.session",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def may_sign_in(self) -> bool:
        """Active, not frozen, and not attached to an employee who has left."""
        if not self.is_active or self.is_frozen:
            return False
        employee = getattr(self, "employee", None)
        return employee is None or employee.status != EmployeeStatus.LEFT


class TotpDevice(models.Model):
    """A user's TOTP authenticator. The secret is stored encrypted; ``last_step`` stops replays."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret_encrypted = models.CharField(max_length=200)
    confirmed = models.BooleanField(default=False)
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("TOTP device")
        verbose_name_plural = _("TOTP devices")

    def __str__(self) -> str:
        return f"TOTP for {self.user_id}"


class RecoveryCode(models.Model):
    """A one-time recovery code for when the authenticator is lost (stored as a hash)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        indexes = [models.Index(fields=["user", "code_hash"], name="accounts_recovery_idx")]

    def __str__(self) -> str:
        return f"recovery code {self.pk}"


class LoginAttempt(models.Model):
    """Every password check, successful or not; lockout counts failures per account."""

    employee_no = models.CharField(max_length=64)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ip = models.CharField(max_length=45, blank=True)
    succeeded = models.BooleanField()
    reason = models.CharField(max_length=32, blank=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("login attempt")
        verbose_name_plural = _("login attempts")
        indexes = [models.Index(fields=["employee_no", "at"], name="accounts_attempt_idx")]

    def __str__(self) -> str:
        return f"{self.employee_no} {self.at:%Y-%m-%d %H:%M} {'ok' if self.succeeded else 'fail'}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"token {self.pk} of {self.user_id}"
