"""A team lead looks after the team's customers: the team view, a customer's 360° profile, a fact
learned from a call confirmed, and a customer claimed from the public pool."""

import datetime as dt
import os
import re

import pytest

from baton.core import clock
from baton.core.testing import PASSWORD, build_small_org
from baton.customers.models import CustomerFact, FactStatus, Interaction
from baton.customers.testing import build_small_crm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("BATON_SCREENSHOTS", "test-results")


def sign_in(page, employee_no):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=employee_no]", employee_no)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(page.base_url + "/")


def suggest_fact(customer):
    """What the extractor would have learned from a call: a suggestion waiting for review."""
    now = clock.now()
    call = Interaction.objects.create(
        customer=customer,
        channel="call",
        occurred_at=now - dt.timedelta(days=1),
        content="王经理：下个月起每月大约40票，广州到上海，要9.6米厢车。",
        next_step="周五前发报价",
        created_at=now,
    )
    return CustomerFact.objects.create(
        customer=customer,
        interaction=call,
        kind="volume",
        value={"shipments": 40, "per": "month"},
        text="每月约40票",
        evidence="每月大约40票",
        confidence=85,
        extractor="rules-v1",
        created_at=now,
    )


def test_team_lead_reviews_a_profile_confirms_a_fact_and_claims_from_the_pool(page):
    org = build_small_org()
    crm = build_small_crm(org)
    c1, c5 = crm.customers["c1"], crm.customers["c5"]
    fact = suggest_fact(c1)

    sign_in(page, "S1100")  # team lead: no MFA
    page.click("nav.mainnav a[href='/customers/team/']")
    page.wait_for_url(re.compile(r"/customers/team/$"))
    team_table = page.locator("#team-table").inner_text()
    assert c1.name in team_table and crm.customers["c2"].name in team_table
    assert crm.customers["c3"].name not in team_table  # another team's customer

    page.click(f"#team-table a:text-is('{c1.name}')")
    page.wait_for_url(re.compile(rf"/customers/{c1.pk}/$"))
    facts = page.locator("#facts")
    assert "每月约40票" in facts.inner_text()
    assert "138****5678" in page.content() and "13812345678" not in page.content()
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, "customer-profile.png"), full_page=True)

    page.click(f"#fact-{fact.pk} form:has(input[value=confirmed]) button")
    page.locator(f"#fact-{fact.pk} .badge-fact-confirmed").wait_for()
    fact.refresh_from_db()
    assert fact.status == FactStatus.CONFIRMED and fact.reviewed_by == org.employees["S1100"]

    page.click("nav.mainnav a[href='/customers/pool/']")
    page.wait_for_url(re.compile(r"/customers/pool/$"))
    page.click(f"#pool-table tr:has-text('{c5.name}') button[type=submit]")
    page.locator("#pool-table .message-success").wait_for()
    assert page.locator(f"#pool-table tr:has-text('{c5.name}')").count() == 0  # gone from the pool

    page.click("nav.mainnav a[href='/customers/']")
    page.wait_for_url(re.compile(r"/customers/$"))
    assert c5.name in page.locator("#customer-table").inner_text()
    page.screenshot(path=os.path.join(SHOTS, "customer-list-after-claim.png"), full_page=True)
