"""Browser tests: Debian's Chromium, headless, driven by Playwright against a live server.

Chromium is never downloaded: Playwright starts the executable at ``BATON_CHROMIUM``
(default /usr/bin/chromium). Without it these tests are skipped (``make test`` says so).
"""

import os
import shutil
import tempfile

import pytest

CHROMIUM = os.environ.get("BATON_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not installed at {CHROMIUM}")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # for set-up and assertions are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="baton-chromium-")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def person(browser, live_server):
    """``person("H0001")``: a demo person signed in, in a browser context of their own."""
    from baton.e2e.tests.demo_people import new_page, sign_in

    pages = []

    def open_as(employee_no):
        page = new_page(browser, live_server.url)
        pages.append(page)
        return sign_in(page, employee_no)

    yield open_as
    for page in pages:
        page.context.close()
