"""Roles grant actions on resources; for people and customer data each grant carries a scope."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """How much of the data a grant reaches, narrowest first."""

    OWN = "own", _("Own (仅本人)")
    TEAM = "team", _("Team (本团队)")
    DEPARTMENT = "department", _("Department and below (本部门及以下)")
    COMPANY = "company", _("Company (全公司)")


SCOPE_ORDER = [Scope.OWN, Scope.TEAM, Scope.DEPARTMENT, Scope.COMPANY]


class Action(models.TextChoices):
    VIEW = "view", _("View")
    CREATE = "create", _("Create")
    CHANGE = "change", _("Change")
    DELETE = "delete", _("Delete")
    EXPORT = "export", _("Export")
    APPROVE = "approve", _("Approve")
    REVEAL = "reveal", _("Reveal masked data")
    VERIFY = "verify", _("Verify")
    CLAIM = "claim", _("Claim from the public pool")


class Role(models.Model):
    """A named set of grants, such as sales or HR. Holders of ``requires_mfa`` roles must use TOTP."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    requires_mfa = models.BooleanField(_("requires MFA"), default=False)
    is_system = models.BooleanField(_("built in"), default=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Grant(models.Model):
    """Permission for a role to do ``action`` on ``resource`` within ``scope``."""

    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.CASCADE, related_name="grants")
    resource = models.CharField(_("resource"), max_length=50)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices, default=Scope.OWN)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["role", "resource", "action"]
        constraints = [
            models.UniqueConstraint(fields=["role", "resource", "action"], name="authz_grant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.role.code}: {self.resource}.{self.action} ({self.scope})"


class RoleAssignment(models.Model):
    """A user holds a role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.ForeignKey(
        Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="assignments"
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="authz_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.role.code}"
