"""The demo company's early warning: its sensitive-word dictionary, and R10 caught up on the
history.

The customers seeder bulk-inserts a year of interactions without going through
``interaction_record``, so R10 never saw them as they were recorded. This seeder installs the
default dictionary and sends the last month's interactions to R10 as one would after a bulk
import, so the alert centre shows what the rule would have raised: S1101's WeChat message asking
a customer to 以后直接加我私人微信联系 (the demo's other texts hold no dictionary phrase).
"""

from __future__ import annotations

import datetime as dt

from baton.core import clock
from baton.demo.registry import DemoContext
from baton.risk.services import risk_event
from baton.risk.services_phrases import phrases_install_defaults

CATCH_UP = dt.timedelta(days=30)
BATCH = 500


def seed_risk(ctx: DemoContext) -> None:
    from baton.customers.models import Interaction

    company_id = ctx.company.pk
    phrases_install_defaults(company_id=company_id)
    recent = list(
        Interaction.objects.filter(customer__company_id=company_id, created_at__gte=clock.now() - CATCH_UP)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for i in range(0, len(recent), BATCH):
        risk_event(
            event="interaction_recorded",
            company_id=company_id,
            payload={"interactions": recent[i : i + BATCH]},
        )
