"""Alerts: something a person should look at, raised by a rule about a subject."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertSeverity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


OPEN_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


SECURITY = "security"


class Alert(models.Model):
    """One alert per rule and subject while it is open; a rule re-run never duplicates it.

    ``category`` decides who sees it: security alerts go to holders of ``security_alert``;
    every other category (churn, concentration, compliance, departure…) follows the
    ``risk_alert`` data scopes through ``company``, ``team`` and ``owner``.
    """

    rule = models.CharField(_("rule"), max_length=32)
    category = models.CharField(_("category"), max_length=32, default="security")
    # Where the alert belongs, for the data scopes of the alert centre: the company, the team
    # whose lead should act, and the employee responsible (the owner of the customer, the
    # salesperson whose contact dropped…). Security alerts need none of them.
    company = models.ForeignKey(
        "org.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    owner = models.ForeignKey(
        "org.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.CharField(_("subject id"), max_length=64)
    severity = models.CharField(_("severity"), max_length=16, choices=AlertSeverity.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    title = models.CharField(_("title"), max_length=300)
    details = models.JSONField(_("details"), default=dict, blank=True)
    raised_at = models.DateTimeField(_("raised at"))
    last_seen_at = models.DateTimeField(_("last seen at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-raised_at"]
        indexes = [
            models.Index(fields=["category", "status", "raised_at"], name="alerts_status_idx"),
            models.Index(fields=["company", "status", "raised_at"], name="alerts_company_idx"),
            models.Index(fields=["team", "status"], name="alerts_team_idx"),
            models.Index(fields=["owner", "status"], name="alerts_owner_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_type", "subject_id"],
                condition=models.Q(status__in=["open", "acknowledged"]),
                name="alerts_one_open_per_subject",
            )
        ]

    def __str__(self) -> str:
        return self.title
