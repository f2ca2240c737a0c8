"""Revisits after a handover, and HR's checklist templates and offboarding settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baton.authz.selectors import user_can
from baton.core.errors import InvalidInput
from baton.core.policy import requires
from baton.core.views import BatonTemplateView, BatonViewMixin, ScopedObjectMixin, ServiceFormView
from baton.offboarding.forms import PolicyForm, RevisitForm, TemplateForm, TemplateItemForm
from baton.offboarding.models import ChecklistTemplate, ChecklistTemplateItem, Revisit
from baton.offboarding.selectors import checklist_templates_of, policy_for, revisits_visible_to
from baton.offboarding.services import revisit_record, templates_install_defaults
from baton.offboarding.services.templates import (
    ITEM_FIELDS,
    POLICY_FIELDS,
    offboarding_policy_update,
    template_item_create,
    template_item_delete,
    template_item_update,
    template_update,
)

TEMPLATE_VIEW = requires("offboarding_template", "view")
TEMPLATE_CHANGE = requires("offboarding_template", "change")

# --- Revisits -----------------------------------------------------------------------------------


class RevisitListView(BatonTemplateView):
    """Revisits in scope, open ones first; the assignee (or their lead) records the outcome."""

    policy = requires("revisit", "view")
    template_name = "offboarding/revisits.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        revisits = list(revisits_visible_to(user=user).order_by("done_at", "due_on", "pk"))
        changeable: set[int] = set()
        if user_can(user=user, resource="revisit", action="change"):
            open_ids = [r.pk for r in revisits if r.done_at is None]
            changeable = set(
                revisits_visible_to(user=user, action="change")
                .filter(pk__in=open_ids)
                .values_list("pk", flat=True)
            )
        ctx["rows"] = [
            {"revisit": r, "form": RevisitForm(auto_id=f"revisit{r.pk}-%s") if r.pk in changeable else None}
            for r in revisits
        ]
        return ctx


class RevisitRecordView(ScopedObjectMixin, ServiceFormView):
    policy = requires("revisit", "change")
    template_name = "offboarding/revisit_form.html"
    context_object_name = "revisit"
    object: Revisit

    def get_scoped_queryset(self) -> QuerySet[Revisit]:
        return revisits_visible_to(user=self.request.user, action="change")

    def get_form(self, data: Any = None) -> RevisitForm:
        return RevisitForm(data)

    def perform(self, form: RevisitForm) -> HttpResponse:
        revisit_record(actor=self.request.user, revisit=self.object, **form.cleaned_data)
        messages.success(
            self.request, _("The revisit of %(name)s was recorded.") % {"name": self.object.customer.name}
        )
        return redirect("offboarding:revisits")


# --- Templates ----------------------------------------------------------------------------------


class TemplateListView(BatonTemplateView):
    """The company's checklist templates; a company without any can install the defaults."""

    policy = TEMPLATE_VIEW
    write_policy = TEMPLATE_CHANGE
    template_name = "offboarding/templates.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["templates"] = list(checklist_templates_of(user=self.request.user))
        ctx["can_change"] = TEMPLATE_CHANGE.allows(self.request.user)
        return ctx

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        employee = getattr(request.user, "employee", None)
        if employee is not None:
            templates_install_defaults(company_id=employee.company_id)
            messages.success(request, _("The default templates were installed."))
        return redirect("offboarding:templates")


class TemplateScopedMixin(ScopedObjectMixin):
    policy = TEMPLATE_VIEW
    write_policy = TEMPLATE_CHANGE

    def get_scoped_queryset(self) -> QuerySet[Any]:
        return checklist_templates_of(user=self.request.user)


