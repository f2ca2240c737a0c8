"""What happens with a customer: interactions on every channel, follow-up tasks, learned facts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InteractionChannel(models.TextChoices):
    CALL = "call", _("Call")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("Visit")
    MEETING = "meeting", _("Meeting")
    NOTE = "note", _("Note")


class Interaction(models.Model):
    """One contact with the customer on any channel. ``source_ref`` identifies an imported
    record (e-mail Message-ID, call-log row, chat line) so that re-imports add nothing."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="interactions")
    contact = models.ForeignKey(
        "customers.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    employee = models.ForeignKey(
        "org.Employee",
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interactions",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=InteractionChannel.choices)
    occurred_at = models.DateTimeField(_("time"))
    direction = models.CharField(_("direction"), max_length=8, blank=True)  # "in" | "out" | ""
    duration_seconds = models.PositiveIntegerField(_("duration (s)"), null=True, blank=True)
    content = models.TextField(_("content"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    source_ref = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "occurred_at"], name="customers_interaction_idx"),
            models.Index(fields=["employee", "occurred_at"], name="customers_inter_emp_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="customers_interaction_source_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.occurred_at:%Y-%m-%d}"


class InteractionAttachment(models.Model):
    """A file attached to an interaction, stored outside the web root, kept with its SHA-256."""

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="interactions/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class FollowUpTask(models.Model):
    """Something someone must do for the customer by a date."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="tasks")
    assignee = models.ForeignKey(
        "org.Employee", verbose_name=_("assignee"), on_delete=models.PROTECT, related_name="customer_tasks"
    )
    title = models.CharField(_("task"), max_length=200)
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["assignee", "done_at", "due_at"], name="customers_task_idx")]

    def __str__(self) -> str:
        return self.title


class FactStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", _("Confirmed")
    CORRECTED = "corrected", _("Corrected")
    REJECTED = "rejected", _("Rejected")


class CustomerFact(models.Model):
    """Something learned about the customer from an interaction (a need, a preference, a
    decision maker), linked to its source. It belongs to the customer, so it stays when the
    owner changes; the team confirms, corrects or rejects it."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="facts")
    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="facts"
    )
    kind = models.CharField(_("kind"), max_length=32)
    value = models.JSONField(_("value"), default=dict)
    text = models.CharField(_("fact"), max_length=300)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    confidence = models.PositiveSmallIntegerField(_("confidence (%)"))
    extractor = models.CharField(max_length=50)
    status = models.CharField(
        _("status"), max_length=16, choices=FactStatus.choices, default=FactStatus.SUGGESTED
    )
    reviewed_by = models.ForeignKey(
        "org.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("learned"))

    class Meta:
        verbose_name = _("customer fact")
        verbose_name_plural = _("customer facts")
        ordering = ["kind", "-created_at"]
        indexes = [models.Index(fields=["customer", "status", "kind"], name="customers_fact_idx")]

    def __str__(self) -> str:
        return self.text
