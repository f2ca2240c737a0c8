"""Early warning: per-company rule settings, the sensitive-word dictionary, customer health
snapshots, and stored report snapshots. The alerts themselves are ``baton.alerts.Alert``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleSetting(models.Model):
    """A company's switch and thresholds for one rule; a missing row means the rule's defaults."""

    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="risk_rule_settings")
    code = models.CharField(_("rule"), max_length=32)
    enabled = models.BooleanField(_("enabled"), default=True)
    params = models.JSONField(_("thresholds"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("rule setting")
        verbose_name_plural = _("rule settings")
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="risk_rule_setting_once")]

    def __str__(self) -> str:
        return f"{self.company_id}:{self.code}"


class PhraseCategory(models.TextChoices):
    PRIVATE_CHANNEL = "private_channel", _("Private channel")
    PRIVATE_PAYMENT = "private_payment", _("Private payment")
    DEPARTURE = "departure", _("Departure signal")
    COMPETITOR = "competitor", _("Competitor")
    OTHER = "other", _("Other")


class SensitivePhrase(models.Model):
    """A phrase R10 looks for in interaction content and notes (an editable dictionary)."""

    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="sensitive_phrases")
    phrase = models.CharField(_("phrase"), max_length=100)
    category = models.CharField(_("category"), max_length=32, choices=PhraseCategory.choices)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("sensitive phrase")
        verbose_name_plural = _("sensitive phrases")
        ordering = ["company", "category", "phrase"]
        constraints = [models.UniqueConstraint(fields=["company", "phrase"], name="risk_phrase_once")]

    def __str__(self) -> str:
        return self.phrase


class HealthSnapshot(models.Model):
    """A customer's health score (0–100) on one day, with its components; R7 compares them."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="health_snapshots"
    )
    day = models.DateField(_("day"))
    score = models.PositiveSmallIntegerField(_("score"))
    components = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("health snapshot")
        verbose_name_plural = _("health snapshots")
        constraints = [models.UniqueConstraint(fields=["customer", "day"], name="risk_health_once_a_day")]
        indexes = [models.Index(fields=["day", "customer"], name="risk_health_day_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id}@{self.day}: {self.score}"


class ReportSnapshot(models.Model):
    """A stored report (the quarterly concentration report) so trends compare like with like."""

    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="risk_reports")
    kind = models.CharField(max_length=32)
    period = models.CharField(_("period"), max_length=16)  # e.g. 2026Q3
    data = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")
        ordering = ["company", "kind", "period"]
        constraints = [
            models.UniqueConstraint(fields=["company", "kind", "period"], name="risk_report_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period}"


class AccessKind(models.TextChoices):
    """What R8 counts for one account, and the bucket each is counted in."""

    CUSTOMER_VIEW = "customer_view", _("Customer details opened")  # per hour
    EXPORT_ROWS = "export_rows", _("Customer rows exported")  # per day
    DOCUMENT_DOWNLOAD = "document_download", _("Documents downloaded")  # per day
    FIELD_REVEAL = "field_reveal", _("Masked fields revealed")  # per day


class AccessCounter(models.Model):
    """How often one account did one watched thing in one hour or day (R8's exfiltration signals).

    One row per account, kind and bucket, incremented in a single upsert, so counting a page
    view costs one query whatever the history; R8 compares the counts with its thresholds.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("what"), max_length=32, choices=AccessKind.choices)
    bucket_start = models.DateTimeField(_("from"))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("access counter")
        verbose_name_plural = _("access counters")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "bucket_start"], name="risk_access_counter_once")
        ]
        indexes = [models.Index(fields=["bucket_start", "kind"], name="risk_access_bucket_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}@{self.bucket_start:%Y-%m-%d %H:%M}={self.count}"


class PhraseDictionary(models.Model):
    """A company's sensitive-word dictionary as a whole: that its defaults were installed, and a
    version bumped by every change, so the matchers built from an older version are rebuilt."""

    company = models.OneToOneField("org.Company", on_delete=models.CASCADE, related_name="phrase_dictionary")
    version = models.PositiveIntegerField(default=1)
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("sensitive-word dictionary")
        verbose_name_plural = _("sensitive-word dictionaries")

    def __str__(self) -> str:
        return f"{self.company_id} v{self.version}"
