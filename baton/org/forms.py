"""Forms of the organisation pages. Choices come from the user's scoped selectors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baton.org.models import STATUS_TRANSITIONS, Department, Employee, EmployeeStatus, TeamRole
from baton.org.selectors import (
    departments_visible_to,
    employees_visible_to,
    positions_visible_to,
    teams_visible_to,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NEW_EMPLOYEE_STATUSES = (EmployeeStatus.ONBOARDING, EmployeeStatus.PROBATION, EmployeeStatus.ACTIVE)


class DepartmentChoiceField(forms.ModelChoiceField):
    """Departments indented by their depth in the tree."""

    def label_from_instance(self, obj: Department) -> str:
        return "\u3000" * obj.depth + obj.name


class PlacementForm(forms.Form):
    """Where an employee sits: department, team and role in it, position, managers."""

    department = DepartmentChoiceField(label=_("Department"), queryset=Department.objects.none())
    team: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    team_role = forms.ChoiceField(
        label=_("Team role"), choices=[("", "—"), *TeamRole.choices], required=False
    )
    position: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Position"), queryset=None, required=False
    )
    manager: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Manager"), queryset=None, required=False
    )
    dotted_line_manager: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Dotted-line manager"), queryset=None, required=False
    )

    def __init__(self, *args: Any, user: Any, employee: Employee | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = employees_visible_to(user=user).exclude(status=EmployeeStatus.LEFT)
        if employee is not None:
            people = people.exclude(pk=employee.pk)
        self.fields["department"].queryset = departments_visible_to(user=user)  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams_visible_to(user=user).order_by("department__path", "name")  # type: ignore[attr-defined]
        self.fields["position"].queryset = positions_visible_to(user=user)  # type: ignore[attr-defined]
        self.fields["manager"].queryset = people  # type: ignore[attr-defined]
        self.fields["dotted_line_manager"].queryset = people  # type: ignore[attr-defined]

    def placement(self) -> dict[str, Any]:
        names = ("department", "team", "team_role", "position", "manager", "dotted_line_manager")
        return {name: self.cleaned_data[name] for name in names}


class EmployeeCreateForm(PlacementForm):
    employee_no = forms.CharField(label=_("Employee no."), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    hire_date = forms.DateField(label=_("Hire date"), widget=DATE_INPUT)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in NEW_EMPLOYEE_STATUSES],
        initial=EmployeeStatus.ONBOARDING,
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    field_order = [
        "employee_no",
        "name",
        "department",
        "team",
        "team_role",
        "position",
        "manager",
        "dotted_line_manager",
        "hire_date",
        "status",
        "phone",
        "email",
    ]


class EmployeeEditForm(PlacementForm):
    """Changing a record. Contact details are never pre-filled, so editing is not a way to
    read them without the audited reveal; a blank field keeps the current value."""

    name = forms.CharField(label=_("Name"), max_length=100)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=32,
        required=False,
        help_text=_("Leave blank to keep the current number."),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("Leave blank to keep the current address.")
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=300, required=False)
    effective_on = forms.DateField(
        label=_("Effective on"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("For transfers; today when blank."),
    )

    field_order = [
        "name",
        "department",
        "team",
        "team_role",
        "position",
        "manager",
        "dotted_line_manager",
        "phone",
        "email",
        "reason",
        "effective_on",
    ]

    def changes(self) -> dict[str, Any]:
        data = self.placement() | {"name": self.cleaned_data["name"]}
        for name in ("phone", "email"):
            if self.cleaned_data[name]:
                data[name] = self.cleaned_data[name]
        return data


def employee_edit_initial(employee: Employee) -> dict[str, Any]:
    return {
        "name": employee.name,
        "department": employee.department_id,
        "team": employee.team_id,
        "team_role": employee.team_role,
        "position": employee.position_id,
        "manager": employee.manager_id,
        "dotted_line_manager": employee.dotted_line_manager_id,
    }


class EmployeeStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    effective_on = forms.DateField(
        label=_("Effective on"), required=False, widget=DATE_INPUT, help_text=_("Today when blank.")
    )

    def __init__(self, *args: Any, employee: Employee, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Resigning and leaving go through an offboarding case, never through this form.
        departing = {EmployeeStatus.RESIGNING, EmployeeStatus.LEFT}
        allowed = (
            set()
            if employee.status in departing
            else STATUS_TRANSITIONS.get(employee.status, set()) - departing
        )
        self.fields["status"].choices = [(s.value, s.label) for s in EmployeeStatus if s in allowed]  # type: ignore[attr-defined]
