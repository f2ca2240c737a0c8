"""Notifications: telling a person that something needs them, in Baton and by e-mail or group bot."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


class Notification(models.Model):
    """One message for one person, shown in the bell until they read it.

    ``key`` names the event it tells about (e.g. ``offboarding:12:opened``): a person gets at
    most one notification per key, so a service that runs twice never tells anyone twice.
    ``link`` is a path inside Baton where the person can act on it.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=50)
    key = models.CharField(_("key"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    severity = models.CharField(
        _("severity"), max_length=16, choices=Severity.choices, default=Severity.NORMAL
    )
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "created_at"], name="notifications_unread_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notifications_one_per_key"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Group bot (webhook)")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """A message waiting to leave Baton, or one that has left (the outbox).

    E-mails are one per notification, to the address the person had when it was created.
    Group-bot messages are one per ``key`` whoever the recipients are; the bot's URL stays in
    the settings and is never stored here. ``last_error`` names the kind of failure only, never
    an address or the content.
    """

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    key = models.CharField(_("key"), max_length=200)
    address = models.CharField(_("address"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"))
    # A failed attempt waits before the next one (1, 2, 4, 8 minutes).
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notifications_outbox_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "notification"],
                condition=models.Q(notification__isnull=False),
                name="notifications_one_delivery_per_channel",
            ),
            models.UniqueConstraint(
                fields=["channel", "key"],
                condition=models.Q(channel="webhook"),
                name="notifications_one_webhook_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.key} ({self.status})"
