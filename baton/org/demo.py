"""The demo company's organisation: a logistics firm founded in 2006, about 120 people."""

from __future__ import annotations

import datetime as dt
from typing import Any

from baton.demo.registry import DemoContext
from baton.org import services
from baton.org.models import EmployeeStatus, TeamRole

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "晓东",
    "海燕",
    "丽娟",
    "文博",
    "子涵",
    "思远",
    "雨婷",
    "嘉怡",
    "浩然",
    "俊杰",
    "欣怡",
    "梓轩",
    "佳琪",
    "宇航",
    "晨曦",
    "国栋",
    "玉兰",
    "春梅",
    "建国",
    "德明",
    "立新",
    "红梅",
]

# Fixed people the demo story needs: (工号, name, department key, team key, team role, hired, roles)
FIXED: list[tuple[str, str, str, str | None, str, dt.date, list[str]]] = [
    ("admin", "系统管理员", "it", None, "", dt.date(2018, 3, 1), ["admin"]),
    ("M0001", "王建国", "top", None, "", dt.date(2006, 5, 8), ["management"]),
    ("M0002", "林秀英", "top", None, "", dt.date(2009, 2, 16), ["management"]),
    ("S1000", "陈志强", "south", None, "", dt.date(2010, 7, 1), ["department_head", "sales"]),
    (
        "S1100",
        "李娜",
        "south",
        "south_industrial",
        TeamRole.LEAD,
        dt.date(2013, 4, 15),
        ["team_lead", "sales"],
    ),
    ("S1101", "张伟", "south", "south_industrial", TeamRole.CUSTOMER_MANAGER, dt.date(2016, 9, 1), ["sales"]),
    (
        "S1102",
        "刘洋",
        "south",
        "south_industrial",
        TeamRole.CUSTOMER_MANAGER,
        dt.date(2019, 3, 11),
        ["sales"],
    ),
    ("S1200", "黄丽娟", "south", "south_trade", TeamRole.LEAD, dt.date(2014, 6, 3), ["team_lead", "sales"]),
    ("S1201", "赵敏", "south", "south_trade", TeamRole.CUSTOMER_MANAGER, dt.date(2018, 10, 8), ["sales"]),
    ("S2000", "徐建华", "east", None, "", dt.date(2011, 8, 22), ["department_head", "sales"]),
    (
        "S2100",
        "孙海燕",
        "east",
        "east_manufacturing",
        TeamRole.LEAD,
        dt.date(2015, 1, 5),
        ["team_lead", "sales"],
    ),
    ("S2200", "周俊杰", "east", "east_ecommerce", TeamRole.LEAD, dt.date(2017, 5, 2), ["team_lead", "sales"]),
    ("H0001", "周静", "hr", None, "", dt.date(2012, 3, 19), ["hr"]),
    ("F0001", "吴芳", "finance", None, "", dt.date(2011, 11, 1), ["finance"]),
    ("A0001", "郑立新", "finance", None, "", dt.date(2015, 9, 14), ["auditor"]),
    ("O0001", "马国栋", "ops", None, "", dt.date(2008, 4, 7), ["department_head", "operations"]),
    ("O0002", "何春梅", "dispatch", None, "", dt.date(2014, 5, 12), ["operations"]),
]

# Generated people: (工号 prefix, first number, count, department key, team key, team role, roles)
GENERATED: list[tuple[str, int, int, str, str | None, str, list[str]]] = [
    ("S11", 3, 9, "south", "south_industrial", TeamRole.CUSTOMER_MANAGER, ["sales"]),
    ("S11", 12, 3, "south", "south_industrial", TeamRole.FOLLOW_UP, ["sales"]),
    ("S12", 2, 8, "south", "south_trade", TeamRole.CUSTOMER_MANAGER, ["sales"]),
    ("S12", 10, 3, "south", "south_trade", TeamRole.FOLLOW_UP, ["sales"]),
    ("S21", 1, 9, "east", "east_manufacturing", TeamRole.CUSTOMER_MANAGER, ["sales"]),
    ("S22", 1, 8, "east", "east_ecommerce", TeamRole.CUSTOMER_MANAGER, ["sales"]),
    ("O00", 3, 17, "dispatch", None, "", ["operations"]),
    ("O00", 20, 18, "fleet", None, "", []),
    ("O00", 38, 12, "warehouse", None, "", []),
    ("H00", 2, 4, "hr", None, "", ["hr"]),
    ("F00", 2, 6, "finance", None, "", ["finance"]),
    ("T00", 1, 3, "it", None, "", []),
]

DEPARTMENTS: list[tuple[str, str, str | None]] = [
    ("top", "总经办", None),
    ("south", "华南区销售部", "top"),
    ("east", "华东区销售部", "top"),
    ("ops", "运营部", "top"),
    ("dispatch", "调度中心", "ops"),
    ("fleet", "车队管理", "ops"),
    ("warehouse", "仓储中心", "ops"),
    ("finance", "财务部", "top"),
    ("hr", "人力资源部", "top"),
    ("it", "信息技术部", "top"),
]

