"""The early-warning story on the demo company, clicked through end to end.

The demo's story is planted in its data: 张伟 (S1101) logs far fewer customer contacts, several of
his big customers order less month after month, one of his WeChat messages asks a customer to add
his private WeChat, and his customers bring about 15% of the company's revenue. The daily scan
raises the alerts (R10 has caught up on the seeded messages already, ``baton.risk.demo``). His team lead 李娜
(S1100) opens the alert centre from the menu, finds those alerts with her team's, reads what the
rule saw and acknowledges one with a note; the history records it. Management (M0001) finds the
concentration alert, opens the quarterly concentration report with its charts, and exports it to
Excel with the watermark naming the exporter.

Which rules must have fired follows ``baton.risk.registry``: a rule not registered (yet) is not
asked for; a registered rule that stays silent on the demo fails the test.

Each person works in their own browser context and signs in once, so no TOTP code is replayed.
"""

import os
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from baton.alerts.models import OPEN_STATUSES, Alert, AlertStatus
from baton.alerts.selectors import alerts_visible_to
from baton.audit.models import AuditEvent
from baton.core import clock
from baton.e2e.tests.demo_people import SHOTS, sign_in
from baton.e2e.tests.demo_people import shot as _shot
from baton.org.models import Employee
from baton.risk import registry
from baton.risk.reports import quarter_of


def shot(page, name):
    _shot(page, "early-warning-" + name)


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEAM = "华南区工业客户团队"
NOTE = "已与张伟当面沟通，客户由我本周逐一回访核实。"

# What the zh-hans interface says (baton/locale); the pages are asserted in Chinese.
ACKNOWLEDGED = "已确认"
STATUS_NOW_ACKNOWLEDGED = "预警状态已更新为“已确认”。"
HISTORY_ACKNOWLEDGED = "状态已变更为“已确认”"


# --- people and pages -------------------------------------------------------------------------


def percent_in(text):
    """The first percentage in a text, as a Decimal (``14.94%`` -> 14.94)."""
    found = re.search(r"(\d+(?:\.\d+)?)\s*%", text)
    assert found, text
    return Decimal(found.group(1))


def money(value):
    """An amount as the alert page shows it: thousands separated, two decimals."""
    return f"{Decimal(value):,.2f}"


# --- the alert centre ---------------------------------------------------------------------------


def open_alert_centre(page):
    page.click("nav.mainnav a[href='/alerts/']")  # 预警中心
    page.wait_for_url(re.compile(r"/alerts/$"))
    page.locator("#alert-table").wait_for()


def alert_rows(page, rule):
    """The rows of the alert table raised by one rule (its code is in the 规则 column)."""
    return page.locator("#alert-table tbody tr").filter(has=page.locator(f"td.mono:text-is('{rule}')"))


def cells(row):
    """A row's columns: severity, title, rule, team, responsible, status, raised."""
    return [c.strip() for c in row.locator("td").all_inner_texts()]


def rows_of(page, rule):
    """The columns of every row of one rule."""
    rows = alert_rows(page, rule)
    return [cells(rows.nth(i)) for i in range(rows.count())]


def team_lead_sees_the_team_alerts(page, codes, leaver):
    open_alert_centre(page)
    rows = page.locator("#alert-table tbody tr")
    expected = Alert.objects.filter(team__name=TEAM, status__in=OPEN_STATUSES).count()
    assert rows.count() == min(expected, 50)  # the page shows every open alert of the team
    assert cells(rows.first)[3] == TEAM  # the team's alerts first
    if "R1" in codes:  # contact frequency drop, about 张伟
        r1 = alert_rows(page, "R1")
        assert r1.count() == 1, "R1 did not fire for S1101"
        assert leaver.name in cells(r1.first)[4] and leaver.employee_no in cells(r1.first)[1]
    if "R2" in codes:  # several of his big customers order less month after month
        his = [row for row in rows_of(page, "R2") if row[4] == leaver.name]
        assert len(his) >= 2, f"R2 fired for {len(his)} of S1101's customers"
        assert all(row[3] == TEAM for row in his)
    if "R4" in codes:  # his share of the revenue, also in his team lead's view
        assert any(leaver.employee_no in row[1] for row in rows_of(page, "R4"))
    if "R10" in codes:  # the planted 私人微信 message
        r10 = alert_rows(page, "R10")
        assert r10.count() >= 1, "R10 did not fire on the demo's WeChat message"
        assert "私人微信" in cells(r10.first)[1]
    shot(page, "01-team-lead-alert-centre")


