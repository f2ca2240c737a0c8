"""The customers seeder's entry point (listed in ``settings.DEMO_SEEDERS``)."""

from __future__ import annotations

from baton.audit.services import audit_record_many
from baton.core import clock
from baton.customers.demo.data import (
    CUSTOMER_COUNT,
    FACTS_AVAILABLE,
    NEW_LEADS,
)
from baton.customers.demo.generators import (
    company_identities,
)
from baton.customers.demo.history import (
    _commerce,
    _history,
    _story,
)
from baton.customers.demo.seeder import (
    Seeding,
    _build_customers,
    _plan_customers,
    _plan_people,
    _pools_and_rules,
)
from baton.customers.demo.writing import (
    _insert,
    _learn_facts,
    _new_leads,
)
from baton.demo.registry import DemoContext


def seed_customers(ctx: DemoContext) -> None:
    """Pools, rules, about 3,000 customers and a year of business with them (see module doc)."""
    now = clock.now()
    pools, public = _pools_and_rules(ctx)
    s = Seeding(ctx=ctx, now=now, public=public, pools=pools)
    identities = company_identities(seed=ctx.seed, count=CUSTOMER_COUNT)
    _plan_customers(s, identities[: CUSTOMER_COUNT - NEW_LEADS])
    _plan_people(s)
    _build_customers(s)
    _history(s)
    _story(s)
    _commerce(s)
    _insert(s)
    audit_record_many(specs=s.events)
    _new_leads(s, identities[CUSTOMER_COUNT - NEW_LEADS :])
    if FACTS_AVAILABLE:
        _learn_facts(s)
    story = s.story()
    ctx.extra["customers"] = {
        "pools": {key: pool.pk for key, pool in pools.items()} | {"public": public.pk},
        "story_customers": [p.customer.pk for p in story if p.customer is not None],
        "declining_customers": [p.customer.pk for p in story if p.declining and p.customer is not None],
        "story_scale": round(float(s.story_scale), 3),  # how much S1101's order amounts were scaled
    }
