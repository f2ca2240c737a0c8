"""Changing the organisation. Every write is audited in its own transaction."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from baton.audit.services import audit_record, diff, snapshot
from baton.authz.services import access_denied_record
from baton.core import clock
from baton.core.errors import InvalidInput
from baton.org.models import (
    STATUS_TRANSITIONS,
    Company,
    Department,
    Employee,
    EmployeeMove,
    EmployeeStatus,
    Position,
    Team,
    TeamRole,
    employee_no_validator,
)
from baton.org.selectors import employees_visible_to

EMPLOYEE_FIELDS = (
    "employee_no",
    "name",
    "phone",
    "email",
    "department",
    "team",
    "team_role",
    "position",
    "manager",
    "dotted_line_manager",
    "hire_date",
    "status",
    "company",
)
# Changes to these fields are kept as move history.
MOVE_FIELDS = ("department", "team", "position", "manager", "team_role")


def validate_employee_no(value: str) -> str:
    value = (value or "").strip()
    try:
        employee_no_validator(value)
    except ValidationError as exc:
        raise InvalidInput(fields={"employee_no": list(exc.messages)}) from exc
    return value


def company_create(
    *,
    actor: Any,
    name: str,
    short_name: str = "",
    parent: Company | None = None,
    founded_on: dt.date | None = None,
) -> Company:
    """Register a company (or a subsidiary of ``parent``)."""
    with transaction.atomic():
        if Company.objects.filter(name=name).exists():
            raise InvalidInput(fields={"name": [_("A company with this name exists already.")]})
        company = Company.objects.create(
            name=name, short_name=short_name, parent=parent, founded_on=founded_on
        )
        audit_record(actor=actor, action="org.company_created", target=company, changes={"name": name})
    return company


def _set_path(department: Department) -> None:
    parent = department.parent
    department.path = f"{parent.path if parent else '/'}{department.pk}/"
    department.depth = (parent.depth + 1) if parent else 0


def department_create(
    *,
    actor: Any,
    company: Company,
    name: str,
    parent: Department | None = None,
    code: str = "",
    head: Employee | None = None,
) -> Department:
    """Add a department under ``parent`` (or at the top of the company)."""
    if parent is not None and parent.company_id != company.pk:
        raise InvalidInput(fields={"parent": [_("The parent department belongs to another company.")]})
    with transaction.atomic():
        if Department.objects.filter(company=company, parent=parent, name=name).exists():
            raise InvalidInput(fields={"name": [_("A department with this name exists here already.")]})
        department = Department.objects.create(
            company=company, name=name, parent=parent, code=code, head=head
        )
        _set_path(department)
        department.save(update_fields=["path", "depth"])
        audit_record(
            actor=actor,
            action="org.department_created",
            target=department,
            changes=diff({}, {"name": name, "parent": parent.pk if parent else None}),
        )
    return department


def department_update(
    *,
    actor: Any,
    department: Department,
    name: str | None = None,
    parent: Department | bool | None = False,
    head: Employee | bool | None = False,
    code: str | None = None,
) -> Department:
    """Rename, re-parent or change the head of a department. ``False`` means "leave as is"."""
    fields = ("name", "parent", "head", "code")
    with transaction.atomic():
        department = Department.objects.select_for_update().get(pk=department.pk)
        before = snapshot(department, fields)
        if name is not None:
            department.name = name
        if code is not None:
            department.code = code
        if head is not False:
            department.head = head  # type: ignore[assignment]
        moved = False
        if parent is not False:
            new_parent: Department | None = parent  # type: ignore[assignment]
            if new_parent is not None and (
                new_parent.pk == department.pk or new_parent.path.startswith(department.path)
            ):
                raise InvalidInput(fields={"parent": [_("A department cannot sit below itself.")]})
            if new_parent is not None and new_parent.company_id != department.company_id:
                raise InvalidInput(
                    fields={"parent": [_("The parent department belongs to another company.")]}
                )
            moved = department.parent_id != (new_parent.pk if new_parent else None)
            department.parent = new_parent
        old_path = department.path
        if moved:
            _set_path(department)
        department.save()
        if moved:
            for child in Department.objects.filter(path__startswith=old_path).exclude(pk=department.pk):
                child.path = department.path + child.path[len(old_path) :]
                child.depth = child.path.count("/") - 2
                child.save(update_fields=["path", "depth"])
        changes = diff(before, snapshot(department, fields))
        if changes:
            audit_record(actor=actor, action="org.department_changed", target=department, changes=changes)
    return department


def team_create(
    *, actor: Any, department: Department, name: str, lead: Employee | None = None, is_sales: bool = False
) -> Team:
    """Add a team inside a department."""
    with transaction.atomic():
        if Team.objects.filter(department=department, name=name).exists():
            raise InvalidInput(
                fields={"name": [_("A team with this name exists in the department already.")]}
            )
        team = Team.objects.create(department=department, name=name, lead=lead, is_sales=is_sales)
        audit_record(
            actor=actor,
            action="org.team_created",
            target=team,
            changes=diff({}, {"name": name, "department": department.pk, "is_sales": is_sales}),
        )
    return team


def team_update(
    *,
    actor: Any,
    team: Team,
    name: str | None = None,
    lead: Employee | bool | None = False,
    is_sales: bool | None = None,
) -> Team:
    fields = ("name", "lead", "is_sales")
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        before = snapshot(team, fields)
        if name is not None:
            team.name = name
        if lead is not False:
            team.lead = lead  # type: ignore[assignment]
        if is_sales is not None:
            team.is_sales = is_sales
        team.save()
        changes = diff(before, snapshot(team, fields))
        if changes:
            audit_record(actor=actor, action="org.team_changed", target=team, changes=changes)
    return team


def position_create(
    *, actor: Any, company: Company, name: str, code: str, is_sales: bool = False
) -> Position:
    with transaction.atomic():
        if Position.objects.filter(company=company, code=code).exists():
            raise InvalidInput(fields={"code": [_("A position with this code exists already.")]})
        position = Position.objects.create(company=company, name=name, code=code, is_sales=is_sales)
        audit_record(actor=actor, action="org.position_created", target=position, changes={"name": name})
    return position


def _check_placement(*, company: Company, department: Department, team: Team | None, team_role: str) -> None:
    errors: dict[str, list[Any]] = {}
    if department.company_id != company.pk:
        errors["department"] = [_("The department belongs to another company.")]
    if team is not None and team.department_id != department.pk:
        errors["team"] = [_("The team is not in the chosen department.")]
    if team_role and team is None:
        errors["team_role"] = [_("A team role needs a team.")]
    if team_role and team_role not in TeamRole.values:
        errors["team_role"] = [_("Unknown team role.")]
    if errors:
        raise InvalidInput(fields=errors)


class _OutsideScope(Exception):
    """Raised inside a write's transaction to roll it back; reported as ``outside_scope``."""


