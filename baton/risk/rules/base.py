"""What a risk rule is: thresholds it takes, the scan it runs, and the findings it reports.

A rule never writes. It reads (through the ORM or SQL aggregates) and yields ``Finding`` s;
the engine (``baton.risk.services``) turns each finding into at most one open alert per rule
and subject, and notifies the people the finding names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Param:
    """One threshold: its name, label, type (int, decimal, bool), default and bounds."""

    name: str
    label: Any
    kind: str
    default: Any
    minimum: Any = None
    maximum: Any = None

    def clean(self, value: Any) -> Any:
        """The value in its type, within bounds; raises ValueError with a readable reason."""
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            raise ValueError(_("Enter true or false."))
        try:
            cleaned: Any = int(value) if self.kind == "int" else Decimal(str(value))
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise ValueError(_("Enter a number.")) from exc
        if self.kind == "int" and isinstance(value, float) and not value.is_integer():
            raise ValueError(_("Enter a whole number."))
        if self.minimum is not None and cleaned < self.minimum:
            raise ValueError(_("At least %(n)s.") % {"n": self.minimum})
        if self.maximum is not None and cleaned > self.maximum:
            raise ValueError(_("At most %(n)s.") % {"n": self.maximum})
        return cleaned


# Who a finding should reach. The engine resolves them to accounts.
OWNER = "owner"  # the employee the finding is about / the customer's owner
TEAM_LEAD = "team_lead"
DEPARTMENT_HEAD = "department_head"
MANAGEMENT = "management"
HR = "hr"
ADMIN = "admin"


@dataclass
class Finding:
    """Something a rule saw about one subject (an employee, a customer, a team, a user)."""

    subject_type: str
    subject_id: str
    title: str
    details: dict[str, Any] = field(default_factory=dict)
    severity: str = ""  # empty: the rule's default
    company_id: int | None = None
    team_id: int | None = None
    owner_id: int | None = None
    notify: tuple[str, ...] = ()


class Rule:
    """Base class of every risk rule (built in or plug-in)."""

    code: ClassVar[str] = ""
    title: ClassVar[Any] = ""
    description: ClassVar[Any] = ""
    category: ClassVar[str] = "risk"  # churn, concentration, engagement, compliance, security, departure
    severity: ClassVar[str] = "medium"
    params: ClassVar[tuple[Param, ...]] = ()
    # Events (see baton.risk.events) on which the rule also runs at once, besides the daily scan.
    events: ClassVar[tuple[str, ...]] = ()
    # False for rules that only run on events (nothing to scan daily).
    daily: ClassVar[bool] = True

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def scan(self, *, company: Any, now: dt.datetime, params: dict[str, Any]) -> Iterable[Finding]:
        """Everything the rule sees in the company as of ``now``."""
        return []

    def on_event(
        self, *, company: Any, now: dt.datetime, params: dict[str, Any], event: str, payload: dict[str, Any]
    ) -> Iterable[Finding]:
        """What the rule sees right after ``event`` (by default: nothing beyond the daily scan)."""
        return []
