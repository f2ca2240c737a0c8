"""Customer-resource reports: how concentrated customers and revenue are, and what one
person's departure would put at risk.

The quarterly concentration report (``concentration_report``) answers, per employee, per team
and per department, for a quarter such as ``2026Q3``:

- customers owned and key customers (the current owner);
- revenue: orders dated in the twelve months ending with the quarter (for 2026Q3: 2025-10-01 to
  2026-09-30; quarters and days in Asia/Shanghai), cancelled orders excluded — the revenue
  definition of ``baton.offboarding.selectors`` over a quarter-aligned window — and its share of
  the company's revenue over the same window;
- the HHI (Herfindahl–Hirschman index, 0–10,000) of the revenue shares across employees and
  across teams: the sum of the squared percentage shares of the revenue the rows hold (10,000:
  one person holds it all; 10,000/n: n people hold equal parts);
- customers served by one person only: in the twelve months only their owner logged an
  interaction with them, nobody else (interactions without an employee do not count);
- customers lagging their follow-up: the last follow-up (``last_follow_up_at``; for a customer
  never followed up, since it was taken over or created) is older, as of the quarter's end (or
  now, for the running quarter), than the follow-up limit of its pool and tier
  (``PoolTierRule.follow_up_days``, else the pool's ``follow_up_days``: the public-pool return
  rule);
- the trend across stored quarters (``ReportSnapshot``, at most the last twelve).

Ownership and follow-ups are the state when the report is computed; that is why a snapshot
is stored when a quarter closes (``baton.risk.report_services``) and the report of a closed
quarter with a final snapshot is read from it.

Every row is scoped by the viewer: rows are employees, restricted through the ``risk_report``
resource (a team lead sees the team, a department head the department subtree, management the
company). The figures come from a fixed handful of aggregate queries whatever the number of
employees or customers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from baton.authz.selectors import restrict
from baton.core import clock
from baton.core.db_router import replica_reads
from baton.core.errors import InvalidInput
from baton.customers.models import (
    Customer,
)
from baton.offboarding.recommend import Recommendation, successors_for
from baton.offboarding.selectors import Impact, departure_impact, revenue_since, window_start
from baton.org.models import Employee
from baton.risk.models import ReportSnapshot
from baton.risk.report_sql import owner_figures

RESOURCE = "risk_report"
CONCENTRATION = "concentration"  # ReportSnapshot.kind
TREND_QUARTERS = 12
SHARE_PLACES = Decimal("0.0001")  # shares are fractions of 1, to four places (12.34%)
HHI_PLACES = Decimal("0.01")
MONEY_PLACES = Decimal("0.01")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


# --- quarters ------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter in Asia/Shanghai, e.g. ``2026Q3`` (July to September 2026)."""

    year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    def __str__(self) -> str:
        return self.label

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def last_day(self) -> dt.date:
        return self.next.first_day - dt.timedelta(days=1)

    @property
    def window_first_day(self) -> dt.date:
        """First day of the twelve months ending with the quarter (three quarters earlier)."""
        return self.previous.previous.previous.first_day

    @property
    def start(self) -> dt.datetime:
        return clock.local_moment(self.first_day, 0)

    @property
    def end(self) -> dt.datetime:
        """The first moment after the quarter (exclusive bound), in UTC."""
        return clock.local_moment(self.next.first_day, 0)

    @property
    def window_start(self) -> dt.datetime:
        return clock.local_moment(self.window_first_day, 0)


