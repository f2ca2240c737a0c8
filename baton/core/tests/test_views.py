"""The layout every page shares, the dashboard, and the error pages."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from baton.alerts.services import alert_raise
from baton.core.navigation import MENU

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_dashboard_sends_anonymous_to_login(org):
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_dashboard_greets_and_lists_roles(org):
    page = org.client_for("S1100").get("/")
    assert page.status_code == 200
    assert {r.code for r in page.context["roles"]} == {"team_lead", "sales"}
    body = page.content.decode()
    assert "李娜" in body and "S1100" in body
    assert page.context["open_alert_count"] == 0  # the team's risk alerts (none yet)


def test_dashboard_for_someone_without_roles(org):
    page = org.client_for("X0001").get("/")
    assert page.status_code == 200
    assert "You hold no roles yet" in page.content.decode()


def test_dashboard_counts_open_security_alerts_for_their_viewers(org):
    alert_raise(rule="R9", subject_type="accounts.user", subject_id="1", severity="high", title="t")
    assert org.client_for("admin").get("/").context["open_alert_count"] == 1
    # HR sees risk alerts, not security ones; someone without either grant gets no card
    assert org.client_for("H0001").get("/").context["open_alert_count"] == 0
    assert "open_alert_count" not in org.client_for("X0001").get("/").context


def test_url_names_used_by_the_menu_exist():
    for _label, name, _policy in MENU:
        assert reverse(name)


def test_menu_shows_only_what_the_user_may_open(org):
    sales = [item["name"] for item in org.client_for("S1101").get("/").context["nav_items"]]
    assert sales == [
        "core:dashboard",
        "org:chart",
        "org:employee_list",
        "customers:customer_list",
        "customers:public_pool",
        "customers:receivable_list",
        "alerts:alert_list",
        "offboarding:board",
        "offboarding:revisits",
    ]
    admin = [item["name"] for item in org.client_for("admin").get("/").context["nav_items"]]
    # The administrator is in no sales team, so holds no claim on the public pool, and signs
    # off no departure.
    unheld = ("customers:public_pool", "offboarding:inbox")
    assert admin == [name for _label, name, _policy in MENU if name not in unheld]


def test_layout_has_user_number_logout_language_and_htmx(org):
    body = org.client_for("S1101").get("/").content.decode()
    assert "张伟" in body and "S1101" in body
    assert 'action="/accounts/logout/"' in body
    assert 'action="/i18n/setlang/"' in body and 'value="en"' in body and 'value="zh-hans"' in body
    assert "htmx" in body and "X-CSRFToken" in body
    assert 'name="viewport"' in body


def test_every_signed_in_page_carries_the_viewer_watermark(org):
    body = org.client_for("S1101").get("/org/employees/").content.decode()
    match = re.search(r'<svg class="watermark".*?<text[^>]*>([^<]+)</text>', body, re.S)
    assert match is not None
    assert re.fullmatch(r"S1101 \d{4}-\d{2}-\d{2} \d{2}:\d{2}", match.group(1))


def test_language_switch(org):
    client = org.client_for("S1101")
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/org/"})
    assert response.status_code == 302 and response["Location"] == "/org/"
    assert client.cookies["django_language"].value == "zh-hans"
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


def test_forbidden_page_uses_the_layout(org):
    response = org.client_for("X0001").get("/org/employees/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "You do not have permission to open this page" in body
    assert 'class="watermark"' in body


def test_not_found_page_uses_the_layout(org):
    response = org.client_for("S1101").get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
