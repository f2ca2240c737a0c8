"""Forms of the role administration pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from baton.authz.models import Action, Role, Scope
from baton.authz.registry import Resource


class RoleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    requires_mfa = forms.BooleanField(label=_("Requires two-step sign-in (MFA)"), required=False)


def grid_field_name(resource: str, action: str) -> str:
    return f"grant__{resource}__{action}"


def grid_columns(resources: list[Resource]) -> list[tuple[str, Any]]:
    """The actions any resource has, in the order of ``Action``."""
    used = {a for r in resources for a in r.actions}
    return [(value, label) for value, label in Action.choices if value in used]


def grid_rows(resources: list[Resource], current: dict[tuple[str, str], str]) -> list[dict[str, Any]]:
    """One row per resource: for each action column, a cell to render (or None)."""
    columns = grid_columns(resources)
    rows = []
    for res in resources:
        cells: list[dict[str, Any] | None] = []
        for action, _label in columns:
            if action not in res.actions:
                cells.append(None)
                continue
            cells.append(
                {
                    "name": grid_field_name(res.code, action),
                    "action": action,
                    "scope": current.get((res.code, action)),
                    "scoped": res.scoped,
                }
            )
        rows.append({"resource": res, "cells": cells})
    return rows


def grid_read(data: Any, resources: list[Resource]) -> dict[tuple[str, str], str | None]:
    """The wanted scope of each cell from the posted grid (None: no grant)."""
    wanted: dict[tuple[str, str], str | None] = {}
    for res in resources:
        for action in res.actions:
            raw = data.get(grid_field_name(res.code, action), "")
            if res.scoped:
                wanted[(res.code, action)] = raw or None
            else:
                wanted[(res.code, action)] = Scope.COMPANY if raw else None
    return wanted


class UserRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(label=_("Roles"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(r.code, f"{r.name} ({r.code})") for r in roles]  # type: ignore[attr-defined]
