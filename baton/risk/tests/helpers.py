"""Data the risk tests share."""

from __future__ import annotations

import datetime as dt

from baton.customers.models import Customer, Pool
from baton.org.models import Company


def neighbour_customer(*, created_at: dt.datetime) -> Customer:
    """A customer of another company in the same database (a subsidiary, say), in its 公海:
    what a per-company statement must leave out."""
    other = Company.objects.create(name="邻居物流有限公司", short_name="邻居物流")
    pool = Pool.objects.create(company=other, name="公海", kind="public")
    return Customer.objects.create(
        company=other,
        name="邻居的客户有限公司",
        normalized_name="邻居的客户",
        region="south",
        industry="trade",
        tier="small",
        pool=pool,
        created_at=created_at,
    )