def open_alert(page, rule):
    row = alert_rows(page, rule).first
    href = row.locator("td a").first.get_attribute("href")
    row.locator("td a").first.click()
    page.wait_for_url(re.compile(re.escape(href) + "$"))
    alert = Alert.objects.get(pk=int(href.strip("/").split("/")[-1]))
    assert alert.rule == rule
    assert alert.title in page.locator(".page-header h1").inner_text()
    return alert


def figures_shown(page, alert):
    """What the rule saw: the team, the person, the figures of its details; R10's snippet with
    the matched phrase highlighted."""
    facts = page.locator("section[aria-labelledby=facts-heading]").inner_text()
    assert TEAM in facts
    details = alert.details
    if alert.rule == "R1":
        assert "S1101" in facts and str(details["last_week"]) in facts
        assert money(details["baseline_per_week"]) in facts and money(details["drop_percent"]) in facts
    elif alert.rule == "R4":
        assert money(details["revenue_12m"]) in facts and money(details["company_revenue_12m"]) in facts
    elif alert.rule == "R10":
        mark = page.locator("blockquote.snippet mark")
        assert mark.count() >= 1
        assert mark.first.inner_text() == details["phrase"]
        assert "私人微信" in details["phrase"]
        assert details["phrase"] in page.locator("blockquote.snippet").inner_text()


def acknowledge(page, alert, actor):
    """Acknowledge with a note: the badge turns 已确认 and the history names who did it and why."""
    page.fill("form.alert-actions textarea[name=note]", NOTE)
    with page.expect_navigation():
        page.click("form.alert-actions button[name=status][value=acknowledged]")
    page.locator(".page-header .badge-acknowledged").wait_for()
    assert ACKNOWLEDGED in page.locator(".page-header .badge-acknowledged").inner_text()
    assert STATUS_NOW_ACKNOWLEDGED in page.locator("ul.messages").inner_text()
    assert page.locator("form.alert-actions button[value=acknowledged]").count() == 0  # only from open
    entries = page.locator("section[aria-labelledby=history-heading] ol.timeline li")
    assert entries.count() == 2  # raised by the rule, then acknowledged
    last = entries.last.inner_text()
    assert HISTORY_ACKNOWLEDGED in last and NOTE in last and actor.employee_no in last
    shot(page, "02-alert-acknowledged")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    event = AuditEvent.objects.get(action="alert.status_changed", object_id=str(alert.pk))
    assert event.actor_label == actor.employee_no
    assert event.changes["note"] == NOTE


def acknowledged_in_the_list(page, alert):
    open_alert_centre(page)
    row = page.locator("#alert-table tbody tr").filter(has=page.locator(f"a[href='/alerts/{alert.pk}/']"))
    assert cells(row)[5] == ACKNOWLEDGED
    assert cells(page.locator("#alert-table tbody tr").first)[3] == TEAM


# --- management: the concentration alert and report --------------------------------------------


def management_sees_the_concentration_alert(page, leaver):
    r4 = Alert.objects.get(rule="R4", subject_type="org.employee", subject_id=str(leaver.pk))
    card = page.locator("section[aria-labelledby=alerts-heading]")  # concentration comes first
    assert card.locator(f"li:has(a[href='/alerts/{r4.pk}/']) .badge-high").count() == 1
    open_alert_centre(page)
    page.click("nav.tabs a[href*='category=concentration']")  # the 资源集中 tab
    page.wait_for_url(re.compile(r"category=concentration"))
    row = alert_rows(page, "R4").filter(has_text=leaver.employee_no)
    assert row.count() == 1, "no R4 concentration alert for S1101"
    columns = cells(row.first)
    assert columns[4] == leaver.name and columns[3] == TEAM
    assert Decimal("14.5") <= percent_in(columns[1]) <= Decimal("15.5")
    shot(page, "03-management-concentration-alert")
    alert = open_alert(page, "R4")
    figures_shown(page, alert)