def quarter_of(moment: dt.datetime) -> Quarter:
    """The quarter a moment falls in (by its Asia/Shanghai calendar day)."""
    day = clock.local_date(moment)
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def quarter_parse(value: str | None, *, now: dt.datetime | None = None) -> Quarter:
    """``2026Q3`` (or ``2026q3``) as a quarter; nothing given means the running quarter.

    Refuses (``invalid_quarter``) anything else and quarters that have not started yet."""
    moment = now or clock.now()
    if value is None or not str(value).strip():
        return quarter_of(moment)
    match = _QUARTER.match(str(value).strip().upper())
    if match is None or int(match.group(1)) < 1900:
        raise InvalidInput(
            _("Give the quarter as a year and a quarter number, such as 2026Q3."),
            code="invalid_quarter",
            fields={"quarter": [_("Give the quarter as a year and a quarter number, such as 2026Q3.")]},
        )
    quarter = Quarter(int(match.group(1)), int(match.group(2)))
    if quarter > quarter_of(moment):
        message = _("The quarter %(quarter)s has not started yet.") % {"quarter": quarter.label}
        raise InvalidInput(message, code="invalid_quarter", fields={"quarter": [message]})
    return quarter


# --- who is in the report ------------------------------------------------------------------


def report_company_id(*, user: Any) -> int | None:
    """The company a viewer's reports are about: their employer's (none without an employee)."""
    employee = getattr(user, "employee", None)
    return getattr(employee, "company_id", None)


def report_employees_for(*, user: Any, action: str = "view") -> QuerySet[Employee]:
    """Employees whose figures the user may see (``view``) or take out (``export``) in the
    reports: the ``risk_report`` scope over people, within the user's company."""
    company_id = report_company_id(user=user)
    employees = restrict(Employee.objects.all(), user=user, resource=RESOURCE, action=action)
    return employees.filter(company_id=company_id) if company_id is not None else employees.none()


# --- the figures ---------------------------------------------------------------------------


@dataclass
class Line:
    """One row of the report: an employee, a team, a department, or the total of the rows."""

    kind: str  # "employee" | "team" | "department" | "total"
    key: int | None
    label: str
    employee_no: str = ""
    team: str = ""
    department: str = ""
    members: int = 0
    customers: int = 0
    key_customers: int = 0
    revenue: Decimal = Decimal("0")
    share: Decimal = Decimal("0")  # of the company's revenue, 0..1
    single_served: int = 0
    lagging: int = 0
    team_id: int | None = None
    department_id: int | None = None

    @property
    def share_percent(self) -> Decimal:
        return (self.share * 100).quantize(HHI_PLACES)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.key,
            "name": self.label,
            "customers": self.customers,
            "key_customers": self.key_customers,
            "revenue": str(self.revenue),
            "share": str(self.share),
            "single_served": self.single_served,
            "lagging": self.lagging,
        }
        if self.kind == "employee":
            data.update(employee_no=self.employee_no, team=self.team, department=self.department)
        elif self.kind in ("team", "department"):
            data["members"] = self.members
            if self.kind == "team":
                data["department"] = self.department
        return data


@dataclass
class TrendPoint:
    """One quarter of the trend: the concentration of the rows in scope then."""

    quarter: str
    source: str  # "snapshot" | "live"
    hhi_employees: Decimal
    hhi_teams: Decimal
    revenue: Decimal
    share: Decimal
    top_share: Decimal  # the largest employee share of the company's revenue
    single_served: int
    lagging: int

    @property
    def share_percent(self) -> Decimal:
        return (self.share * 100).quantize(HHI_PLACES)

    @property
    def top_share_percent(self) -> Decimal:
        return (self.top_share * 100).quantize(HHI_PLACES)

    def as_json(self) -> dict[str, Any]:
        return {
            "quarter": self.quarter,
            "source": self.source,
            "hhi_employees": str(self.hhi_employees),
            "hhi_teams": str(self.hhi_teams),
            "revenue": str(self.revenue),
            "share": str(self.share),
            "top_share": str(self.top_share),
            "single_served": self.single_served,
            "lagging": self.lagging,
        }


