"""The demo company's offboarding set-up: the default checklist templates and policy.

No case is opened: the demo story starts with S1101 (张伟) resigning, which the user plays.
"""

from __future__ import annotations

from baton.demo.registry import DemoContext
from baton.offboarding.selectors import policy_for
from baton.offboarding.services import templates_install_defaults


def seed_offboarding(ctx: DemoContext) -> None:
    templates_install_defaults(company_id=ctx.company.pk)
    policy_for(ctx.company.pk)
