"""Role administration: the roles, each role's grant grid, and who holds which role."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from baton.accounts.models import User
from baton.authz.forms import RoleForm, UserRolesForm, grid_columns, grid_read, grid_rows
from baton.authz.models import Role, Scope
from baton.authz.registry import all_resources
from baton.authz.selectors import (
    accounts_for_role_admin,
    role_holders,
    roles_all,
    roles_of,
    roles_visible_to,
    roles_with_counts,
    user_can,
)
from baton.authz.services import role_grid_save, user_roles_set
from baton.core.policy import requires
from baton.core.views import BatonTemplateView, ScopedObjectMixin, ServiceFormView


class RoleListView(BatonTemplateView):
    policy = requires("role", "view")
    template_name = "authz/role_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(roles=roles_with_counts(), **kwargs)


class RoleDetailView(ScopedObjectMixin, ServiceFormView):
    """A role's grants as a grid of resources × actions; saving needs ``role.change``."""

    policy = requires("role", "view")
    write_policy = requires("role", "change")
    template_name = "authz/role_detail.html"
    context_object_name = "role"
    object: Role

    def get_scoped_queryset(self) -> QuerySet[Role]:
        return roles_visible_to(user=self.request.user)

    def get_form(self, data: Any = None) -> RoleForm:
        if data is not None:
            return RoleForm(data)
        return RoleForm(initial={"name": self.object.name, "requires_mfa": self.object.requires_mfa})

    def perform(self, form: RoleForm) -> HttpResponse:
        changed = role_grid_save(
            actor=self.request.user,
            role=self.object,
            name=form.cleaned_data["name"],
            requires_mfa=form.cleaned_data["requires_mfa"],
            grants=grid_read(self.request.POST, all_resources()),
        )
        messages.success(
            self.request, _("The role was saved (%(count)d grants changed).") % {"count": changed}
        )
        return redirect("authz:role_detail", pk=self.object.pk)

    def invalid_context(self, form: RoleForm) -> dict[str, Any]:
        wanted = grid_read(self.request.POST, all_resources())
        return {"grid": {cell: scope for cell, scope in wanted.items() if scope is not None}}

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


class UserRolesView(ScopedObjectMixin, ServiceFormView):
    """Which roles one login account holds."""

    policy = requires("role", "change")
    template_name = "authz/user_roles.html"
    context_object_name = "account"
    object: User

    def get_scoped_queryset(self) -> QuerySet[User]:
        return accounts_for_role_admin(user=self.request.user, action="change")

    def get_form(self, data: Any = None) -> UserRolesForm:
        if data is not None:
            return UserRolesForm(data, roles=list(roles_all()))
        held = list(roles_of(user=self.object).values_list("code", flat=True))
        return UserRolesForm(roles=list(roles_all()), initial={"roles": held})

    def perform(self, form: UserRolesForm) -> HttpResponse:
        user_roles_set(actor=self.request.user, user=self.object, role_codes=form.cleaned_data["roles"])
        messages.success(self.request, _("The roles of %(no)s were saved.") % {"no": self.object.employee_no})
        return redirect("authz:user_roles", pk=self.object.pk)