def _require_in_scope(*, actor: Any, employee: Employee, action: str) -> None:
    """The record must lie in the actor's scope for ``action`` (system writes have no actor).

    Scopes are query filters, so a write is checked against them once it is made, inside
    its transaction: an HR user of a subsidiary cannot add people to the holding company,
    and a department head cannot move someone out of the departments they manage.
    """
    if getattr(actor, "pk", None) is None:
        return
    if not employees_visible_to(user=actor, action=action).filter(pk=employee.pk).exists():
        raise _OutsideScope(action)


@contextlib.contextmanager
def _scoped_write(*, actor: Any, action: str, object_id: str = "") -> Iterator[None]:
    """A transaction that is rolled back, audited as denied and refused when the record
    ends up outside the actor's scope."""
    try:
        with transaction.atomic():
            yield
    except _OutsideScope:
        access_denied_record(
            user=actor, resource="employee", action=action, object_id=object_id, reason="out_of_scope"
        )
        if action == "create":
            message = _("You may not add employees to this company or department.")
        else:
            message = _("You may not move this employee outside the departments you manage.")
        raise InvalidInput(message, code="outside_scope", fields={"department": [message]}) from None


def employee_create(
    *,
    actor: Any,
    company: Company,
    employee_no: str,
    name: str,
    department: Department,
    hire_date: dt.date,
    team: Team | None = None,
    team_role: str = "",
    position: Position | None = None,
    manager: Employee | None = None,
    dotted_line_manager: Employee | None = None,
    phone: str = "",
    email: str = "",
    status: str = EmployeeStatus.ONBOARDING,
) -> Employee:
    """Add an employee record, inside the actor's ``employee.create`` scope."""
    employee_no = validate_employee_no(employee_no)
    _check_placement(company=company, department=department, team=team, team_role=team_role)
    if status not in (EmployeeStatus.ONBOARDING, EmployeeStatus.PROBATION, EmployeeStatus.ACTIVE):
        raise InvalidInput(
            fields={"status": [_("A new employee starts onboarding, on probation or active.")]}
        )
    with _scoped_write(actor=actor, action="create"):
        if Employee.objects.filter(employee_no__iexact=employee_no).exists():
            raise InvalidInput(fields={"employee_no": [_("This employee number is taken.")]})
        try:
            employee = Employee.objects.create(
                company=company,
                employee_no=employee_no,
                name=name,
                department=department,
                team=team,
                team_role=team_role,
                position=position,
                manager=manager,
                dotted_line_manager=dotted_line_manager,
                phone=phone,
                email=email,
                hire_date=hire_date,
                status=status,
            )
        except IntegrityError as exc:
            raise InvalidInput(fields={"employee_no": [_("This employee number is taken.")]}) from exc
        audit_record(
            actor=actor,
            action="org.employee_created",
            target=employee,
            changes=diff({}, snapshot(employee, EMPLOYEE_FIELDS)),
        )
        _require_in_scope(actor=actor, employee=employee, action="create")
    return employee