class TemplateEditView(TemplateScopedMixin, ServiceFormView):
    """One template: its sign-off mode and order, and its items (each edited on its own page)."""

    template_name = "offboarding/template_edit.html"
    context_object_name = "template"
    object: ChecklistTemplate

    def get_form(self, data: Any = None) -> TemplateForm:
        return TemplateForm(data, initial=TemplateForm.initial_for(self.object))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["can_change"] = TEMPLATE_CHANGE.allows(self.request.user)
        return ctx

    def perform(self, form: TemplateForm) -> HttpResponse:
        template_update(actor=self.request.user, template=self.object, **form.values())
        messages.success(self.request, _("The template was saved. Cases opened from now on use it."))
        return redirect("offboarding:template_edit", pk=self.object.pk)


class TemplateItemCreateView(TemplateScopedMixin, ServiceFormView):
    template_name = "offboarding/template_item_form.html"
    context_object_name = "template"
    http_method_names = ["get", "post"]
    title = gettext_lazy("Add a checklist item")
    object: ChecklistTemplate

    def get_form(self, data: Any = None) -> TemplateItemForm:
        return TemplateItemForm(data, initial={"required": True, "due_offset_days": 3})

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(title=self.title, **kwargs)

    def perform(self, form: TemplateItemForm) -> HttpResponse:
        item = template_item_create(actor=self.request.user, template=self.object, **form.cleaned_data)
        messages.success(self.request, _("%(title)s was added.") % {"title": item.title})
        return redirect("offboarding:template_edit", pk=self.object.pk)


class TemplateItemScopedMixin(ScopedObjectMixin):
    policy = TEMPLATE_VIEW
    write_policy = TEMPLATE_CHANGE
    context_object_name = "item"

    def get_scoped_queryset(self) -> QuerySet[Any]:
        templates = checklist_templates_of(user=self.request.user).values("pk")
        return ChecklistTemplateItem.objects.filter(template__in=templates).select_related("template")


class TemplateItemEditView(TemplateItemScopedMixin, ServiceFormView):
    template_name = "offboarding/template_item_form.html"
    title = gettext_lazy("Edit a checklist item")
    object: ChecklistTemplateItem

    def get_form(self, data: Any = None) -> TemplateItemForm:
        initial = {name: getattr(self.object, name) for name in ITEM_FIELDS}
        return TemplateItemForm(data, initial=initial)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(title=self.title, template=self.object.template, **kwargs)

    def perform(self, form: TemplateItemForm) -> HttpResponse:
        template_item_update(actor=self.request.user, item=self.object, **form.cleaned_data)
        messages.success(self.request, _("%(title)s was saved.") % {"title": self.object.title})
        return redirect("offboarding:template_edit", pk=self.object.template_id)


class TemplateItemDeleteView(TemplateItemScopedMixin):
    policy = TEMPLATE_CHANGE
    http_method_names = ["post"]
    object: ChecklistTemplateItem

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        template_item_delete(actor=request.user, item=self.object)
        messages.success(
            request, _("%(title)s was removed from the template.") % {"title": self.object.title}
        )
        return redirect("offboarding:template_edit", pk=self.object.template_id)


# --- Settings -----------------------------------------------------------------------------------


class PolicySettingsView(BatonViewMixin, ServiceFormView):
    """The company's notice periods, freeze, revenue line, revisits and reminders."""

    policy = TEMPLATE_VIEW
    write_policy = TEMPLATE_CHANGE
    template_name = "offboarding/settings.html"

    def company_id(self) -> int:
        employee = getattr(self.request.user, "employee", None)
        if employee is None:
            raise InvalidInput(
                _("Only an employee of the company can change its settings."), code="no_employee"
            )
        return int(employee.company_id)

    def get_form(self, data: Any = None) -> PolicyForm:
        employee = getattr(self.request.user, "employee", None)
        initial = None
        if employee is not None:
            policy = policy_for(employee.company_id)
            initial = {name: getattr(policy, name) for name in POLICY_FIELDS}
        return PolicyForm(data, initial=initial)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(can_change=TEMPLATE_CHANGE.allows(self.request.user), **kwargs)

    def perform(self, form: PolicyForm) -> HttpResponse:
        offboarding_policy_update(actor=self.request.user, company_id=self.company_id(), **form.cleaned_data)
        messages.success(self.request, _("The settings were saved."))
        return redirect("offboarding:settings")
