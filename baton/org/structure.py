"""Changing companies and positions: the updates ``org.services`` does not have yet.

Kept apart so the API could ship without touching ``services.py``; fold these into it
when that module is next reworked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from baton.audit.services import audit_record, diff, snapshot
from baton.core.errors import InvalidInput
from baton.org.models import Company, Position

_UNCHANGED: Any = object()


def company_update(
    *,
    actor: Any,
    company: Company,
    name: str | None = None,
    short_name: str | None = None,
    parent: Company | None = _UNCHANGED,
    founded_on: dt.date | None = _UNCHANGED,
) -> Company:
    """Rename a company, or change its holding company or founding date."""
    fields = ("name", "short_name", "parent", "founded_on")
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=company.pk)
        before = snapshot(company, fields)
        if name is not None and name != company.name:
            if Company.objects.filter(name=name).exclude(pk=company.pk).exists():
                raise InvalidInput(fields={"name": [_("A company with this name exists already.")]})
            company.name = name
        if short_name is not None:
            company.short_name = short_name
        if parent is not _UNCHANGED:
            if parent is not None and _is_below(parent, company):
                raise InvalidInput(fields={"parent": [_("A company cannot belong to itself.")]})
            company.parent = parent
        if founded_on is not _UNCHANGED:
            company.founded_on = founded_on
        company.save()
        changes = diff(before, snapshot(company, fields))
        if changes:
            audit_record(actor=actor, action="org.company_changed", target=company, changes=changes)
    return company


def _is_below(candidate: Company, company: Company) -> bool:
    """Whether ``candidate`` is ``company`` or one of its subsidiaries (at any depth)."""
    seen: set[int] = set()
    node: Company | None = candidate
    while node is not None and node.pk not in seen:
        if node.pk == company.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


def position_update(
    *,
    actor: Any,
    position: Position,
    name: str | None = None,
    code: str | None = None,
    is_sales: bool | None = None,
) -> Position:
    """Rename a position, change its code, or mark it as a sales position."""
    fields = ("name", "code", "is_sales")
    with transaction.atomic():
        position = Position.objects.select_for_update().get(pk=position.pk)
        before = snapshot(position, fields)
        if code is not None and code != position.code:
            taken = Position.objects.filter(company_id=position.company_id, code=code)
            if taken.exclude(pk=position.pk).exists():
                raise InvalidInput(fields={"code": [_("A position with this code exists already.")]})
            position.code = code
        if name is not None:
            position.name = name
        if is_sales is not None:
            position.is_sales = is_sales
        position.save()
        changes = diff(before, snapshot(position, fields))
        if changes:
            audit_record(actor=actor, action="org.position_changed", target=position, changes=changes)
    return position