@dataclass
class ConcentrationReport:
    """The quarterly customer distribution (concentration) report as one viewer sees it."""

    quarter: Quarter
    as_of: dt.datetime
    source: str  # "live" | "snapshot"
    taken_at: dt.datetime | None
    company_revenue: Decimal
    employees: list[Line]
    teams: list[Line]
    departments: list[Line]
    total: Line
    hhi_employees: Decimal
    hhi_teams: Decimal
    trend: list[TrendPoint] = field(default_factory=list)

    @property
    def window_from(self) -> dt.date:
        return self.quarter.window_first_day

    @property
    def window_to(self) -> dt.date:
        return self.quarter.last_day

    def as_json(self) -> dict[str, Any]:
        return {
            "quarter": self.quarter.label,
            "window": {"from": self.window_from.isoformat(), "to": self.window_to.isoformat()},
            "as_of": self.as_of.isoformat(),
            "source": self.source,
            "taken_at": self.taken_at.isoformat() if self.taken_at else None,
            "company_revenue": str(self.company_revenue),
            "hhi_employees": str(self.hhi_employees),
            "hhi_teams": str(self.hhi_teams),
            "total": self.total.as_json(),
            "employees": [r.as_json() for r in self.employees],
            "teams": [r.as_json() for r in self.teams],
            "departments": [r.as_json() for r in self.departments],
            "trend": [p.as_json() for p in self.trend],
        }


def hhi(values: Iterable[Decimal]) -> Decimal:
    """Herfindahl–Hirschman index of the parts: Σ (100 · part / whole)², 0–10,000."""
    parts = [v for v in values if v > 0]
    whole = sum(parts, Decimal("0"))
    if not whole:
        return Decimal("0")
    return sum(((100 * v / whole) ** 2 for v in parts), Decimal("0")).quantize(HHI_PLACES)


def _share(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole).quantize(SHARE_PLACES) if whole else Decimal("0")


def concentration_figures(
    *,
    company_id: int,
    quarter: Quarter,
    now: dt.datetime,
    employees: QuerySet[Employee] | None = None,
) -> dict[str, Any]:
    """The raw per-employee figures of a quarter, as stored in a snapshot.

    ``employees`` limits the rows to those people (the viewer's scope); None means every owner
    in the company. Four queries whatever the size of the company: the pools and their tier
    rules, the figures of every owner in one statement (``baton.risk.report_sql``), the people.
    """
    as_of = min(now, quarter.end)
    figures, company_revenue = owner_figures(
        company_id=company_id,
        window=(quarter.window_start, quarter.end),
        days=(quarter.window_first_day, quarter.last_day),
        as_of=as_of,
        employees=employees,
    )
    # The owners: people (of the scope) owning a customer of the company — one index probe per
    # person rather than a pass over every customer.
    people = (employees if employees is not None else Employee.objects.all()).filter(
        Exists(Customer.objects.filter(company_id=company_id, owner_id=OuterRef("pk")))
    )
    people = people.select_related("team", "department")
    rows = []
    for person in people:
        row = figures.get(person.pk)
        rows.append(
            {
                "employee_id": person.pk,
                "employee_no": person.employee_no,
                "name": person.name,
                "team_id": person.team_id,
                "team": person.team.name if person.team else "",
                "department_id": person.department_id,
                "department": person.department.name,
                "customers": row.customers if row else 0,
                "key_customers": row.key_customers if row else 0,
                "revenue": str((row.revenue if row else Decimal(0)).quantize(MONEY_PLACES)),
                "single_served": row.single_served if row else 0,
                "lagging": row.lagging if row else 0,
            }
        )
    return {
        "version": 1,
        "quarter": quarter.label,
        "as_of": as_of.isoformat(),
        "window": {"from": quarter.window_first_day.isoformat(), "to": quarter.last_day.isoformat()},
        "company_revenue": str(company_revenue.quantize(MONEY_PLACES)),
        "employees": rows,
    }


def _roll_up(lines: list[Line], kind: str, key_of: Any, label_of: Any) -> list[Line]:
    groups: dict[Any, Line] = {}
    for line in lines:
        key = key_of(line)
        group = groups.get(key)
        if group is None:
            group = groups[key] = Line(kind=kind, key=key, label=label_of(line), department=line.department)
        group.members += 1
        group.customers += line.customers
        group.key_customers += line.key_customers
        group.revenue += line.revenue
        group.single_served += line.single_served
        group.lagging += line.lagging
    return sorted(groups.values(), key=lambda g: (-g.revenue, -g.customers, g.label))


