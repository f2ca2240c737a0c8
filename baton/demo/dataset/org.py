"""The organisation of the dataset, planned in memory: one company, a department tree, sales
teams with leads, and people with the demo's roles.

The tree: 总经办 at the top; under it one sales region (大区) per region that has teams, each with
sales departments (销售一部 …) of up to ten teams; 运营部 (调度中心, 车队管理, 仓储中心), 财务部,
人力资源部 and 信息技术部. About 85% of the people are in sales, in teams of a lead and 5–20
salespeople (about one lead per ten); team sizes are skewed and the first team is the biggest.

工号: ``admin``; management ``M0001``…; heads of regions and sales departments ``D0001``…;
team staff ``S000001``… team by team (lead first, then customer managers, then follow-up
specialists), so the first team's lead is always ``S000001`` and the designated leaver, its first
customer manager, always ``S000002``; HR ``H0001``…, finance ``F0001``…, auditors ``A0001``…,
operations ``O0001``… (O0001 heads 运营部), IT ``T0001``….
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from baton.org.demo import GIVEN, POSITIONS, SURNAMES
from baton.org.models import EmployeeStatus, TeamRole

# Region code, its name, and its share of the sales force (and so of the customers).
REGIONS: list[tuple[str, str, float]] = [
    ("south", "华南", 40),
    ("east", "华东", 40),
    ("north", "华北", 8),
    ("central", "华中", 6),
    ("southwest", "西南", 4),
    ("northwest", "西北", 1),
    ("northeast", "东北", 1),
]
# What a sales team serves: industrial shippers or trade and consumer goods.
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "industrial": ("工业客户", ("manufacturing", "automotive", "electronics", "chemicals", "building")),
    "trade": ("商贸客户", ("trade", "ecommerce", "food", "pharma", "other")),
}
GROUP_OF = {industry: group for group, (_n, industries) in GROUPS.items() for industry in industries}
NUMERALS = "一二三四五六七八九十"
TEAMS_PER_DEPARTMENT = 10
MEAN_TEAM = 11.5  # a lead and about ten salespeople
FOLLOW_UP_SHARE = 0.25
MAIL_DOMAIN = "shunda-logistics.example"


@dataclass
class Dept:
    pk: int
    key: str
    name: str
    parent: Dept | None = None
    head: int | None = None
    region: str = ""

    @property
    def path(self) -> str:
        return f"{self.parent.path if self.parent else '/'}{self.pk}/"

    @property
    def depth(self) -> int:
        return self.parent.depth + 1 if self.parent else 0


@dataclass
class TeamPlan:
    pk: int
    dept: Dept
    name: str
    region: str
    group: str
    size: int  # lead included
    lead: int = 0
    managers: list[int] = field(default_factory=list)  # 客户经理: they own the customers
    specialists: list[int] = field(default_factory=list)  # 跟进专员: collaborators


@dataclass
class Person:
    pk: int
    no: str
    name: str
    dept: Dept
    position: str
    roles: tuple[str, ...]
    hired: dt.date
    team: TeamPlan | None = None
    team_role: str = ""
    manager: int | None = None

    def status(self, today: dt.date) -> str:
        recent = (today - self.hired).days < 180
        return EmployeeStatus.PROBATION if recent else EmployeeStatus.ACTIVE


@dataclass
class OrgPlan:
    """Everything about the organisation the later steps need."""

    company_name: str = "顺达物流有限公司"
    depts: list[Dept] = field(default_factory=list)
    teams: list[TeamPlan] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    positions: list[tuple[str, str, bool]] = field(default_factory=lambda: list(POSITIONS))
    regions: list[str] = field(default_factory=list)

    def person(self, pk: int) -> Person:
        return self.people[pk - 1]

    @property
    def leaver(self) -> Person:
        """The first customer manager of the first (biggest) team."""
        return self.person(self.teams[0].managers[0])

    @property
    def stars(self) -> list[Person]:
        """The first customer managers of the second and third teams: high revenue shares."""
        return [self.person(t.managers[0]) for t in self.teams[1:3]]

    def segment_teams(self) -> dict[tuple[str, str], list[TeamPlan]]:
        out: dict[tuple[str, str], list[TeamPlan]] = {}
        for team in self.teams:
            out.setdefault((team.region, team.group), []).append(team)
        return out


def largest_remainder(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """``total`` split in proportion to ``weights``, each part at least ``minimum``."""
    free = total - minimum * len(weights)
    scale = sum(weights)
    raw = [free * w / scale for w in weights]
    parts = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in order[: free - sum(parts)]:
        parts[i] += 1
    return [p + minimum for p in parts]


def headcounts(total: int) -> dict[str, int]:
    """People outside the sales teams, by kind; the rest are in sales."""
    counts = {
        "management": max(2, round(total / 2000)),
        "hr": max(2, round(total * 0.01)),
        "finance": max(2, round(total * 0.012)),
        "auditor": max(1, round(total / 2500)),
        "it": max(1, round(total * 0.003)),
        "dispatch": max(1, round(total * 0.03)),
        "fleet": max(1, round(total * 0.03)),
        "warehouse": max(1, round(total * 0.02)),
    }
    counts["sales"] = total - sum(counts.values()) - 2  # the administrator and the head of 运营部
    return counts


class OrgBuilder:
    """Plans the organisation for ``employees`` people, deterministically from ``rng``."""

    def __init__(self, *, employees: int, rng: random.Random, today: dt.date) -> None:
        self.total = employees
        self.rng = rng
        self.today = today
        self.plan = OrgPlan()
        self.names: list[str] = []
        self.counters: dict[str, int] = {}

    def build(self) -> OrgPlan:
        counts = headcounts(self.total)
        top = self._dept("top", "总经办")
        it = self._dept("it", "信息技术部", top)
        self._person("admin", "admin", "系统管理员", it, "engineer", ("admin",), years=(3, 10))
        for _i in range(counts["management"]):
            self._person("M", "management", "", top, "general_manager", ("management",), years=(8, 20))
        top.head = self.plan.people[1].pk
        self._sales(top, counts["sales"])
        self._support(top, it, counts)
        self._managers()
        return self.plan

    # --- building blocks -----------------------------------------------------------------------

    def _dept(self, key: str, name: str, parent: Dept | None = None, region: str = "") -> Dept:
        dept = Dept(pk=len(self.plan.depts) + 1, key=key, name=name, parent=parent, region=region)
        self.plan.depts.append(dept)
        return dept

    def _number(self, prefix: str, width: int) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}{self.counters[prefix]:0{width}d}"

    def _person(
        self,
        prefix: str,
        kind: str,
        name: str,
        dept: Dept,
        position: str,
        roles: tuple[str, ...],
        *,
        years: tuple[float, float] = (0.1, 19),
        team: TeamPlan | None = None,
        team_role: str = "",
    ) -> Person:
        no = prefix if kind == "admin" else self._number(prefix, 6 if prefix == "S" else 4)
        hired = self.today - dt.timedelta(days=int(365 * self.rng.uniform(*years)))
        person = Person(
            pk=len(self.plan.people) + 1,
            no=no,
            name=name or self.rng.choice(SURNAMES) + self.rng.choice(GIVEN),
            dept=dept,
            position=position,
            roles=roles,
            hired=max(hired, dt.date(2006, 5, 8)),
            team=team,
            team_role=team_role,
        )
        self.plan.people.append(person)
        return person

    # --- sales -----------------------------------------------------------------------------------

    def _sales(self, top: Dept, sales: int) -> None:
        teams = max(3, round(sales / MEAN_TEAM))
        per_region = largest_remainder(teams, [w for _c, _n, w in REGIONS])
        layout = [(REGIONS[i], n) for i, n in enumerate(per_region) if n > 0]
        departments = [math.ceil(n / TEAMS_PER_DEPARTMENT) for _r, n in layout]
        staff = sales - len(layout) - sum(departments)
        weights = [self.rng.lognormvariate(0, 0.35) for _t in range(teams)]
        weights[0] = max(weights) * 1.6  # the leaver's team is the biggest
        sizes = iter(largest_remainder(staff, weights, minimum=5))
        for ((code, cn, _w), n_teams), n_depts in zip(layout, departments, strict=True):
            self.plan.regions.append(code)
            region = self._dept(f"region-{code}", f"{cn}大区", top, code)
            region.head = self._head(region).pk
            blocks = largest_remainder(n_teams, [1.0] * n_depts)
            for d, block in enumerate(blocks):
                label = NUMERALS[d] if d < len(NUMERALS) else str(d + 1)
                dept = self._dept(f"sales-{code}-{d + 1}", f"{cn}区销售{label}部", region, code)
                dept.head = self._head(dept).pk
                for t in range(block):
                    group = ("industrial", "trade")[t % 2]
                    name = f"{dept.name}{GROUPS[group][0]}{t // 2 + 1}组"
                    self._team(dept, name, code, group, next(sizes))

    def _head(self, dept: Dept) -> Person:
        return self._person(
            "D", "head", "", dept, "department_head", ("department_head", "sales"), years=(6, 18)
        )

    def _team(self, dept: Dept, name: str, region: str, group: str, size: int) -> None:
        team = TeamPlan(
            pk=len(self.plan.teams) + 1, dept=dept, name=name, region=region, group=group, size=size
        )
        self.plan.teams.append(team)
        lead = self._person(
            "S",
            "lead",
            "",
            dept,
            "team_lead",
            ("team_lead", "sales"),
            years=(4, 16),
            team=team,
            team_role=TeamRole.LEAD,
        )
        team.lead = lead.pk
        members = size - 1
        specialists = round(members * FOLLOW_UP_SHARE) if members >= 4 else 0
        for i in range(members):
            specialist = i >= members - specialists
            person = self._person(
                "S",
                "sales",
                "",
                dept,
                "sales_follow_up" if specialist else "sales_manager",
                ("sales",),
                years=(8, 14) if len(self.plan.teams) <= 3 and i == 0 else (0.1, 19),
                team=team,
                team_role=TeamRole.FOLLOW_UP if specialist else TeamRole.CUSTOMER_MANAGER,
            )
            (team.specialists if specialist else team.managers).append(person.pk)

    # --- everyone else ---------------------------------------------------------------------------

    def _support(self, top: Dept, it: Dept, counts: dict[str, int]) -> None:
        ops = self._dept("ops", "运营部", top)
        head = self._person(
            "O", "ops", "", ops, "department_head", ("department_head", "operations"), years=(8, 18)
        )
        ops.head = head.pk
        for key, name, kind, position, roles in (
            ("dispatch", "调度中心", "dispatch", "dispatcher", ("operations",)),
            ("fleet", "车队管理", "fleet", "driver", ()),
            ("warehouse", "仓储中心", "warehouse", "warehouse_keeper", ()),
        ):
            dept = self._dept(key, name, ops)
            for _i in range(counts[kind]):
                self._person("O", kind, "", dept, position, roles)
        finance = self._dept("finance", "财务部", top)
        for i in range(counts["finance"]):
            person = self._person("F", "finance", "", finance, "accountant", ("finance",))
            if i == 0:
                finance.head = person.pk
        for _i in range(counts["auditor"]):
            self._person("A", "auditor", "", finance, "accountant", ("auditor",))
        hr = self._dept("hr", "人力资源部", top)
        for i in range(counts["hr"]):
            person = self._person("H", "hr", "", hr, "hr_specialist", ("hr",))
            if i == 0:
                hr.head = person.pk
        for _i in range(counts["it"]):
            self._person("T", "it", "", it, "engineer", ())

    def _managers(self) -> None:
        """Members report to their team lead, leads to their department head, heads upwards."""
        top_head = self.plan.depts[0].head
        for person in self.plan.people:
            dept = person.dept
            if person.team is not None and person.team_role != TeamRole.LEAD:
                person.manager = person.team.lead
            elif dept.head is not None and dept.head != person.pk:
                person.manager = dept.head
            elif dept.parent is not None and dept.parent.head is not None:
                person.manager = dept.parent.head
            elif person.pk != top_head:
                person.manager = top_head
