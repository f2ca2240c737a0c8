"""Offboarding: a departure as a case that cannot skip a step.

A case opens when someone resigns (or is dismissed, or their contract ends). It carries the
handover checklist copied from a template, the three-party sign-off, the transfer plan that
moves every customer and all open work, the revisits to key customers, and the exit
interview. Every change goes through ``baton.offboarding.services`` and is audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OffboardingPolicy(models.Model):
    """A company's offboarding rules: notice periods, freeze, concentration line, revisits, reminders."""

    company = models.OneToOneField("org.Company", on_delete=models.CASCADE, related_name="offboarding_policy")
    notice_days = models.PositiveSmallIntegerField(_("notice period (days)"), default=30)
    probation_notice_days = models.PositiveSmallIntegerField(
        _("notice period in probation (days)"), default=3
    )
    full_freeze = models.BooleanField(
        _("freeze the account at once"),
        default=False,
        help_text=_("Instead of handover restrictions, the leaver's account is frozen when the case opens."),
    )
    revisit_top_n = models.PositiveSmallIntegerField(_("revisit the top N customers by revenue"), default=5)
    revisit_due_days = models.PositiveSmallIntegerField(_("revisit within (days)"), default=14)
    reminder_period_hours = models.PositiveSmallIntegerField(_("remind every (hours)"), default=24)
    escalate_after_hours = models.PositiveSmallIntegerField(
        _("tell management after (hours overdue)"), default=48
    )

    class Meta:
        verbose_name = _("offboarding policy")
        verbose_name_plural = _("offboarding policies")

    def __str__(self) -> str:
        return str(self.company)


class Verifier(models.TextChoices):
    LEAVER = "leaver", _("The leaver")
    TEAM_LEAD = "team_lead", _("Team lead")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    HR = "hr", _("HR")
    FINANCE = "finance", _("Finance")


class Evidence(models.TextChoices):
    NONE = "none", _("Confirmation")
    TEXT = "text", _("Written statement")
    FILE = "file", _("File upload")
    SYSTEM = "system", _("Checked by the system")


class SystemCheck(models.TextChoices):
    NONE = "", _("None")
    CUSTOMERS_CONFIRMED = "customers_confirmed", _("Every owned customer confirmed")
    OPEN_ORDERS_CONFIRMED = "open_orders_confirmed", _("Every open order confirmed")
    RECENT_FOLLOW_UPS = "recent_follow_ups", _("Every owned customer followed up in the last 30 days")


class ApprovalMode(models.TextChoices):
    PARALLEL = "parallel", _("All at once")
    SEQUENTIAL = "sequential", _("One after another")


class SignOffRole(models.TextChoices):
    DEPARTMENT_HEAD = "department_head", _("Department head")
    HR = "hr", _("HR")
    FINANCE = "finance", _("Finance")


class ChecklistTemplate(models.Model):
    """The handover checklist for a kind of position; the sales template has ten required items."""

    company = models.ForeignKey("org.Company", on_delete=models.CASCADE, related_name="checklist_templates")
    name = models.CharField(_("name"), max_length=100)
    for_sales = models.BooleanField(_("for sales positions"), default=False)
    is_default = models.BooleanField(_("default for other positions"), default=False)
    positions = models.ManyToManyField("org.Position", blank=True, related_name="checklist_templates")
    approval_mode = models.CharField(
        _("sign-off"), max_length=16, choices=ApprovalMode.choices, default=ApprovalMode.PARALLEL
    )
    approval_order = models.JSONField(
        _("sign-off order"), default=list, help_text=_("Roles in order, e.g. department_head, hr, finance.")
    )

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["company", "name"]

    def __str__(self) -> str:
        return self.name