def _assemble(
    figures: dict[str, Any],
    *,
    quarter: Quarter,
    keep: set[int] | None,
    source: str,
    taken_at: dt.datetime | None,
) -> ConcentrationReport:
    """The report from per-employee figures (live or stored), keeping the rows in ``keep``."""
    company_revenue = Decimal(figures["company_revenue"])
    lines = []
    for row in figures["employees"]:
        if keep is not None and row["employee_id"] not in keep:
            continue
        revenue = Decimal(row["revenue"])
        lines.append(
            Line(
                kind="employee",
                key=row["employee_id"],
                label=row["name"],
                employee_no=row["employee_no"],
                team=row["team"],
                department=row["department"],
                customers=row["customers"],
                key_customers=row["key_customers"],
                revenue=revenue,
                share=_share(revenue, company_revenue),
                single_served=row["single_served"],
                lagging=row["lagging"],
                team_id=row["team_id"],
                department_id=row["department_id"],
            )
        )
    teams = _roll_up(
        lines, "team", key_of=lambda line: line.team_id, label_of=lambda line: line.team or _("No team")
    )
    departments = _roll_up(
        lines, "department", key_of=lambda line: line.department_id, label_of=lambda line: line.department
    )
    for group in (*teams, *departments):
        group.share = _share(group.revenue, company_revenue)
    total = Line(kind="total", key=None, label=_("Total"))
    for line in lines:
        total.members += 1
        total.customers += line.customers
        total.key_customers += line.key_customers
        total.revenue += line.revenue
        total.single_served += line.single_served
        total.lagging += line.lagging
    total.share = _share(total.revenue, company_revenue)
    lines.sort(key=lambda line: (-line.revenue, -line.customers, line.employee_no))
    return ConcentrationReport(
        quarter=quarter,
        as_of=dt.datetime.fromisoformat(figures["as_of"]),
        source=source,
        taken_at=taken_at,
        company_revenue=company_revenue,
        employees=lines,
        teams=teams,
        departments=departments,
        total=total,
        hhi_employees=hhi(line.revenue for line in lines),
        hhi_teams=hhi(team.revenue for team in teams),
    )


def _trend_point(report: ConcentrationReport) -> TrendPoint:
    return TrendPoint(
        quarter=report.quarter.label,
        source=report.source,
        hhi_employees=report.hhi_employees,
        hhi_teams=report.hhi_teams,
        revenue=report.total.revenue,
        share=report.total.share,
        top_share=max((line.share for line in report.employees), default=Decimal("0")),
        single_served=report.total.single_served,
        lagging=report.total.lagging,
    )


def snapshot_is_final(snapshot: ReportSnapshot, quarter: Quarter) -> bool:
    """Whether the snapshot was taken once the quarter had closed (and so stands for it)."""
    return dt.datetime.fromisoformat(snapshot.data["as_of"]) >= quarter.end


@replica_reads()
def concentration_report(
    *, user: Any, quarter: Quarter, now: dt.datetime | None = None, action: str = "view"
) -> ConcentrationReport:
    """The concentration report of ``quarter`` for the rows ``user`` may ``action``, with the
    trend over the stored quarters up to it. A closed quarter with a final snapshot is read
    from the snapshot; otherwise the figures are computed now.

    Read from the read replica when there is one and no transaction is open (scaling.md):
    figures a few seconds old are fine for a report, and its one big statement then leaves the
    primary alone."""
    moment = now or clock.now()
    company_id = report_company_id(user=user)
    employees = report_employees_for(user=user, action=action)
    stored = (
        list(
            ReportSnapshot.objects.filter(
                company_id=company_id, kind=CONCENTRATION, period__lte=quarter.label
            ).order_by("-period")[: TREND_QUARTERS + 1]
        )
        if company_id is not None
        else []
    )
    keep = set(employees.values_list("pk", flat=True)) if stored else None
    current = next((s for s in stored if s.period == quarter.label), None)
    if current is not None and snapshot_is_final(current, quarter):
        report = _assemble(
            current.data, quarter=quarter, keep=keep, source="snapshot", taken_at=current.created_at
        )
    else:
        figures = (
            concentration_figures(company_id=company_id, quarter=quarter, now=moment, employees=employees)
            if company_id is not None
            else {"company_revenue": "0", "employees": [], "as_of": min(moment, quarter.end).isoformat()}
        )
        report = _assemble(figures, quarter=quarter, keep=None, source="live", taken_at=None)
    past = [s for s in stored if s.period != quarter.label][: TREND_QUARTERS - 1]
    points = [
        _trend_point(
            _assemble(
                s.data,
                quarter=quarter_parse(s.period, now=moment),
                keep=keep,
                source="snapshot",
                taken_at=s.created_at,
            )
        )
        for s in reversed(past)
    ]
    report.trend = [*points, _trend_point(report)]
    return report