def _label(value: Any) -> str:
    return "" if value is None else str(value)[:200]


def employee_update(
    *, actor: Any, employee: Employee, reason: str = "", effective_on: dt.date | None = None, **changes: Any
) -> Employee:
    """Change an employee's record, who must stay inside the actor's ``employee.change`` scope.

    Department, team, position, manager and team-role changes are kept as move history;
    status changes go through ``employee_status_change``.
    """
    allowed = set(EMPLOYEE_FIELDS) - {"status", "company", "employee_no"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(
            fields={name: [_("This field cannot be changed here.")] for name in sorted(unknown)}
        )
    now = clock.now()
    with _scoped_write(actor=actor, action="change", object_id=str(employee.pk)):
        employee = Employee.objects.select_for_update().get(pk=employee.pk)
        _require_in_scope(actor=actor, employee=employee, action="change")
        before = snapshot(employee, EMPLOYEE_FIELDS)
        labels_before = {f: getattr(employee, f) for f in MOVE_FIELDS}
        for name, value in changes.items():
            setattr(employee, name, value)
        _check_placement(
            company=employee.company,
            department=employee.department,
            team=employee.team,
            team_role=employee.team_role,
        )
        employee.save()
        after = snapshot(employee, EMPLOYEE_FIELDS)
        moves = [
            EmployeeMove(
                employee=employee,
                occurred_at=now,
                effective_on=effective_on or now.date(),
                field=f,
                from_value=_label(labels_before[f]),
                to_value=_label(getattr(employee, f)),
                from_id=before[f] if isinstance(before[f], int) else None,
                to_id=after[f] if isinstance(after[f], int) else None,
                reason=reason,
                operator=actor if getattr(actor, "pk", None) else None,
            )
            for f in MOVE_FIELDS
            if before[f] != after[f]
        ]
        EmployeeMove.objects.bulk_create(moves)
        changed = diff(before, after)
        if changed:
            audit_record(
                actor=actor,
                action="org.employee_changed",
                target=employee,
                changes=changed | ({"reason": reason} if reason else {}),
            )
        _require_in_scope(actor=actor, employee=employee, action="change")
    return employee


def employee_status_change(
    *,
    actor: Any,
    employee: Employee,
    status: str,
    reason: str = "",
    effective_on: dt.date | None = None,
    via_offboarding: bool = False,
) -> Employee:
    """Move an employee along onboarding → probation → active → resigning → left.

    Resigning and leaving happen only through an offboarding case (``baton.offboarding``), so
    nobody leaves without the handover. Leaving ends all sessions and tokens at once.
    """
    departing = status in (EmployeeStatus.RESIGNING, EmployeeStatus.LEFT) or (
        employee.status == EmployeeStatus.RESIGNING
    )
    if departing and not via_offboarding:
        raise InvalidInput(
            _("Departures go through an offboarding case (离职交接): open one from the offboarding board."),
            code="use_offboarding",
            fields={"status": [_("Open an offboarding case instead.")]},
        )
    now = clock.now()
    with transaction.atomic():
        employee = Employee.objects.select_for_update().get(pk=employee.pk)
        old = employee.status
        if status not in STATUS_TRANSITIONS.get(old, set()):
            raise InvalidInput(
                _("An employee who is %(old)s cannot become %(new)s.")
                % {
                    "old": EmployeeStatus(old).label,
                    "new": EmployeeStatus(status).label if status in EmployeeStatus.values else status,
                },
                code="invalid_transition",
                fields={"status": [_("This status change is not allowed.")]},
            )
        employee.status = status
        if status == EmployeeStatus.LEFT:
            employee.left_on = effective_on or now.date()
        employee.save(update_fields=["status", "left_on"])
        EmployeeMove.objects.create(
            employee=employee,
            occurred_at=now,
            effective_on=effective_on or now.date(),
            field="status",
            from_value=old,
            to_value=status,
            reason=reason,
            operator=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor,
            action="org.employee_status_changed",
            target=employee,
            changes={"status": {"before": old, "after": status}, "reason": reason},
        )
        if status == EmployeeStatus.LEFT and employee.user is not None:
            from baton.accounts.services import sessions_revoke_all

            sessions_revoke_all(actor=actor, user=employee.user, reason="employee_left")
    return employee


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


# The masked fields a reveal shows in clear.
REVEALED_FIELDS = ("phone", "email")


def employee_reveal_contact(*, actor: Any, employee: Employee) -> dict[str, str]:
    """The employee's phone and e-mail in clear, for a caller allowed to ``reveal`` them.

    The caller has checked the grant and scope (the employee comes from a scoped
    selector); this records who saw what, in the same transaction.
    """
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="employee.reveal",
            target=employee,
            changes={"fields": list(REVEALED_FIELDS)},
        )
    return {name: getattr(employee, name) for name in REVEALED_FIELDS}
