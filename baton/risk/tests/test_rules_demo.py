"""The demo company's story sets off the early warning: S1101 张伟 stops logging his work (R1),
his big accounts order less month after month (R2), and he holds about 15% of the revenue (R4).
The daily scan also stores every customer's health score (R7).

The demo is seeded once for the module (the fixture of ``customers/tests/test_demo_story.py``,
rolled back afterwards), so all of the story is asserted in one test.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from baton.alerts.models import Alert
from baton.customers.models import Customer, Tier
from baton.customers.tests.test_demo_story import demo  # noqa: F401  (the module-scoped seeded demo)
from baton.risk.models import HealthSnapshot
from baton.risk.services import risk_scan

pytestmark = pytest.mark.django_db


def test_the_demo_story_fires_r1_r2_and_r4_for_s1101(demo):  # noqa: F811
    risk_scan(now=demo.now, codes=["R1", "R2", "R4", "R7"])
    s1101 = demo.s1101
    alerts = Alert.objects.filter(company=demo.company)

    # R1: about five interactions a week, then one in the last seven days.
    r1 = alerts.get(rule="R1", subject_type="org.employee", subject_id=str(s1101.pk))
    assert r1.details["last_week"] <= 1
    assert Decimal(r1.details["baseline_per_week"]) >= 4
    assert r1.owner_id == s1101.pk and r1.team_id == s1101.team_id

    # R2: several of his large accounts order less in each of the last three complete months.
    his = set(Customer.objects.filter(owner=s1101, tier=Tier.LARGE).values_list("pk", flat=True))
    r2 = alerts.filter(rule="R2")
    flagged = {int(a.subject_id) for a in r2}
    assert len(flagged & his) >= 2
    for alert in r2.filter(subject_id__in=[str(pk) for pk in his]):
        assert alert.owner_id == s1101.pk and alert.details["months"][-1]["orders"] < 10

    # R4: S1101 holds about 15% of the company's revenue of the last 12 months.
    r4 = alerts.get(rule="R4", subject_type="org.employee", subject_id=str(s1101.pk))
    assert Decimal("0.14") <= Decimal(r4.details["share"]) <= Decimal("0.16")
    assert r4.severity == "high"

    # R7 keeps a health score for every customer (nothing to compare with on the first day).
    customers = Customer.objects.filter(company=demo.company)
    assert HealthSnapshot.objects.filter(customer__company=demo.company).count() == customers.count()
    assert not alerts.filter(rule="R7").exists()
