"""Role administration: the roles, each role's grant grid, and who holds which role."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from baton.accounts.models import User
from baton.authz.forms import RoleForm, UserRolesForm, grid_columns, grid_read, grid_rows
from baton.authz.models import Role, Scope
from baton.authz.registry import all_resources
from baton.authz.selectors import (
    accounts_for_role_admin,
    role_holders,
    roles_all,
    roles_of,
    roles_with_counts,
    user_can,
)
from baton.authz.services import role_grid_save, user_roles_set
from baton.core.errors import BatonError
from baton.core.forms import form_add_service_error
from baton.core.policy import requires
from baton.core.views import BatonTemplateView, ScopedObjectMixin


class RoleListView(BatonTemplateView):
    policy = requires("role", "view")
    template_name = "authz/role_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(roles=roles_with_counts(), **kwargs)


class RoleDetailView(ScopedObjectMixin, TemplateView):
    """A role's grants as a grid of resources × actions; saving needs ``role.change``."""

    policy = requires("role", "view")
    write_policy = requires("role", "change")
    template_name = "authz/role_detail.html"
    context_object_name = "role"
    object: Role

    def get_scoped_queryset(self) -> QuerySet[Role]:
        return roles_all()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = RoleForm(initial={"name": self.object.name, "requires_mfa": self.object.requires_mfa})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = RoleForm(request.POST)
        resources = all_resources()
        wanted = grid_read(request.POST, resources)
        if form.is_valid():
            try:
                changed = role_grid_save(
                    actor=request.user,
                    role=self.object,
                    name=form.cleaned_data["name"],
                    requires_mfa=form.cleaned_data["requires_mfa"],
                    grants=wanted,
                )
            except BatonError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(
                    request, _("The role was saved (%(count)d grants changed).") % {"count": changed}
                )
                return redirect("authz:role_detail", pk=self.object.pk)
        shown = {cell: scope for cell, scope in wanted.items() if scope is not None}
        return self.render_to_response(self.get_context_data(form=form, grid=shown))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        resources = all_resources()
        current = kwargs.get("grid") or {(g.resource, g.action): g.scope for g in self.object.grants.all()}
        ctx.update(
            columns=grid_columns(resources),
            rows=grid_rows(resources, current),
            scopes=Scope.choices,
            holders=role_holders(role=self.object),
            can_change=user_can(user=self.request.user, resource="role", action="change"),
        )
        return ctx


class UserRolesView(ScopedObjectMixin, TemplateView):
    """Which roles one login account holds."""

    policy = requires("role", "change")
    template_name = "authz/user_roles.html"
    context_object_name = "account"
    object: User

    def get_scoped_queryset(self) -> QuerySet[User]:
        return accounts_for_role_admin()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        held = list(roles_of(user=self.object).values_list("code", flat=True))
        form = UserRolesForm(roles=list(roles_all()), initial={"roles": held})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = UserRolesForm(request.POST, roles=list(roles_all()))
        if form.is_valid():
            try:
                user_roles_set(actor=request.user, user=self.object, role_codes=form.cleaned_data["roles"])
            except BatonError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(
                    request, _("The roles of %(no)s were saved.") % {"no": self.object.employee_no}
                )
                return redirect("authz:user_roles", pk=self.object.pk)
        return self.render_to_response(self.get_context_data(form=form))
