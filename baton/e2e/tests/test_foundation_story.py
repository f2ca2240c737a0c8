"""A person signs in with MFA, switches language, opens the org chart and an employee page;
a salesperson sees only their own team."""

import os
import re

import pytest

from baton.core.testing import PASSWORD, build_small_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("BATON_SCREENSHOTS", "test-results")


def sign_in(page, employee_no, otp=None):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=employee_no]", employee_no)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    if otp is not None:
        page.wait_for_url(re.compile(r"/accounts/login/mfa/"))
        page.fill("input[name=code]", otp())
        page.click("main form button[type=submit]")
    page.wait_for_url(page.base_url + "/")


def test_hr_signs_in_with_mfa_switches_language_and_browses_the_organisation(page):
    org = build_small_org()
    sign_in(page, "H0001", otp=lambda: org.otp("H0001"))
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "H0001" in page.content()  # name/工号 in the header and the watermark

    page.select_option("#language-select", "en")
    page.click(".language-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"

    page.click("nav.mainnav >> text=Org chart")
    page.wait_for_url(re.compile(r"/org/$"))
    assert page.locator("text=华南区销售部").first.is_visible()

    page.click("nav.mainnav >> text=Employees")
    page.wait_for_url(re.compile(r"/org/employees/"))
    page.click("a:text-is('S1101')")
    page.wait_for_url(re.compile(r"/org/employees/\d+/$"))
    body = page.content()
    assert "张伟" in body
    assert "138****" in body and "13800130004" not in body  # phone masked until revealed
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, "employee-detail.png"), full_page=True)


def test_salesperson_sees_only_own_team(page):
    build_small_org()
    sign_in(page, "S1101")
    page.goto(page.base_url + "/org/employees/")
    table = page.locator("table").first.inner_text()
    assert "S1102" in table and "S1100" in table
    assert "S1201" not in table and "E2001" not in table
