"""Forms of the offboarding pages. They parse input; the services decide. Choices that name
people come from the user's scoped selectors or from the case itself."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from baton.offboarding.models import (
    ApprovalMode,
    CaseKind,
    ChecklistTemplateItem,
    Decision,
    Destination,
    Evidence,
    HandoverItem,
    OffboardingCase,
    OffboardingPolicy,
    RevisitOutcome,
    SignOffRole,
    Strategy,
)
from baton.offboarding.services.templates import ITEM_FIELDS, POLICY_FIELDS
from baton.org.models import Employee, EmployeeStatus

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SHORT_TEXT = forms.Textarea(attrs={"rows": 3})
CURRENT = (EmployeeStatus.ACTIVE, EmployeeStatus.PROBATION)

EXIT_REASON_LABELS = {
    "pay": _("Pay"),
    "career": _("Career development"),
    "management": _("Management"),
    "workload": _("Workload"),
    "family": _("Family"),
    "relocation": _("Relocation"),
    "competitor": _("Joined a competitor"),
    "other": _("Other"),
}


class EmployeeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Employee) -> str:
        return f"{obj.name} ({obj.employee_no})"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (a list of uploads; none is allowed, the service decides)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


# --- Opening a case -----------------------------------------------------------------------------


class ResignationForm(forms.Form):
    """An employee's own resignation."""

    reason = forms.CharField(label=_("Reason"), widget=SHORT_TEXT, max_length=5000)
    last_working_day = forms.DateField(label=_("Last working day"), widget=DATE_INPUT)


class CaseOpenForm(ResignationForm):
    """HR or the department head records a departure of someone in their scope."""

    field_order = ["employee", "kind", "reason", "last_working_day"]

    def __init__(self, *args: Any, employees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employee"] = EmployeeChoiceField(
            label=_("Employee"), queryset=employees.filter(status__in=CURRENT).order_by("employee_no")
        )
        self.fields["kind"] = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices)
        self.order_fields(self.field_order)


# --- The checklist ------------------------------------------------------------------------------


