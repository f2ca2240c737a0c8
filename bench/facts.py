"""Who the scenarios act as, found by query in whatever dataset ``generate_dataset`` made.

- ``team_lead``: the lead of the team that owns the most customers;
- ``department_head``: the head of the department (with its subtree) that owns the most;
- ``leaver``: the salesperson who holds the most customers (the dataset's designated leaver);
- ``hr``: an HR user with the offboarding grants, who opens the case and executes the plan.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import connection

from bench.common import BenchContext


def _one(sql: str, params: tuple[Any, ...] = ()) -> Any:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
    if row is None:
        raise LookupError(f"the dataset has nothing for: {sql}")
    return row[0]


def api_token(user: Any) -> str:
    """A bearer token for ``user``, written as the accounts service writes one (hash only)."""
    from baton.accounts.models import ApiToken

    raw = "bt_" + secrets.token_urlsafe(32)
    now = dt.datetime.now(dt.UTC)
    ApiToken.objects.create(
        user=user,
        key_hash=hashlib.sha256(raw.encode()).hexdigest(),
        created_at=now,
        expires_at=now + dt.timedelta(hours=12),
    )
    return raw


def discover(ctx: BenchContext) -> dict[str, Any]:
    from baton.accounts.models import User
    from baton.org.models import Department, Employee, Team

    del ctx  # the facts come from the data alone

    team_id = _one(
        "SELECT team_id FROM customers_customer WHERE team_id IS NOT NULL "
        "GROUP BY team_id ORDER BY count(*) DESC, team_id LIMIT 1"
    )
    team = Team.objects.select_related("lead").get(pk=team_id)
    leaver_id = _one(
        "SELECT owner_id FROM customers_customer WHERE owner_id IS NOT NULL "
        "GROUP BY owner_id ORDER BY count(*) DESC, owner_id LIMIT 1"
    )
    leaver = Employee.objects.get(pk=leaver_id)
    department = Department.objects.select_related("head").get(pk=team.department_id)
    while department.parent_id is not None and department.head_id is None:
        department = Department.objects.select_related("head").get(pk=department.parent_id)
    hr_no = _one(
        "SELECT u.employee_no FROM accounts_user u JOIN authz_roleassignment ra ON ra.user_id = u.id "
        "JOIN authz_role r ON r.id = ra.role_id WHERE r.code = 'hr' ORDER BY u.id LIMIT 1"
    )
    assert team.lead is not None and department.head is not None
    return {
        "team": team,
        "team_lead": team.lead.user,
        "department": department,
        "department_head": department.head.user,
        "leaver": leaver,
        "hr": User.objects.get(employee_no=hr_no),
    }