TEAMS = [
    ("south_industrial", "south", "华南区工业客户团队"),
    ("south_trade", "south", "华南区商贸客户团队"),
    ("east_manufacturing", "east", "华东区制造业客户团队"),
    ("east_ecommerce", "east", "华东区电商客户团队"),
]

POSITIONS = [
    ("sales_manager", "客户经理", True),
    ("sales_follow_up", "跟进专员", True),
    ("team_lead", "销售主管", True),
    ("department_head", "部门经理", False),
    ("dispatcher", "调度员", False),
    ("driver", "驾驶员", False),
    ("warehouse_keeper", "仓管员", False),
    ("accountant", "会计", False),
    ("hr_specialist", "人事专员", False),
    ("general_manager", "总经理", False),
    ("engineer", "工程师", False),
]


def _name(ctx: DemoContext, used: set[str]) -> str:
    while True:
        name = ctx.rng.choice(SURNAMES) + ctx.rng.choice(GIVEN)
        if name not in used:
            used.add(name)
            return name


def _position_for(dept_key: str, team_role: str, roles: list[str]) -> str:
    if team_role == TeamRole.LEAD:
        return "team_lead"
    if team_role:
        return "sales_manager" if team_role == TeamRole.CUSTOMER_MANAGER else "sales_follow_up"
    if "management" in roles:
        return "general_manager"
    if "department_head" in roles:
        return "department_head"
    return {
        "dispatch": "dispatcher",
        "fleet": "driver",
        "warehouse": "warehouse_keeper",
        "finance": "accountant",
        "hr": "hr_specialist",
        "it": "engineer",
    }.get(dept_key, "engineer")


def seed_organisation(ctx: DemoContext) -> None:
    """Company, departments, teams, positions and about 120 employees; fills ``ctx``."""
    company = services.company_create(
        actor=None, name="顺达物流有限公司", short_name="顺达物流", founded_on=dt.date(2006, 5, 8)
    )
    ctx.company = company
    for key, name, parent in DEPARTMENTS:
        ctx.departments[key] = services.department_create(
            actor=None, company=company, name=name, parent=ctx.departments.get(parent) if parent else None
        )
    for key, dept, name in TEAMS:
        ctx.teams[key] = services.team_create(
            actor=None, department=ctx.departments[dept], name=name, is_sales=True
        )
    positions = {
        code: services.position_create(actor=None, company=company, name=name, code=code, is_sales=s)
        for code, name, s in POSITIONS
    }
    people: list[tuple[str, str, str, str | None, str, dt.date, list[str]]] = list(FIXED)
    used = {p[1] for p in FIXED}
    for prefix, first, count, dept, team, role, roles in GENERATED:
        for n in range(first, first + count):
            hired = dt.date(2007, 1, 1) + dt.timedelta(days=ctx.rng.randint(0, 365 * 19))
            people.append((f"{prefix}{n:02d}", _name(ctx, used), dept, team, role, hired, roles))
    for no, name, dept, team, role, hired, roles in people:
        emp = services.employee_create(
            actor=None,
            company=company,
            employee_no=no,
            name=name,
            department=ctx.departments[dept],
            team=ctx.teams[team] if team else None,
            team_role=role,
            position=positions[_position_for(dept, role, roles)],
            hire_date=hired,
            phone=f"13{ctx.rng.randint(100000000, 999999999)}",
            email=f"{no.lower()}@shunda-logistics.example",
            status=EmployeeStatus.ACTIVE
            if (ctx.rng.random() > 0.05 or no in {p[0] for p in FIXED})
            else EmployeeStatus.PROBATION,
        )
        ctx.employees[no] = emp
        ctx.extra.setdefault("roles", {})[no] = roles
    _set_heads_and_managers(ctx)


def _set_heads_and_managers(ctx: DemoContext) -> None:
    e: dict[str, Any] = ctx.employees
    heads = {
        "top": "M0001",
        "south": "S1000",
        "east": "S2000",
        "ops": "O0001",
        "hr": "H0001",
        "finance": "F0001",
    }
    for key, no in heads.items():
        services.department_update(actor=None, department=ctx.departments[key], head=e[no])
    leads = {
        "south_industrial": "S1100",
        "south_trade": "S1200",
        "east_manufacturing": "S2100",
        "east_ecommerce": "S2200",
    }
    for key, no in leads.items():
        services.team_update(actor=None, team=ctx.teams[key], lead=e[no])
    for no, emp in e.items():
        manager = None
        if emp.team_id and emp.team_role != TeamRole.LEAD:
            manager = emp.team.lead
        elif emp.department.head_id and emp.department.head_id != emp.pk:
            manager = emp.department.head
        elif emp.department.parent_id and no != "M0001":
            manager = e["M0001"]
        if manager is not None:
            emp.manager = manager
            emp.save(update_fields=["manager"])
    services.employee_update(
        actor=None, employee=e["S1102"], dotted_line_manager=e["S1000"], reason="跨团队项目支持"
    )
