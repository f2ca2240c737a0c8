"""Writing the planned organisation: company, departments, teams, positions, employees, login
accounts with their roles, and the customer pools with their tier and assignment rules.

Every account gets the same password hash, computed once: hashing ten thousand passwords with
Argon2 would take minutes. The password derives from the seed (``dataset_password``) and is
printed at the end, like the demo's; the benchmark signs in with API tokens it creates directly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password

from baton.authz.models import Role
from baton.core import clock
from baton.customers.demo.seeder import POOL_DEFAULTS, TIER_RULES
from baton.customers.models import Pool, PoolKind
from baton.demo.dataset.org import GROUPS, MAIL_DOMAIN, OrgPlan
from baton.demo.dataset.sql import copy_rows, next_id, sequence_reset
from baton.demo.registry import demo_password

PUBLIC_POOL_NAME = "公海（公共客户池）"
# Salespeople here hold up to several hundred customers each, so the holding limit is raised.
POOL_SETTINGS = {"claim_limit_per_day": 5, "max_holding": 1000, "reclaim_block_days": 30}


@dataclass
class OrgIds:
    """Ids the customer steps refer to."""

    company: int
    public_pool: int
    pool_of_team: dict[int, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def dataset_password(seed: int) -> str:
    """The one password of every dataset account (derived from the seed, like the demo's)."""
    return demo_password(seed, "generate_dataset")


def _password_hash(seed: int) -> str:
    salt = hashlib.sha256(f"baton-dataset-salt:{seed}".encode()).hexdigest()[:22]
    return make_password(dataset_password(seed), salt=salt)


def _morning(day: dt.date) -> dt.datetime:
    return clock.local_moment(day, 9)


def org_write(cursor: Any, org: OrgPlan, *, seed: int, now: dt.datetime) -> OrgIds:
    """Write the organisation and its accounts; returns the ids the customers need."""
    company = next_id(cursor, "org_company")
    copy_rows(
        cursor,
        "org_company",
        ("id", "name", "short_name", "parent_id", "founded_on"),
        [(company, org.company_name, "顺达物流", None, dt.date(2006, 5, 8))],
    )
    copy_rows(
        cursor,
        "org_department",
        ("id", "company_id", "name", "code", "parent_id", "head_id", "path", "depth"),
        (
            (d.pk, company, d.name, d.key[:32], d.parent.pk if d.parent else None, d.head, d.path, d.depth)
            for d in org.depts
        ),
    )
    copy_rows(
        cursor,
        "org_team",
        ("id", "department_id", "name", "lead_id", "is_sales"),
        ((t.pk, t.dept.pk, t.name, t.lead, True) for t in org.teams),
    )
    positions = {code: i + 1 for i, (code, _n, _s) in enumerate(org.positions)}
    copy_rows(
        cursor,
        "org_position",
        ("id", "company_id", "name", "code", "is_sales"),
        ((positions[code], company, name, code, sales) for code, name, sales in org.positions),
    )
    _people_write(cursor, org, company=company, positions=positions, seed=seed, now=now)
    ids = _pools_write(cursor, org, company=company)
    for table in (
        "org_company",
        "org_department",
        "org_team",
        "org_position",
        "org_employee",
        "accounts_user",
    ):
        sequence_reset(cursor, table)
    ids.counts.update({"departments": len(org.depts), "teams": len(org.teams), "employees": len(org.people)})
    return ids


def _people_write(
    cursor: Any, org: OrgPlan, *, company: int, positions: dict[str, int], seed: int, now: dt.datetime
) -> None:
    today = clock.local_date(now)
    password = _password_hash(seed)
    copy_rows(
        cursor,
        "accounts_user",
        (
            "id",
            "password",
            "last_login",
            "employee_no",
            "display_name",
            "is_active",
            "is_frozen",
            "frozen_reason",
            "session_generation",
            "date_joined",
        ),
        ((p.pk, password, None, p.no, p.name, True, False, "", 0, _morning(p.hired)) for p in org.people),
    )
    copy_rows(
        cursor,
        "org_employee",
        (
            "id",
            "company_id",
            "employee_no",
            "name",
            "phone",
            "email",
            "department_id",
            "team_id",
            "team_role",
            "position_id",
            "manager_id",
            "dotted_line_manager_id",
            "hire_date",
            "status",
            "left_on",
            "user_id",
        ),
        (
            (
                p.pk,
                company,
                p.no,
                p.name,
                f"13{(p.pk * 7_919_993 + seed) % 900_000_000 + 100_000_000}",
                f"{p.no.lower()}@{MAIL_DOMAIN}",
                p.dept.pk,
                p.team.pk if p.team else None,
                p.team_role,
                positions[p.position],
                p.manager,
                None,
                p.hired,
                p.status(today),
                None,
                p.pk,
            )
            for p in org.people
        ),
    )
    roles = dict(Role.objects.values_list("code", "pk"))
    first = next_id(cursor, "authz_roleassignment")
    assignments = [(p.pk, roles[code]) for p in org.people for code in p.roles]
    copy_rows(
        cursor,
        "authz_roleassignment",
        ("id", "user_id", "role_id"),
        ((first + i, user, role) for i, (user, role) in enumerate(assignments)),
    )
    sequence_reset(cursor, "authz_roleassignment")


def _pools_write(cursor: Any, org: OrgPlan, *, company: int) -> OrgIds:
    """One pool per sales team, the public pool (公海), tier rules, and assignment rules that send
    a new customer to the first team of its region and industry group."""
    first = next_id(cursor, "customers_pool")
    ids = OrgIds(company=company, public_pool=first + len(org.teams))
    ids.pool_of_team = {t.pk: first + i for i, t in enumerate(org.teams)}
    defaults = {**POOL_DEFAULTS, **POOL_SETTINGS}
    columns = ("id", "company_id", "name", "kind", "team_id", *defaults)
    rows = [
        (ids.pool_of_team[t.pk], company, f"{t.name}客户池", PoolKind.TEAM, t.pk, *defaults.values())
        for t in org.teams
    ]
    # The public pool keeps the model's defaults, as the demo's does.
    blank = Pool()
    public = [getattr(blank, name) for name in defaults]
    rows.append((ids.public_pool, company, PUBLIC_POOL_NAME, PoolKind.PUBLIC, None, *public))
    copy_rows(cursor, "customers_pool", columns, rows)
    rule = next_id(cursor, "customers_pooltierrule")
    tier_rows = []
    for pool in ids.pool_of_team.values():
        for tier, (follow_up, deal) in TIER_RULES.items():
            tier_rows.append((rule, pool, str(tier), follow_up, deal))
            rule += 1
    copy_rows(
        cursor, "customers_pooltierrule", ("id", "pool_id", "tier", "follow_up_days", "deal_days"), tier_rows
    )
    assignment = next_id(cursor, "customers_assignmentrule")
    rules = []
    for n, ((region, group), teams) in enumerate(sorted(org.segment_teams().items())):
        for m, industry in enumerate(GROUPS[group][1]):
            rules.append(
                (assignment, company, 10 * (n + 1) + m, region, industry, "", ids.pool_of_team[teams[0].pk])
            )
            assignment += 1
    copy_rows(
        cursor,
        "customers_assignmentrule",
        ("id", "company_id", "priority", "region", "industry", "tier", "pool_id"),
        rules,
    )
    for table in ("customers_pool", "customers_pooltierrule", "customers_assignmentrule"):
        sequence_reset(cursor, table)
    ids.counts.update({"pools": len(rows), "assignment_rules": len(rules)})
    return ids
