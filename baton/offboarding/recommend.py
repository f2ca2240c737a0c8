"""Successor recommendations: who is best placed to take over a leaver's customers.

Each candidate (a current customer manager or team lead of a sales team in the leaver's
department, or in the company when the department has too few) gets points out of 100:

- 30 for the same team, 10 for the same department;
- up to 20 for serving the same industries, up to 15 for the same regions (the share of the
  leaver's customers whose industry / region the candidate also serves);
- up to 15 for past interactions with the leaver's customers (10 or more gives all 15);
- up to 10 for a light load (fewer customers owned than the busiest candidate).

Five aggregate queries, whatever the number of customers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from baton.customers.models import Customer, Interaction
from baton.offboarding.models import OffboardingCase
from baton.org.models import Employee, EmployeeStatus, TeamRole

MIN_CANDIDATES = 3


@dataclass
class Recommendation:
    employee: Employee
    score: int
    load: int
    reasons: list[str] = field(default_factory=list)


def _candidates(leaver: Employee) -> list[Employee]:
    base = (
        Employee.objects.filter(
            company_id=leaver.company_id,
            status__in=[EmployeeStatus.ACTIVE, EmployeeStatus.PROBATION],
            team__is_sales=True,
            # Customer managers and team leads own customers; follow-up specialists support them.
            team_role__in=[TeamRole.CUSTOMER_MANAGER, TeamRole.LEAD],
        )
        .exclude(pk=leaver.pk)
        .select_related("team", "department")
    )
    near = list(base.filter(department__path__startswith=leaver.department.path).order_by("pk"))
    return near if len(near) >= MIN_CANDIDATES else list(base.order_by("pk"))


def successors_recommended(*, case: OffboardingCase, limit: int = 5) -> list[Recommendation]:
    """The best candidates first, each with the reasons for its score."""
    return successors_for(employee=case.employee, limit=limit)


def successors_for(*, employee: Employee, limit: int = 5) -> list[Recommendation]:
    """Who would best take over ``employee``'s customers (a case or a "what if X leaves" report)."""
    leaver = employee
    candidates = _candidates(leaver)
    if not candidates:
        return []
    ids = [c.pk for c in candidates]
    mine = Customer.objects.filter(owner_id=leaver.pk)
    total = mine.count() or 1
    my_industries = dict(mine.values("industry").annotate(n=Count("id")).values_list("industry", "n"))
    my_regions = dict(mine.values("region").annotate(n=Count("id")).values_list("region", "n"))
    theirs = (
        Customer.objects.filter(owner_id__in=ids)
        .values("owner_id", "industry", "region")
        .annotate(n=Count("id"))
    )
    industries: dict[int, set[str]] = defaultdict(set)
    regions: dict[int, set[str]] = defaultdict(set)
    loads: dict[int, int] = defaultdict(int)
    for row in theirs:
        industries[row["owner_id"]].add(row["industry"])
        regions[row["owner_id"]].add(row["region"])
        loads[row["owner_id"]] += row["n"]
    contacts = dict(
        Interaction.objects.filter(customer__owner_id=leaver.pk, employee_id__in=ids)
        .values("employee_id")
        .annotate(n=Count("id"))
        .values_list("employee_id", "n")
    )
    busiest = max(loads.values(), default=0) or 1
    ranked = []
    for c in candidates:
        reasons: list[str] = []
        score = 0
        if c.team_id == leaver.team_id:
            score += 30
            reasons.append(_("same team"))
        elif c.department_id == leaver.department_id:
            score += 10
            reasons.append(_("same department"))
        industry_share = sum(n for k, n in my_industries.items() if k in industries[c.pk]) / total
        region_share = sum(n for k, n in my_regions.items() if k in regions[c.pk]) / total
        if industry_share:
            score += round(20 * industry_share)
            reasons.append(_("serves the same industries (%(p)d%%)") % {"p": round(100 * industry_share)})
        if region_share:
            score += round(15 * region_share)
            reasons.append(_("works the same regions (%(p)d%%)") % {"p": round(100 * region_share)})
        talked = contacts.get(c.pk, 0)
        if talked:
            score += min(15, round(1.5 * talked))
            reasons.append(_("%(n)d past interactions with these customers") % {"n": talked})
        score += round(10 * (1 - loads[c.pk] / busiest))
        reasons.append(_("owns %(n)d customers") % {"n": loads[c.pk]})
        ranked.append(Recommendation(employee=c, score=score, load=loads[c.pk], reasons=reasons))
    ranked.sort(key=lambda r: (-r.score, r.load, r.employee.pk))
    return ranked[:limit]


def recommendation_json(r: Recommendation) -> dict[str, Any]:
    return {
        "employee": r.employee.pk,
        "employee_no": r.employee.employee_no,
        "name": r.employee.name,
        "team": r.employee.team.name if r.employee.team else "",
        "score": r.score,
        "load": r.load,
        "reasons": r.reasons,
    }
