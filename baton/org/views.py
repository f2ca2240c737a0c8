"""Organisation pages: the org chart, departments, teams and employee records.

People data comes only from ``employees_visible_to``; an employee outside the viewer's
scope answers 404 like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from baton.accounts.selectors import accounts_visible_to
from baton.audit.selectors import audit_events_for_object
from baton.authz.selectors import user_can
from baton.core.masking import mask_email, mask_phone
from baton.core.policy import requires
from baton.core.views import BatonTemplateView, BatonViewMixin, ScopedObjectMixin, ServiceFormView
from baton.org.filters import EmployeeFilterSet
from baton.org.forms import (
    EmployeeCreateForm,
    EmployeeEditForm,
    EmployeeStatusForm,
    employee_edit_initial,
)
from baton.org.models import Department, Employee, EmployeeMove, EmployeeStatus, Team, TeamRole
from baton.org.selectors import (
    companies_visible_to,
    departments_visible_to,
    employee_moves,
    employees_visible_to,
    org_tree,
    positions_visible_to,
    teams_visible_to,
)
from baton.org.services import (
    employee_create,
    employee_reveal_contact,
    employee_status_change,
    employee_update,
)

EMPLOYEES_PER_PAGE = 50
MEMBERS_SHOWN = 50
HISTORY_SHOWN = 50
FILTER_FIELDS = ("q", "status", "department", "team", "team_role", "position")


def wants_partial(request: HttpRequest) -> bool:
    """An HTMX request for a fragment (not a history restore, which needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


class OrgChartView(BatonTemplateView):
    """The department tree with heads, teams and head counts."""

    policy = requires("org", "view")
    template_name = "org/chart.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(tree=org_tree(user=self.request.user), **kwargs)


class DepartmentDetailView(ScopedObjectMixin, TemplateView):
    """One department: its sub-departments, teams and the members the viewer may see."""

    policy = requires("org", "view")
    template_name = "org/department_detail.html"
    context_object_name = "department"
    object: Department

    def get_scoped_queryset(self) -> QuerySet[Department]:
        return departments_visible_to(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user, department = self.request.user, self.object
        members = employees_visible_to(user=user).filter(department__path__startswith=department.path)
        ctx["children"] = departments_visible_to(user=user).filter(parent=department)
        ctx["teams"] = teams_visible_to(user=user).filter(department=department).order_by("name")
        ctx["members"] = list(members[:MEMBERS_SHOWN])
        ctx["member_count"] = members.count()
        return ctx


class TeamDetailView(ScopedObjectMixin, TemplateView):
    """One team: its lead and its members by team role."""

    policy = requires("org", "view")
    template_name = "org/team_detail.html"
    context_object_name = "team"
    object: Team

    def get_scoped_queryset(self) -> QuerySet[Team]:
        return teams_visible_to(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        members = list(employees_visible_to(user=self.request.user).filter(team=self.object))
        groups: list[tuple[Any, list[Employee]]] = [
            (label, [m for m in members if m.team_role == value]) for value, label in TeamRole.choices
        ]
        groups.append((_("No team role"), [m for m in members if not m.team_role]))
        ctx["groups"] = [(label, people) for label, people in groups if people]
        ctx["member_count"] = len(members)
        return ctx


class EmployeeListView(BatonTemplateView):
    """Employees in the viewer's scope, filtered and searched; HTMX swaps just the table."""

    policy = requires("employee", "view")
    template_name = "org/employee_list.html"
    partial_template_name = "org/_employee_table.html"

    def get_filterset(self) -> EmployeeFilterSet:
        user = self.request.user
        filterset = EmployeeFilterSet(
            self.request.GET, queryset=employees_visible_to(user=user), request=self.request
        )
        filterset.filters["department"].queryset = departments_visible_to(user=user)
        filterset.filters["team"].queryset = teams_visible_to(user=user).order_by("department__path", "name")
        filterset.filters["position"].queryset = positions_visible_to(user=user)
        filterset.filters["company"].queryset = companies_visible_to(user=user)
        return filterset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        filterset = self.get_filterset()
        page = Paginator(filterset.qs, EMPLOYEES_PER_PAGE).get_page(self.request.GET.get("page"))
        ctx.update(
            filterset=filterset,
            filter_fields=[filterset.form[name] for name in FILTER_FIELDS],
            page_obj=page,
            employees=page.object_list,
            hx_target="#employee-table",
            can_create=user_can(user=self.request.user, resource="employee", action="create"),
        )
        return ctx

    def get_template_names(self) -> list[str]:
        return [self.partial_template_name if wants_partial(self.request) else self.template_name]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        patch_vary_headers(response, ("HX-Request",))
        return response


MOVE_FIELD_LABELS = {
    "department": gettext_lazy("Department"),
    "team": gettext_lazy("Team"),
    "position": gettext_lazy("Position"),
    "manager": gettext_lazy("Manager"),
    "team_role": gettext_lazy("Team role"),
    "status": gettext_lazy("Status"),
}
MOVE_VALUE_LABELS: dict[str, dict[str, Any]] = {
    "status": dict(EmployeeStatus.choices),
    "team_role": dict(TeamRole.choices),
}


def _move_rows(moves: list[EmployeeMove]) -> list[dict[str, Any]]:
    """Move history with field names and coded values (status, team role) in words."""
    rows = []
    for move in moves:
        values = MOVE_VALUE_LABELS.get(move.field, {})
        rows.append(
            {
                "move": move,
                "field": MOVE_FIELD_LABELS.get(move.field, move.field),
                "from": values.get(move.from_value, move.from_value),
                "to": values.get(move.to_value, move.to_value),
            }
        )
    return rows


def _contact(employee: Employee, revealed: dict[str, str] | None) -> dict[str, Any]:
    if revealed is not None:
        return {"phone": revealed["phone"], "email": revealed["email"], "revealed": True}
    return {"phone": mask_phone(employee.phone), "email": mask_email(employee.email), "revealed": False}


class EmployeeDetailView(ScopedObjectMixin, TemplateView):
    """One employee record, contact details masked until revealed."""

    policy = requires("employee", "view")
    template_name = "org/employee_detail.html"
    context_object_name = "employee"
    object: Employee

    def get_scoped_queryset(self) -> QuerySet[Employee]:
        return employees_visible_to(user=self.request.user).select_related("dotted_line_manager")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user, employee = self.request.user, self.object
        in_scope = employees_visible_to(user=user, action="change").filter(pk=employee.pk)
        ctx["contact"] = _contact(employee, kwargs.get("revealed"))
        ctx["can_reveal"] = employees_visible_to(user=user, action="reveal").filter(pk=employee.pk).exists()
        ctx["can_change"] = in_scope.exists()
        ctx["can_set_roles"] = bool(employee.user_id) and user_can(
            user=user, resource="role", action="change"
        )
        ctx["show_account"] = user_can(user=user, resource="account", action="view")
        if ctx["show_account"]:
            ctx["account"] = accounts_visible_to(user=user).filter(employee=employee).first()
            ctx["can_manage_account"] = user_can(user=user, resource="account", action="change")
        ctx["moves"] = _move_rows(list(employee_moves(employee=employee)[:HISTORY_SHOWN]))
        if user_can(user=user, resource="audit", action="view"):
            ctx["audit_events"] = list(
                audit_events_for_object(object_type="org.employee", object_id=str(employee.pk))[
                    :HISTORY_SHOWN
                ]
            )
        return ctx


class EmployeeRevealView(ScopedObjectMixin, TemplateView):
    """Show an employee's phone and e-mail in full (audited). Answers the contact fragment."""

    policy = requires("employee", "reveal")
    http_method_names = ["post"]
    context_object_name = "employee"
    object: Employee

    def get_scoped_queryset(self) -> QuerySet[Employee]:
        return employees_visible_to(user=self.request.user, action="reveal")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        revealed = employee_reveal_contact(actor=request.user, employee=self.object)
        if wants_partial(request):
            return render(
                request,
                "org/_employee_contact.html",
                {"employee": self.object, "contact": _contact(self.object, revealed)},
            )
        # Without JavaScript: the whole record page, this time with the values in clear.
        detail = EmployeeDetailView()
        detail.setup(request, *args, **kwargs)
        detail.object = self.object
        return render(request, detail.template_name, detail.get_context_data(revealed=revealed))


class EmployeeCreateView(BatonViewMixin, ServiceFormView):
    """Add an employee record."""

    policy = requires("employee", "create")
    template_name = "org/employee_form.html"

    def get_form(self, data: Any = None) -> EmployeeCreateForm:
        return EmployeeCreateForm(data, user=self.request.user)

    def perform(self, form: EmployeeCreateForm) -> HttpResponse:
        data = form.cleaned_data
        employee = employee_create(
            actor=self.request.user,
            company=data["department"].company,
            employee_no=data["employee_no"],
            name=data["name"],
            hire_date=data["hire_date"],
            status=data["status"],
            phone=data["phone"],
            email=data["email"],
            **form.placement(),
        )
        messages.success(self.request, _("Employee %(no)s was added.") % {"no": employee.employee_no})
        return redirect("org:employee_detail", pk=employee.pk)


class EmployeeEditView(ScopedObjectMixin, ServiceFormView):
    """Change an employee's record; placement changes become move history."""

    policy = requires("employee", "change")
    template_name = "org/employee_form.html"
    context_object_name = "employee"
    object: Employee

    def get_scoped_queryset(self) -> QuerySet[Employee]:
        return employees_visible_to(user=self.request.user, action="change")

    def get_form(self, data: Any = None) -> EmployeeEditForm:
        if data is not None:
            return EmployeeEditForm(data, user=self.request.user, employee=self.object)
        initial = employee_edit_initial(self.object)
        return EmployeeEditForm(user=self.request.user, employee=self.object, initial=initial)

    def perform(self, form: EmployeeEditForm) -> HttpResponse:
        employee_update(
            actor=self.request.user,
            employee=self.object,
            reason=form.cleaned_data["reason"],
            effective_on=form.cleaned_data["effective_on"],
            **form.changes(),
        )
        messages.success(self.request, _("The record was saved."))
        return redirect("org:employee_detail", pk=self.object.pk)


class EmployeeStatusView(ScopedObjectMixin, ServiceFormView):
    """Move an employee to the next status (probation, active, resigning, left)."""

    policy = requires("employee", "change")
    template_name = "org/employee_status.html"
    context_object_name = "employee"
    object: Employee

    def get_scoped_queryset(self) -> QuerySet[Employee]:
        return employees_visible_to(user=self.request.user, action="change")

    def get_form(self, data: Any = None) -> EmployeeStatusForm:
        return EmployeeStatusForm(data, employee=self.object)

    def perform(self, form: EmployeeStatusForm) -> HttpResponse:
        employee_status_change(
            actor=self.request.user,
            employee=self.object,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            effective_on=form.cleaned_data["effective_on"],
        )
        messages.success(self.request, _("The status was changed."))
        return redirect("org:employee_detail", pk=self.object.pk)