def concentration_report(page, leaver):
    page.click("nav.mainnav a[href='/risk/reports/concentration/']")  # 客户资源集中度
    page.wait_for_url(re.compile(r"/risk/reports/concentration/"))
    quarter = quarter_of(clock.now()).label  # the running quarter
    assert quarter in page.locator(".page-header h1").inner_text()
    employees = page.locator("#chart-employees svg")
    assert employees.locator("rect.chart-bar").count() >= 2
    assert page.locator("#chart-teams svg rect.chart-bar").count() >= 2
    assert page.locator("#chart-hhi svg circle.chart-dot").count() >= 1
    labels = employees.locator("text.chart-label").all_text_contents()  # SVG text: no innerText
    assert f"{leaver.name} {leaver.employee_no}" == labels[0]  # the largest share, on top
    row = page.locator("#employees tbody tr").filter(has_text=leaver.employee_no)
    assert row.count() == 1
    share = percent_in(row.locator("td").nth(5).inner_text())
    assert Decimal("14.5") <= share <= Decimal("15.5"), share
    assert f"{share}%" in employees.locator("text.chart-value").first.text_content()
    shot(page, "04-concentration-report")
    return quarter


def excel_export(page, quarter, exporter):
    with page.expect_download() as info:
        page.click("#export-xlsx")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    os.makedirs(SHOTS, exist_ok=True)
    path = os.path.join(SHOTS, "early-warning-05-concentration.xlsx")
    download.save_as(path)  # kept beside the screenshots for a reviewer
    workbook = load_workbook(path)
    assert workbook.properties.creator == exporter.employee_no
    for sheet in workbook.worksheets:
        banner = str(sheet["A1"].value)
        assert f"工号 {exporter.employee_no}" in banner and exporter.name in banner, sheet.title
    texts = [
        str(v) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for v in row
    ]
    assert any("S1101" in text for text in texts)  # 张伟's row is in the file
    event = AuditEvent.objects.filter(action="risk.report_exported").latest("pk")
    assert event.actor_label == exporter.employee_no
    assert event.changes["quarter"] == quarter and event.changes["format"] == "xlsx"
    assert f"导出编号 {event.changes['export']}" in str(workbook.worksheets[0]["A1"].value)


# --- the dashboard ------------------------------------------------------------------------------


def dashboard_card(page, user):
    page.click("nav.mainnav a[href='/']")
    page.wait_for_url(page.base_url + "/")
    card = page.locator("section[aria-labelledby=alerts-heading]")
    active = alerts_visible_to(user=user).filter(status__in=OPEN_STATUSES).count()
    assert active > 0
    assert card.locator(".stat").inner_text().strip() == str(active)
    assert card.locator("li").count() == min(active, 5)  # the five most urgent
    assert all(TEAM in text for text in card.locator("li").all_inner_texts())
    assert card.locator("a[href='/alerts/']").count() == 1
    shot(page, "06-team-lead-dashboard")


# --- the story ----------------------------------------------------------------------------------


def test_team_lead_acknowledges_an_alert_and_management_reads_the_concentration_report(page, person):
    call_command("seed_demo")  # the demo company, seed 2026
    call_command("run_due_jobs", "--now", clock.now().isoformat(), "--only", "risk.daily_scan")
    codes = {rule.code for rule in registry.all_rules()}
    assert "R4" in codes
    people = {e.employee_no: e for e in Employee.objects.filter(employee_no__in=["S1100", "S1101", "M0001"])}
    lead, leaver, management = people["S1100"], people["S1101"], people["M0001"]

    # 1–2. 李娜 opens the alert centre: her team's alerts, 张伟's among them.
    li = sign_in(page, "S1100")
    team_lead_sees_the_team_alerts(li, codes, leaver)
    if "R1" in codes:
        figures_shown(li, open_alert(li, "R1"))
        open_alert_centre(li)

    # She reads what the rule saw and acknowledges it with a note.
    rule = next(code for code in ("R10", "R1", "R4") if code in codes)
    alert = open_alert(li, rule)
    figures_shown(li, alert)
    acknowledge(li, alert, lead)
    acknowledged_in_the_list(li, alert)

    # 3. Management: the concentration alert, the report with its charts, the Excel file.
    wang = person("M0001")
    management_sees_the_concentration_alert(wang, leaver)
    quarter = concentration_report(wang, leaver)
    excel_export(wang, quarter, management)

    # 4. The team lead's dashboard counts her open alerts.
    dashboard_card(li, lead.user)
