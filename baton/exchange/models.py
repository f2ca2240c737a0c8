"""Data exchange: uploaded import files with their check reports, the review queue of captured
records that matched no contact, and customer exports with their approval and watermark."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    CONTACTS = "contacts", _("Contacts")
    INTERACTIONS = "interactions", _("Interactions")
    ORDERS = "orders", _("Orders")
    EMAIL = "email", _("E-mail (.eml, mbox)")
    CALL_LOG = "call_log", _("Call log")
    WECHAT = "wechat", _("WeChat chat export")


# Kinds whose records are matched to a contact by phone, e-mail or WeChat ID; what matches
# nothing goes to the review queue.
CAPTURE_KINDS = (ImportKind.EMAIL, ImportKind.CALL_LOG, ImportKind.WECHAT)


class ImportStatus(models.TextChoices):
    CHECKED = "checked", _("Checked, waiting for confirmation")
    IMPORTED = "imported", _("Imported")


class ImportBatch(models.Model):
    """One uploaded file and what became of it.

    The file is kept outside the web root (default storage, ``var/uploads``) with its SHA-256.
    Uploading runs a dry run whose ``report`` lists (row, field, error); nothing is written
    until the uploader confirms, and then only when no errors remain or they chose to skip
    bad rows.
    """

    company = models.ForeignKey(
        "org.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    encoding = models.CharField(max_length=20, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64, db_index=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    # [{"row": 3, "field": "统一社会信用代码", "code": "credit_code_check", "params": {}, "message": "…"}]
    report = models.JSONField(default=list, blank=True)
    # {"rows": n, "created": n, "unchanged": n, "queued": n, "error_rows": n, "errors": n, ...}
    summary = models.JSONField(default=dict, blank=True)
    skip_bad_rows = models.BooleanField(_("skip bad rows"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="customer_imports",
    )
    uploaded_at = models.DateTimeField(_("uploaded"))
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["company", "uploaded_at"], name="exchange_import_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name}"

    @property
    def error_count(self) -> int:
        return int(self.summary.get("errors", 0))


class ReviewReason(models.TextChoices):
    UNMATCHED = "unmatched", _("No contact matches")
    AMBIGUOUS = "ambiguous", _("Several customers match")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ASSIGNED = "assigned", _("Assigned to a customer")
    DISCARDED = "discarded", _("Discarded")


class ReviewItem(models.Model):
    """A captured record (e-mail, call, chat message) that matched no contact, or several
    customers. A reviewer assigns it to a customer and contact, which records the interaction,
    or discards it. ``source_ref`` is the record's identity, so re-imports queue it once."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="review_items")
    row = models.PositiveIntegerField(_("row"))
    channel = models.CharField(_("channel"), max_length=16)
    source_ref = models.CharField(max_length=200)
    occurred_at = models.DateTimeField(_("time"))
    direction = models.CharField(_("direction"), max_length=8, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (s)"), null=True, blank=True)
    content = models.TextField(_("content"), blank=True)
    sender = models.CharField(_("from"), max_length=200, blank=True)
    # What the record was matched on; the phone number only encrypted, hashed and masked.
    phone_encrypted = models.CharField(max_length=200, blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    wechat_id = models.CharField(_("WeChat ID"), max_length=64, blank=True)
    employee = models.ForeignKey(
        "org.Employee",
        verbose_name=_("employee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=16, choices=ReviewReason.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    interaction = models.ForeignKey(
        "customers.Interaction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("queued"))

    class Meta:
        verbose_name = _("record to review")
        verbose_name_plural = _("records to review")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "source_ref"], name="exchange_review_source_unique"),
        ]
        indexes = [models.Index(fields=["status", "occurred_at"], name="exchange_review_idx")]

    def __str__(self) -> str:
        return f"{self.channel} {self.occurred_at:%Y-%m-%d %H:%M}"


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel (.xlsx)")
    CSV = "csv", _("CSV (UTF-8)")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    READY = "ready", _("Ready to download")
    REJECTED = "rejected", _("Rejected")


class ExportRequest(models.Model):
    """A request to take customers out of Baton as a file.

    The customers are fixed when the request is made (those the requester may export that
    match the filters). Above the approval threshold a department head (``customer.approve``
    over every customer in it) must approve first. The file is made for the requester at the
    first download: it carries a visible watermark and metadata naming the requester, the time
    and ``number``, which leads to the audit events of this export.
    """

    number = models.CharField(_("export number"), max_length=32, unique=True)
    company = models.ForeignKey(
        "org.Company", verbose_name=_("company"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="customer_exports",
    )
    requested_at = models.DateTimeField(_("requested"))
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    customers = models.ManyToManyField("customers.Customer", related_name="+")
    customer_count = models.PositiveIntegerField(_("customers"))
    needs_approval = models.BooleanField(_("needs approval"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=ExportStatus.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    file = models.FileField(upload_to="exports/%Y/%m/", max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    generated_at = models.DateTimeField(_("file made"), null=True, blank=True)
    revealed_count = models.PositiveIntegerField(_("phone numbers in clear"), default=0)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "requested_at"], name="exchange_export_idx")]

    def __str__(self) -> str:
        return self.number