class ChecklistTemplateItem(models.Model):
    """One item of a template: what must be handed over, the evidence, who verifies, when it is due."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(_("code"), max_length=50)
    title = models.CharField(_("title"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    evidence = models.CharField(_("evidence"), max_length=16, choices=Evidence.choices)
    system_check = models.CharField(
        _("system check"), max_length=32, choices=SystemCheck.choices, default="", blank=True
    )
    verifier = models.CharField(_("completed by"), max_length=16, choices=Verifier.choices)
    due_offset_days = models.SmallIntegerField(_("due (days before the last working day)"), default=3)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["template", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="offboarding_tpl_item_code")]

    def __str__(self) -> str:
        return self.title


class CaseKind(models.TextChoices):
    RESIGNATION = "resignation", _("Resignation")
    DISMISSAL = "dismissal", _("Dismissal")
    CONTRACT_END = "contract_end", _("Contract end")


class CaseStatus(models.TextChoices):
    HANDOVER = "handover", _("Handover in progress")
    SIGN_OFF = "sign_off", _("Waiting for sign-off")
    READY = "ready", _("Ready to complete")
    COMPLETED = "completed", pgettext_lazy("offboarding case", "Completed")
    CANCELLED = "cancelled", _("Withdrawn")


OPEN_CASE_STATUSES = (CaseStatus.HANDOVER, CaseStatus.SIGN_OFF, CaseStatus.READY)


class OffboardingCase(models.Model):
    """One departure, from the resignation to the evidence package."""

    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="offboarding_cases")
    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="offboarding_cases")
    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices)
    reason = models.TextField(_("reason"))
    submitted_on = models.DateField(_("submitted on"))
    last_working_day = models.DateField(_("last working day"))
    notice_days_required = models.PositiveSmallIntegerField(_("notice required (days)"))
    notice_days_given = models.SmallIntegerField(_("notice given (days)"))
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.HANDOVER
    )
    template = models.ForeignKey(
        ChecklistTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    successor = models.ForeignKey(
        "org.Employee",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successions",
    )
    impact = models.JSONField(_("impact"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("opened"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    access_ended_at = models.DateTimeField(_("access ended"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("offboarding case")
        verbose_name_plural = _("offboarding cases")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["company", "status", "last_working_day"], name="offboarding_case_status_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["employee"],
                condition=models.Q(status__in=["handover", "sign_off", "ready"]),
                name="offboarding_one_open_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee} ({self.get_kind_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATUSES

    @property
    def plan_executed(self) -> bool:
        plan = getattr(self, "plan", None)  # the reverse one-to-one raises AttributeError when absent
        return plan is not None and plan.executed_at is not None


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("To do")
    DONE = "done", _("Done")
    REOPENED = "reopened", _("Reopened")


class HandoverItem(models.Model):
    """A checklist item of one case, copied from the template when the case opened."""

    case = models.ForeignKey(OffboardingCase, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(max_length=50)
    title = models.CharField(_("title"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    evidence = models.CharField(_("evidence"), max_length=16, choices=Evidence.choices)
    system_check = models.CharField(max_length=32, choices=SystemCheck.choices, default="", blank=True)
    verifier = models.CharField(_("completed by"), max_length=16, choices=Verifier.choices)
    required = models.BooleanField(default=True)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.PENDING
    )
    statement = models.TextField(_("statement"), blank=True)
    system_result = models.JSONField(default=dict, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopen_note = models.CharField(_("why it was reopened"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("handover item")
        verbose_name_plural = _("handover items")
        ordering = ["case", "position", "id"]
        indexes = [models.Index(fields=["status", "due_at"], name="offboarding_item_due_idx")]

    def __str__(self) -> str:
        return self.title


class HandoverEvidence(models.Model):
    """A file proving an item; content-checked, stored outside the web root, with its SHA-256."""

    item = models.ForeignKey(HandoverItem, on_delete=models.CASCADE, related_name="files")
    # For follow-up records: the customers the uploaded record covers (one file may cover several).
    customers = models.ManyToManyField("customers.Customer", blank=True, related_name="+")
    file = models.FileField(upload_to="handover/%Y/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("handover evidence")
        verbose_name_plural = _("handover evidence")
        ordering = ["item", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class HandoverConfirmation(models.Model):
    """The leaver's confirmation of one customer (its data is complete) or one open order (its state)."""

    item = models.ForeignKey(HandoverItem, on_delete=models.CASCADE, related_name="confirmations")
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    order = models.ForeignKey(
        "customers.Order", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("handover confirmation")
        verbose_name_plural = _("handover confirmations")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "customer"],
                condition=models.Q(customer__isnull=False),
                name="offb_conf_customer",
            ),
            models.UniqueConstraint(
                fields=["item", "order"], condition=models.Q(order__isnull=False), name="offb_conf_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.customer_id or self.order_id}"


class Decision(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Approval(models.Model):
    """One party's sign-off (department head, HR or finance) on a case."""

    case = models.ForeignKey(OffboardingCase, on_delete=models.CASCADE, related_name="approvals")
    role = models.CharField(_("party"), max_length=16, choices=SignOffRole.choices)
    sequence = models.PositiveSmallIntegerField(default=0)
    decision = models.CharField(
        _("decision"), max_length=16, choices=Decision.choices, default=Decision.WAITING
    )
    comment = models.TextField(_("comment"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        ordering = ["case", "sequence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "role"], name="offboarding_one_approval_per_role")
        ]
        indexes = [models.Index(fields=["decision", "due_at"], name="offboarding_approval_due_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.role}"


class Strategy(models.TextChoices):
    ONE_SUCCESSOR = "one_successor", _("All to one successor")
    TEAM_LEAD = "team_lead", _("To the team lead for redistribution")
    BALANCED = "balanced", _("Balanced across the team by current load")
    PROGRESS = "progress", _("By progress: active business to a successor, the rest to a pool")


class Destination(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    TEAM_POOL = "team_pool", _("Team pool")
    PUBLIC_POOL = "public_pool", _("Public pool")


class TransferPlan(models.Model):
    """How the leaver's customers and open work move. Executed once, whatever happens."""

    case = models.OneToOneField(OffboardingCase, on_delete=models.CASCADE, related_name="plan")
    strategy = models.CharField(_("strategy"), max_length=16, choices=Strategy.choices)
    successor = models.ForeignKey(
        "org.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rest_to = models.CharField(
        _("the rest goes to"), max_length=16, choices=Destination.choices, default=Destination.TEAM_POOL
    )
    overrides = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField()
    executed_at = models.DateTimeField(null=True, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("transfer plan")
        verbose_name_plural = _("transfer plans")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.strategy}"


class TransferLine(models.Model):
    """One customer's move in an executed plan (the record of what was transferred)."""

    # offboarding_line_once (plan, customer) serves look-ups by plan: no index of its own.
    plan = models.ForeignKey(TransferPlan, on_delete=models.CASCADE, related_name="lines", db_index=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    destination = models.CharField(max_length=16, choices=Destination.choices)
    to_employee = models.ForeignKey(
        "org.Employee", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_pool = models.ForeignKey("customers.Pool", on_delete=models.PROTECT, related_name="+")
    revenue_12m = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    open_orders = models.PositiveIntegerField(default=0)
    receivables_open = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("transfer line")
        verbose_name_plural = _("transfer lines")
        constraints = [models.UniqueConstraint(fields=["plan", "customer"], name="offboarding_line_once")]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.customer_id}"


class RevisitOutcome(models.TextChoices):
    CONTINUING = "continuing", _("Continuing")
    AT_RISK = "at_risk", _("At risk")
    LOST = "lost", _("Lost")


class Revisit(models.Model):
    """A visit to a key customer after the transfer, by the successor or the team lead."""

    # case and assignee lead the composite indexes below: no index of their own.
    case = models.ForeignKey(
        OffboardingCase, on_delete=models.CASCADE, related_name="revisits", db_index=False
    )
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="revisits")
    assignee = models.ForeignKey(
        "org.Employee", on_delete=models.PROTECT, related_name="revisits", db_index=False
    )
    due_on = models.DateField(_("due on"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=RevisitOutcome.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("revisit")
        verbose_name_plural = _("revisits")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "customer", "assignee"], name="offboarding_revisit_once")
        ]
        indexes = [models.Index(fields=["assignee", "done_at", "due_on"], name="offboarding_revisit_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id}:{self.assignee_id}"


class ExitInterview(models.Model):
    """What the leaver said on the way out, recorded by HR."""

    case = models.OneToOneField(OffboardingCase, on_delete=models.CASCADE, related_name="exit_interview")
    main_reason = models.CharField(_("main reason"), max_length=32)
    would_return = models.BooleanField(_("would come back"), default=False)
    feedback = models.TextField(_("feedback"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("exit interview")
        verbose_name_plural = _("exit interviews")

    def __str__(self) -> str:
        return str(self.case)


class ReminderLog(models.Model):
    """One reminder sent for one overdue item or sign-off in one period (the idempotency key)."""

    key = models.CharField(max_length=200, unique=True)
    case = models.ForeignKey(OffboardingCase, on_delete=models.CASCADE, related_name="reminders")
    level = models.CharField(max_length=16)  # "remind" | "escalate"
    sent_at = models.DateTimeField()
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["sent_at"]

    def __str__(self) -> str:
        return self.key
