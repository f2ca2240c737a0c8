"""Test helpers shared by every app: a small organisation and the permission matrix.

``build_small_org`` makes the demo's shape in miniature: a company with a South sales
department holding two teams, an East sales department, HR and finance, and people with
the demo's 工号 (S1000 department head, S1100 team lead, S1101 and S1102 in team 1,
S1201 in team 2, E2001 in the East, H0001 HR, F0001 finance, M0001 management, admin).

``assert_matrix`` checks one URL against anonymous / no permission / permitted / out of
scope, the four answers every protected page and endpoint must give.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pyotp
from django.test import Client

from baton.accounts.models import User
from baton.accounts.services import mfa_install
from baton.authz.defaults import roles_install_defaults
from baton.authz.models import Role, RoleAssignment
from baton.org.models import Company, Department, Employee, EmployeeStatus, Team, TeamRole

PASSWORD = "correct horse battery staple"


@dataclass
class SmallOrg:
    company: Company
    departments: dict[str, Department] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    employees: dict[str, Employee] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    totp_secrets: dict[str, str] = field(default_factory=dict)

    def user(self, employee_no: str) -> User:
        return self.users[employee_no]

    def otp(self, employee_no: str) -> str:
        return pyotp.TOTP(self.totp_secrets[employee_no]).now()

    def client_for(self, employee_no: str) -> Client:
        """A test client signed in as the user (MFA treated as done)."""
        from baton.accounts.middleware import LOGIN_TIME_KEY
        from baton.core import clock

        client = Client()
        client.force_login(self.users[employee_no])
        session = client.session
        session[LOGIN_TIME_KEY] = clock.now().timestamp()
        session.save()
        return client


def _department(company: Company, name: str, parent: Department | None = None) -> Department:
    d = Department.objects.create(company=company, name=name, parent=parent)
    d.path = f"{parent.path if parent else '/'}{d.pk}/"
    d.depth = parent.depth + 1 if parent else 0
    d.save(update_fields=["path", "depth"])
    return d


def build_small_org(*, with_mfa: bool = True) -> SmallOrg:
    roles_install_defaults()
    company = Company.objects.create(name="顺达物流有限公司", short_name="顺达物流")
    o = SmallOrg(company=company)
    top = _department(company, "总经办")
    south = _department(company, "华南区销售部", top)
    east = _department(company, "华东区销售部", top)
    hr = _department(company, "人力资源部", top)
    fin = _department(company, "财务部", top)
    o.departments = {"top": top, "south": south, "east": east, "hr": hr, "finance": fin}
    t1 = Team.objects.create(department=south, name="华南区工业客户团队", is_sales=True)
    t2 = Team.objects.create(department=south, name="华南区商贸客户团队", is_sales=True)
    t3 = Team.objects.create(department=east, name="华东区客户团队", is_sales=True)
    o.teams = {"south1": t1, "south2": t2, "east1": t3}
    people = [
        ("admin", "系统管理员", top, None, "", ["admin"]),
        ("M0001", "王建国", top, None, "", ["management"]),
        ("S1000", "陈志强", south, None, "", ["department_head"]),
        ("S1100", "李娜", south, t1, TeamRole.LEAD, ["team_lead", "sales"]),
        ("S1101", "张伟", south, t1, TeamRole.CUSTOMER_MANAGER, ["sales"]),
        ("S1102", "刘洋", south, t1, TeamRole.FOLLOW_UP, ["sales"]),
        ("S1201", "赵敏", south, t2, TeamRole.CUSTOMER_MANAGER, ["sales"]),
        ("E2001", "孙丽", east, t3, TeamRole.CUSTOMER_MANAGER, ["sales"]),
        ("H0001", "周静", hr, None, "", ["hr"]),
        ("F0001", "吴芳", fin, None, "", ["finance"]),
        ("X0001", "郑凯", fin, None, "", []),  # an employee with no role at all
    ]
    for i, (no, name, dept, team, team_role, role_codes) in enumerate(people):
        user = User.objects.create_user(no, PASSWORD, display_name=name)
        emp = Employee.objects.create(
            company=company,
            employee_no=no,
            name=name,
            department=dept,
            team=team,
            team_role=team_role,
            hire_date=dt.date(2016, 3, 1),
            status=EmployeeStatus.ACTIVE,
            phone=f"1380013{i:04d}",
            email=f"{no.lower()}@example.com",
            user=user,
        )
        for code in role_codes:
            RoleAssignment.objects.create(user=user, role=Role.objects.get(code=code))
        o.users[no], o.employees[no] = user, emp
        if with_mfa and Role.objects.filter(code__in=role_codes, requires_mfa=True).exists():
            secret = pyotp.random_base32()
            mfa_install(actor=None, user=user, secret=secret)
            o.totp_secrets[no] = secret
    south.head = o.employees["S1000"]
    south.save(update_fields=["head"])
    t1.lead = o.employees["S1100"]
    t1.save(update_fields=["lead"])
    return o


@dataclass
class MatrixCase:
    """One URL's four expected answers."""

    url: str
    permitted: str  # 工号 of a user who may see it
    no_permission: str  # 工号 of a user without the grant
    out_of_scope: str | None = None  # 工号 of a permitted user for whom the object is out of scope
    method: str = "get"
    data: Any = None
    api: bool = False
    ok_status: int = 200


def assert_matrix(org: SmallOrg, case: MatrixCase) -> None:
    """anonymous → login (401 for the API), no permission → 403, permitted → ok, out of scope → 404."""
    kwargs: dict[str, Any] = {}
    if case.data is not None:
        kwargs = {"data": case.data, "content_type": "application/json"} if case.api else {"data": case.data}

    def call(client: Client) -> Any:
        return getattr(client, case.method)(case.url, **kwargs)

    anon = call(Client())
    if case.api:
        assert anon.status_code == 401, f"anonymous {case.url}: {anon.status_code}"
    else:
        assert anon.status_code == 302 and "/accounts/login/" in anon["Location"], (
            f"anonymous {case.url}: {anon.status_code}"
        )
    denied = call(org.client_for(case.no_permission))
    assert denied.status_code == 403, f"{case.no_permission} on {case.url}: {denied.status_code}"
    ok = call(org.client_for(case.permitted))
    assert ok.status_code == case.ok_status, f"{case.permitted} on {case.url}: {ok.status_code}"
    if case.out_of_scope:
        hidden = call(org.client_for(case.out_of_scope))
        assert hidden.status_code == 404, f"{case.out_of_scope} on {case.url}: {hidden.status_code}"
