"""Test data for the customers domain, on top of ``baton.core.testing.build_small_org``.

``build_small_crm(org)`` gives each sales team a pool, a public pool, assignment rules
(south + manufacturing → 华南区工业客户团队, south + trade → 华南区商贸客户团队, east → 华东区客户团队)
and five customers:

- ``c1`` owned by S1101 (team south1), with a contact and an order;
- ``c2`` owned by S1102 (team south1), S1101 collaborating as follow-up specialist;
- ``c3`` owned by S1201 (team south2);
- ``c4`` owned by E2001 (team east1);
- ``c5`` in the public pool.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from baton.core.testing import SmallOrg
from baton.customers.models import AssignmentRule, Customer, CustomerCollaborator, Pool, PoolKind
from baton.customers.services import contact_add, customer_create, order_create


@dataclass
class SmallCrm:
    org: SmallOrg
    pools: dict[str, Pool] = field(default_factory=dict)
    customers: dict[str, Customer] = field(default_factory=dict)

    def customer(self, key: str) -> Customer:
        return Customer.objects.get(pk=self.customers[key].pk)


def build_small_crm(org: SmallOrg) -> SmallCrm:
    crm = SmallCrm(org=org)
    company = org.company
    for key in ("south1", "south2", "east1"):
        team = org.teams[key]
        crm.pools[key] = Pool.objects.create(company=company, name=team.name, kind=PoolKind.TEAM, team=team)
    crm.pools["public"] = Pool.objects.create(company=company, name="公海", kind=PoolKind.PUBLIC)
    AssignmentRule.objects.create(
        company=company, priority=10, region="south", industry="manufacturing", pool=crm.pools["south1"]
    )
    AssignmentRule.objects.create(
        company=company, priority=20, region="south", industry="trade", pool=crm.pools["south2"]
    )
    AssignmentRule.objects.create(company=company, priority=30, region="east", pool=crm.pools["east1"])
    e = org.employees
    specs: list[tuple[str, str, str, str, Any]] = [
        ("c1", "广州华南精密制造有限公司", "south", "manufacturing", e["S1101"]),
        ("c2", "佛山顺丰五金制品有限公司", "south", "manufacturing", e["S1102"]),
        ("c3", "深圳前海商贸有限公司", "south", "trade", e["S1201"]),
        ("c4", "上海浦江电子科技有限公司", "east", "manufacturing", e["E2001"]),
        ("c5", "昆明滇南农产品有限公司", "southwest", "food", None),
    ]
    for key, name, region, industry, owner in specs:
        crm.customers[key] = customer_create(
            actor=None,
            company=company,
            name=name,
            region=region,
            industry=industry,
            tier="large",
            owner=owner,
        )
    CustomerCollaborator.objects.create(
        customer=crm.customers["c2"], employee=e["S1101"], team_role="follow_up"
    )
    contact_add(
        actor=None,
        customer=crm.customers["c1"],
        name="王立",
        title="物流经理",
        phone="13812345678",
        wechat_id="wangli_gz",
        email="wangli@huanan-precision.example",
        is_primary=True,
    )
    order_create(
        actor=None,
        customer=crm.customers["c1"],
        number="SO-2026-0001",
        order_date=dt.date(2026, 10, 8),
        route_from="广州",
        route_to="上海",
        amount=Decimal("12800.00"),
        taken_by=e["S1101"],
    )
    return crm
