"""Who the people are: companies, departments, teams, positions, employees."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

EMPLOYEE_NO_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$"
employee_no_validator = RegexValidator(
    EMPLOYEE_NO_PATTERN,
    _("An employee number (工号) is 2 to 32 letters, digits, '-' or '_', starting with a letter or digit."),
    code="invalid_employee_no",
)


class Company(models.Model):
    """A legal entity. A group holds several; ``parent`` points at the holding company."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidiaries",
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department in a tree of any depth.

    ``path`` is the materialised path of ids (``/1/4/9/``) so "this department and
    everything below it" is one indexed prefix match.
    """

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head = models.ForeignKey(
        "Employee",
        verbose_name=_("department head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["company", "parent", "name"], name="org_department_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class TeamRole(models.TextChoices):
    """Roles in customer work inside a sales team."""

    LEAD = "lead", _("Team lead")  # 团队负责人
    CUSTOMER_MANAGER = "customer_manager", _("Customer manager")  # 客户经理
    FOLLOW_UP = "follow_up", _("Follow-up specialist")  # 跟进专员


class Team(models.Model):
    """A team inside a department; sales teams own customer pools."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField(_("name"), max_length=100)
    lead = models.ForeignKey(
        "Employee",
        verbose_name=_("team lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )
    is_sales = models.BooleanField(_("sales team"), default=False)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["department__path", "name"]
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="org_team_unique_name")]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A job position (岗位); offboarding checklists are chosen by position."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="positions"
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=50)
    is_sales = models.BooleanField(_("sales position"), default=False)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="org_position_unique_code")]

    def __str__(self) -> str:
        return self.name


class EmployeeStatus(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding")
    PROBATION = "probation", _("Probation")
    ACTIVE = "active", _("Active")
    RESIGNING = "resigning", _("Resigning (handover)")
    LEFT = "left", _("Left")


# Which status may follow which. Anything else is refused by employee_status_change.
STATUS_TRANSITIONS: dict[str, set[str]] = {
    EmployeeStatus.ONBOARDING: {EmployeeStatus.PROBATION, EmployeeStatus.ACTIVE, EmployeeStatus.LEFT},
    EmployeeStatus.PROBATION: {EmployeeStatus.ACTIVE, EmployeeStatus.RESIGNING, EmployeeStatus.LEFT},
    EmployeeStatus.ACTIVE: {EmployeeStatus.RESIGNING, EmployeeStatus.LEFT},
    EmployeeStatus.RESIGNING: {EmployeeStatus.ACTIVE, EmployeeStatus.LEFT},
    EmployeeStatus.LEFT: set(),
}


class Employee(models.Model):
    """A person employed by a company, identified by 工号 (``employee_no``)."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="employees"
    )
    employee_no = models.CharField(
        _("employee number"), max_length=32, unique=True, validators=[employee_no_validator]
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("mobile phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="employees"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    team_role = models.CharField(_("team role"), max_length=32, choices=TeamRole.choices, blank=True)
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    dotted_line_manager = models.ForeignKey(
        "self",
        verbose_name=_("dotted-line manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dotted_line_reports",
    )
    hire_date = models.DateField(_("hire date"))
    status = models.CharField(
        _("status"), max_length=16, choices=EmployeeStatus.choices, default=EmployeeStatus.ONBOARDING
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee",
    )

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["employee_no"]
        indexes = [
            models.Index(fields=["company", "status"], name="org_employee_status_idx"),
            models.Index(fields=["department", "employee_no"], name="org_employee_dept_idx"),
            models.Index(fields=["team", "employee_no"], name="org_employee_team_idx"),
            models.Index(fields=["name"], name="org_employee_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_no})"


class EmployeeMove(models.Model):
    """History of an employee's department, team, position, manager and status changes."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="moves"
    )
    occurred_at = models.DateTimeField(_("time"))
    effective_on = models.DateField(_("effective on"))
    field = models.CharField(_("what changed"), max_length=32)
    from_value = models.CharField(_("from"), max_length=200, blank=True)
    to_value = models.CharField(_("to"), max_length=200, blank=True)
    from_id = models.BigIntegerField(null=True, blank=True)
    to_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("employee move")
        verbose_name_plural = _("employee moves")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["employee", "occurred_at"], name="org_move_employee_idx")]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.field}: {self.from_value} -> {self.to_value}"
