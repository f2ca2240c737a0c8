"""R10 on the demo company: S1101's WeChat message asking a customer to 以后直接加我私人微信联系
is caught, and nothing else in a year of the demo's interactions is.

The demo is seeded once for the module (the fixture of ``customers/tests/test_demo_story.py``,
rolled back afterwards); it lives in a module of its own because the small ``org`` fixture of
the other R10 tests cannot share a database with it.
"""

from __future__ import annotations

import pytest

from baton.alerts.models import Alert
from baton.customers.demo import PRIVATE_WECHAT
from baton.customers.models import Interaction
from baton.customers.tests.test_demo_story import demo  # noqa: F401  (the module-scoped seeded demo)
from baton.notifications.models import Notification
from baton.risk.models import SensitivePhrase
from baton.risk.phrases import DEFAULT_PHRASES
from baton.risk.services import risk_event, risk_scan

pytestmark = pytest.mark.django_db


def test_the_planted_private_wechat_message_is_the_one_r10_alert(demo):  # noqa: F811
    company = demo.company
    # The seeder installed the dictionary and caught R10 up on the bulk-seeded history.
    assert SensitivePhrase.objects.filter(company=company).count() == len(DEFAULT_PHRASES)
    planted = Interaction.objects.get(customer__company=company, content__contains=PRIVATE_WECHAT)
    assert planted.employee_id == demo.s1101.pk
    alert = Alert.objects.get(rule="R10", company=company)
    assert alert.subject_id == str(planted.pk)
    assert alert.details["phrase"] == "加我私人微信" and alert.details["category"] == "private_channel"
    assert "以后直接【加我私人微信】联系" in alert.details["snippet"]
    assert alert.team_id == demo.s1101.team_id and alert.owner_id is None
    lead = demo.s1101.team.lead
    told = Notification.objects.filter(key=f"alert:{alert.pk}").values_list("recipient_id", flat=True)
    assert list(told) == [lead.user_id]

    # Scanning the whole year finds nothing else: no false hits on the demo's own texts and
    # customer names (competitors are matched by full trading name).
    everything = list(
        Interaction.objects.filter(customer__company=company).order_by("pk").values_list("pk", flat=True)
    )
    for i in range(0, len(everything), 2000):
        risk_event(
            event="interaction_recorded",
            company_id=company.pk,
            payload={"interactions": everything[i : i + 2000]},
        )
    assert risk_scan(now=demo.now, codes=["R10"]) == {"R10": 0}
    assert Alert.objects.filter(rule="R10").count() == 1