class ItemCompleteForm(forms.Form):
    """Complete one item: a statement, files, or a plain confirmation, by the item's evidence."""

    statement = forms.CharField(label=_("Statement"), widget=SHORT_TEXT, required=False, max_length=5000)
    evidence_files = MultipleFileField(label=_("Files"))

    def __init__(self, *args: Any, item: HandoverItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if item.evidence != Evidence.FILE:
            del self.fields["evidence_files"]
        if item.evidence == Evidence.TEXT:
            self.fields["statement"].help_text = _("At least 20 characters.")
        else:
            self.fields["statement"].label = _("Note (optional)")


class SelectionForm(forms.Form):
    """Pick entries of a system-generated list (customers or open orders)."""

    selected = forms.TypedMultipleChoiceField(
        label=_("Selected"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["selected"]).choices = choices
        self.listed = [pk for pk, _label in choices]

    def chosen(self, *, everything: bool) -> list[int]:
        if everything:
            return list(self.listed)
        return list(self.cleaned_data["selected"])


class FollowUpForm(forms.Form):
    """One follow-up record (a visit report, a call log) covering customers without a recent one."""

    customers = forms.TypedMultipleChoiceField(
        label=_("Customers it covers"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    file = forms.FileField(label=_("Follow-up record"))

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["customers"]).choices = choices


# --- The case page ------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Decision.APPROVED, _("Approve")), (Decision.REJECTED, _("Reject"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), widget=SHORT_TEXT, required=False, max_length=2000)
    reopen_items = forms.TypedMultipleChoiceField(
        label=_("Items to redo (when rejecting)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    role = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, case: OffboardingCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["reopen_items"]).choices = [
            (i.pk, i.title) for i in case.items.all()
        ]


class SuccessorForm(forms.Form):
    def __init__(self, *args: Any, employees: Any, case: OffboardingCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successor"] = EmployeeChoiceField(
            label=_("Successor"),
            queryset=employees.filter(company_id=case.company_id, status__in=CURRENT)
            .exclude(pk=case.employee_id)
            .order_by("employee_no"),
            initial=case.successor_id,
        )


class ExitInterviewForm(forms.Form):
    main_reason = forms.ChoiceField(label=_("Main reason"), choices=[("", "—"), *EXIT_REASON_LABELS.items()])
    would_return = forms.BooleanField(label=_("Would come back"), required=False)
    feedback = forms.CharField(label=_("Feedback"), widget=SHORT_TEXT, required=False, max_length=5000)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why is it withdrawn?"), widget=SHORT_TEXT, max_length=2000)


class CompleteForm(forms.Form):
    """Nothing to fill in: the button is the confirmation."""


# --- The transfer planner -----------------------------------------------------------------------

AS_PLANNED = ""


class PlanForm(forms.Form):
    """Strategy, successor and rest-to pool, and one optional override per customer (``o_<id>``)."""

    strategy = forms.ChoiceField(label=_("Strategy"), choices=Strategy.choices)
    rest_to = forms.ChoiceField(
        label=_("The rest goes to"),
        choices=[
            (Destination.TEAM_POOL, Destination.TEAM_POOL.label),
            (Destination.PUBLIC_POOL, Destination.PUBLIC_POOL.label),
        ],
    )

    def __init__(
        self,
        *args: Any,
        employees: Any,
        case: OffboardingCase,
        customers: list[tuple[int, str]],
        candidates: list[Employee],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successor"] = EmployeeChoiceField(
            label=_("Successor"),
            required=False,
            queryset=employees.filter(company_id=case.company_id, status__in=CURRENT)
            .exclude(pk=case.employee_id)
            .order_by("employee_no"),
        )
        self.order_fields(["strategy", "successor", "rest_to"])
        choices: list[tuple[str, Any]] = [
            (AS_PLANNED, _("As planned")),
            (Destination.TEAM_POOL, Destination.TEAM_POOL.label),
            (Destination.PUBLIC_POOL, Destination.PUBLIC_POOL.label),
        ]
        choices += [(f"employee:{e.pk}", e.name) for e in candidates]
        for pk, name in customers:
            self.fields[f"o_{pk}"] = forms.ChoiceField(label=name, choices=choices, required=False)

    def settings_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("strategy", "successor", "rest_to")]

    def overrides(self) -> dict[str, dict[str, Any]]:
        wanted: dict[str, dict[str, Any]] = {}
        for name, value in self.cleaned_data.items():
            if not name.startswith("o_") or not value:
                continue
            destination, _sep, employee = str(value).partition(":")
            entry: dict[str, Any] = {"destination": destination}
            if employee:
                entry["employee"] = int(employee)
            wanted[name[2:]] = entry
        return wanted

    @staticmethod
    def initial_overrides(overrides: dict[str, Any]) -> dict[str, str]:
        initial = {}
        for key, value in (overrides or {}).items():
            employee = value.get("employee")
            initial[f"o_{key}"] = f"employee:{employee}" if employee else value.get("destination", "")
        return initial


class ExecuteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the preview: move every customer and all open work now"),
        error_messages={"required": _("Tick the box to confirm the transfer.")},
    )


# --- Revisits -----------------------------------------------------------------------------------


class RevisitForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *RevisitOutcome.choices])
    notes = forms.CharField(label=_("Notes"), widget=SHORT_TEXT, required=False, max_length=5000)


# --- Templates and settings ---------------------------------------------------------------------

ORDER_CHOICES = [("", "—"), *SignOffRole.choices]


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    approval_mode = forms.ChoiceField(label=_("Sign-off"), choices=ApprovalMode.choices)
    sign_1 = forms.ChoiceField(label=_("Signs first"), choices=ORDER_CHOICES, required=False)
    sign_2 = forms.ChoiceField(label=_("Signs second"), choices=ORDER_CHOICES, required=False)
    sign_3 = forms.ChoiceField(label=_("Signs third"), choices=ORDER_CHOICES, required=False)

    @staticmethod
    def initial_for(template: Any) -> dict[str, Any]:
        order = list(template.approval_order or [])
        initial = {"name": template.name, "approval_mode": template.approval_mode}
        for i, role in enumerate(order[:3], start=1):
            initial[f"sign_{i}"] = role
        return initial

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        order = [data[f"sign_{i}"] for i in (1, 2, 3) if data.get(f"sign_{i}")]
        return {"name": data["name"], "approval_mode": data["approval_mode"], "approval_order": order}


class TemplateItemForm(forms.Form):
    """An item of a checklist template, with the model's labels and choices."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["description"].widget = SHORT_TEXT
        self.fields["due_offset_days"].widget.attrs.update(min=0, max=90)


class PolicyForm(forms.Form):
    """The company's offboarding rules, with the model's labels and help texts."""


# The model's own labels, choices and help texts (set after the class: the form's metaclass
# would replace them with the declared fields).
TemplateItemForm.base_fields = fields_for_model(ChecklistTemplateItem, fields=ITEM_FIELDS)
PolicyForm.base_fields = fields_for_model(OffboardingPolicy, fields=POLICY_FIELDS)
