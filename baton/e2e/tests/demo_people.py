"""Signing in as the demo company's people in a browser (shared by the story tests).

Passwords and TOTP secrets come from the demo seed, as ``demo_credentials`` prints them. Each
person signs in once per story in a browser context of their own, so no TOTP code is replayed.
"""

import os
import re

import pyotp

from baton.demo.registry import demo_password, demo_totp_secret

SHOTS = os.environ.get("BATON_SCREENSHOTS", "test-results")
SEED = 2026
MFA_ROLES = {"S1000", "H0001", "F0001", "M0001"}


def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def new_page(browser, base_url):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = base_url
    return page


def submit_login(page, employee_no):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=employee_no]", employee_no)
    page.fill("input[name=password]", demo_password(SEED, employee_no))
    page.click("main form button[type=submit]")


def sign_in(page, employee_no):
    """Password, then (for MFA roles) a fresh TOTP code; each person signs in once per story."""
    submit_login(page, employee_no)
    if employee_no in MFA_ROLES:
        page.wait_for_url(re.compile(r"/accounts/login/mfa/"))
        page.fill("input[name=code]", pyotp.TOTP(demo_totp_secret(SEED, employee_no)).now())
        page.click("main form button[type=submit]")
    page.wait_for_url(page.base_url + "/")
    assert employee_no in page.content()  # name/工号 in the header
    return page