# --- what if X leaves --------------------------------------------------------------------


@dataclass
class DepartureWhatIf:
    """What ``employee`` leaving would put at risk, and who could take over."""

    employee: Employee
    as_of: dt.datetime
    impact: Impact
    key_customers: list[Customer]  # each with ``revenue_12m``
    top_customers: list[Customer]  # the ten with most revenue, each with ``revenue_12m``
    successors: list[Recommendation]

    @property
    def share_percent(self) -> Decimal:
        return (self.impact.share * 100).quantize(HHI_PLACES)

    def as_json(self) -> dict[str, Any]:
        from baton.offboarding.recommend import recommendation_json

        def customer(c: Customer) -> dict[str, Any]:
            return {
                "id": c.pk,
                "name": c.name,
                "tier": c.tier,
                "is_key_account": c.is_key_account,
                "revenue_12m": str(Decimal(c.revenue_12m).quantize(MONEY_PLACES)),  # type: ignore[attr-defined]
                "last_follow_up_at": c.last_follow_up_at.isoformat() if c.last_follow_up_at else None,
            }

        e = self.employee
        return {
            "employee": {
                "id": e.pk,
                "employee_no": e.employee_no,
                "name": e.name,
                "team": e.team.name if e.team else "",
                "department": e.department.name,
                "status": e.status,
            },
            "as_of": self.as_of.isoformat(),
            "window": {
                "from": window_start(self.as_of).isoformat(),
                "to": clock.local_date(self.as_of).isoformat(),
            },
            **self.impact.as_json(),
            # Money with two decimals whatever the database returns for sums.
            **{
                name: str(Decimal(getattr(self.impact, name)).quantize(MONEY_PLACES))
                for name in ("revenue_12m", "company_revenue_12m", "open_orders_amount", "receivables_open")
            },
            "key_customer_list": [customer(c) for c in self.key_customers],
            "top_customers": [customer(c) for c in self.top_customers],
            "successors": [recommendation_json(r) for r in self.successors],
        }


def departure_what_if(*, employee: Employee, now: dt.datetime | None = None) -> DepartureWhatIf:
    """For one employee: customers, twelve-month revenue and its share of the company's, open
    orders and receivables at risk (``offboarding.selectors.departure_impact``: the last twelve
    months up to today), the key customers, the biggest customers, and the recommended
    successors with their reasons (``offboarding.recommend``)."""
    moment = now or clock.now()
    since = window_start(moment)
    owned = (
        Customer.objects.filter(owner_id=employee.pk)
        .annotate(revenue_12m=revenue_since(since))
        .order_by("-revenue_12m", "name", "pk")
    )
    return DepartureWhatIf(
        employee=employee,
        as_of=moment,
        impact=departure_impact(employee=employee, now=moment),
        key_customers=list(owned.filter(is_key_account=True)),
        top_customers=list(owned[:10]),
        successors=successors_for(employee=employee),
    )


def departure_employee_for(*, user: Any, action: str = "view") -> QuerySet[Employee]:
    """The people whose departure report ``user`` may open: the report scope, with the
    relations the report shows."""
    return report_employees_for(user=user, action=action).select_related("team", "department")
