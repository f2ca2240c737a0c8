"""The offboarding story on the demo company, clicked through end to end.

张伟 (S1101) resigns and may no longer take orders; dispatch (O0002) enters one for his customer,
which lands with his team lead 李娜; he hands over with evidence; the team lead, HR and finance
do their items; the department head, HR and finance sign off; HR transfers the customers by
progress to 刘洋 and the team pool; the revisits appear; HR completes the case, 张伟 can no
longer sign in, and the evidence package lists everything with a verified audit chain.

Each person works in their own browser context and signs in once, so no TOTP code is replayed.
"""

import datetime as dt
import io
import os
import re
import tempfile

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from baton.core import clock
from baton.customers.models import Customer, Order
from baton.e2e.tests.demo_people import SHOTS, sign_in, submit_login
from baton.e2e.tests.demo_people import shot as _shot
from baton.offboarding.models import CaseStatus, OffboardingCase, Revisit, TransferLine
from baton.org.models import Employee, EmployeeStatus


def shot(page, name):
    _shot(page, "offboarding-" + name)


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# The sales checklist (baton/offboarding/templates_data.py): titles are the company's own words.
LEAVER_ITEMS = [
    "客户资料移交",
    "未完成订单确认",
    "客户跟进记录上传",
    "竞争对手接触情况说明",
    "合同扫描件上传",
    "微信/通讯记录导出上传",
]
TEAM_LEAD_ITEMS = ["系统账号与共享资料交接", "客户交接会谈纪要"]
HR_ITEM, FINANCE_ITEM = "公司手机与电话卡归还", "应收账款确认"
ALL_ITEMS = [*LEAVER_ITEMS, FINANCE_ITEM, HR_ITEM, *TEAM_LEAD_ITEMS]

# What the zh-hans interface says (baton/locale); the pages are asserted in Chinese.
ORDER_REFUSED = "离职交接期间不能接单"
LOGIN_REFUSED = "该账号无法登录，请联系人事部门。"


# --- people and pages -------------------------------------------------------------------------


@pytest.fixture
def pdf_files():
    """Small PDF files to upload (content-checked as PDF by the server)."""
    folder = tempfile.mkdtemp(prefix="baton-offboarding-")

    def make(*names):
        paths = []
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "wb") as fh:
                fh.write(PDF_BYTES + name.encode())
            paths.append(path)
        return paths

    return make


def pdf_text(data):
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", "", text)  # table cells wrap long titles over lines


# --- 1–2: the resignation and the order refused -----------------------------------------------


def resign(page, last_day):
    page.goto(page.base_url + "/offboarding/resign/")
    page.fill("#id_reason", "个人职业发展，已与团队主管沟通。")
    page.fill("#id_last_working_day", last_day.isoformat())
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/offboarding/my/$"))
    assert last_day.isoformat() in page.locator(".page-header").inner_text()
    for title in ALL_ITEMS:
        page.locator("#todo article h3", has_text=title).first.wait_for()
    shot(page, "01-resigned")


def open_customer(page, customer):
    """Find the customer by name in the list (the search works without script too) and open it."""
    page.goto(page.base_url + "/customers/?q=" + customer.name)
    page.click(f"#customer-table a:text-is('{customer.name}')")
    page.wait_for_url(re.compile(rf"/customers/{customer.pk}/$"))


def fill_order(page, number):
    page.click("#orders details.inline-form summary")
    page.fill("#order-number", number)
    page.fill("#order-route_from", "东莞")
    page.fill("#order-route_to", "上海")
    page.fill("#order-amount", "8800.00")
    page.fill("#order-cargo", "五金配件")
    page.click("#orders details.inline-form button[type=submit]")


def order_refused_to_leaver(page, customer):
    open_customer(page, customer)
    fill_order(page, "JL-E2E-0001")
    errors = page.locator(".form-errors")
    errors.wait_for()
    assert ORDER_REFUSED in errors.inner_text()
    shot(page, "02-order-refused")
    assert not Order.objects.filter(number="JL-E2E-0001").exists()


def order_entered_by_dispatch(page, customer):
    """O0002 enters the order: it is taken by the team lead and flagged as a handover order."""
    open_customer(page, customer)
    fill_order(page, "JL-E2E-0002")
    page.wait_for_url(re.compile(rf"/customers/{customer.pk}/$"))
    row = page.locator("#orders tr", has_text="JL-E2E-0002")
    row.locator(".badge-warn").wait_for()  # the 交接期订单 flag
    assert "李娜" in row.inner_text()  # 接单人: the team lead stands in
    shot(page, "03-handover-order")
    order = Order.objects.select_related("taken_by", "receivable_owner").get(number="JL-E2E-0002")
    assert order.handover_flag
    assert order.taken_by.employee_no == order.receivable_owner.employee_no == "S1100"


# --- 4: the leaver's own items ------------------------------------------------------------------


def my_item(page, title):
    return page.locator("#todo article").filter(has=page.locator(f"h3:text-is('{title}')"))


def item_pk(locator):
    return locator.get_attribute("id").removeprefix("item-")


def wait_done(page, title):
    page.wait_for_url(re.compile(r"/offboarding/my/$"))
    page.locator("#done li", has_text=title).wait_for()
    assert my_item(page, title).count() == 0


def confirm_all(page, title, expect_entry=None):
    article = my_item(page, title)
    if expect_entry is not None:  # the system-generated list names what is being confirmed
        assert expect_entry in article.inner_text()
    article.locator("button[name=everything]").click()
    wait_done(page, title)


def follow_ups(page, title, pdf_files):
    """Upload a follow-up record for customers without a recent one; with none missing the
    leaver just confirms and the system check completes the item."""
    article = my_item(page, title)
    pk = item_pk(article)
    if article.locator(f"#item{pk}-file").count():
        article.locator("input[name=customers]").check()
        article.locator(f"#item{pk}-file").set_input_files(pdf_files("跟进记录.pdf"))
    article.locator("button[type=submit]").click()
    wait_done(page, title)


def complete_with(page, title, *, statement="", files=()):
    article = my_item(page, title)
    pk = item_pk(article)
    if statement:
        article.locator(f"#item{pk}-statement").fill(statement)
    if files:
        article.locator(f"#item{pk}-evidence_files").set_input_files(list(files))
    article.locator("button[type=submit]").click()
    wait_done(page, title)


def leaver_hands_over(page, pdf_files):
    page.goto(page.base_url + "/")
    page.click("main a[href='/offboarding/my/']")  # the dashboard card while a case is open
    page.wait_for_url(re.compile(r"/offboarding/my/$"))
    confirm_all(page, "客户资料移交")
    confirm_all(page, "未完成订单确认", expect_entry="JL-E2E-0002")  # the order taken meanwhile
    follow_ups(page, "客户跟进记录上传", pdf_files)
    complete_with(
        page,
        "竞争对手接触情况说明",
        statement="与竞争对手无任何私下接触，未带走客户资料，所有报价均在系统内。",
    )
    complete_with(page, "合同扫描件上传", files=pdf_files("合同-2025-001.pdf", "合同-2025-002.pdf"))
    complete_with(page, "微信/通讯记录导出上传", files=pdf_files("微信聊天记录导出.pdf"))
    todo = page.locator("#todo").inner_text()
    for title in LEAVER_ITEMS:
        assert title not in todo
    for title in [*TEAM_LEAD_ITEMS, HR_ITEM, FINANCE_ITEM]:
        assert title in todo  # waiting for the others
    shot(page, "04-leaver-done")


# --- 5–6: the others' items and the sign-off on the case page ---------------------------------


def open_case_from_board(page, case):
    page.click("nav.mainnav a[href='/offboarding/']")
    page.wait_for_url(re.compile(r"/offboarding/$"))
    page.click(f"#board a[href='/offboarding/cases/{case.pk}/']")
    page.wait_for_url(re.compile(rf"/offboarding/cases/{case.pk}/$"))


def case_item(page, title):
    return page.locator("#items tbody tr").filter(has=page.locator(f"strong:text-is('{title}')"))


def complete_on_case_page(page, title, *, statement="", files=()):
    row = case_item(page, title)
    pk = item_pk(row)
    row.locator("details.inline-form summary").click()
    if statement:
        row.locator(f"#item{pk}-statement").fill(statement)
    if files:
        row.locator(f"#item{pk}-evidence_files").set_input_files(list(files))
    row.locator("button[type=submit]").click()
    case_item(page, title).locator(".badge-item-done").wait_for()


def sign_off(page, case, role):
    """From the inbox to the case's sign-off panel: approve with a comment."""
    page.click("nav.mainnav a[href='/offboarding/inbox/']")
    page.wait_for_url(re.compile(r"/offboarding/inbox/$"))
    page.click(f"main a[href='/offboarding/cases/{case.pk}/#sign-off']")
    page.wait_for_url(re.compile(rf"/offboarding/cases/{case.pk}/"))
    page.check(f"#decide-{role}-decision_0")  # approve
    page.fill(f"#decide-{role}-comment", "交接材料齐全，同意。")
    approved = page.locator("#sign-off .badge-approved").count()
    with page.expect_navigation():
        page.click(f"#sign-off form:has(#decide-{role}-decision_0) button[type=submit]")
    assert page.locator(f"#decide-{role}-decision_0").count() == 0
    assert page.locator("#sign-off .badge-approved").count() == approved + 1


# --- 7–8: the transfer plan and the revisits ----------------------------------------------------


def choose(page, selector, **option):
    """Change one plan setting: HTMX saves the plan and swaps the preview; wait until it has."""
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/plan/")):
        page.select_option(selector, **option)
    page.wait_for_function(
        "() => !document.querySelector('#plan-loading').classList.contains('htmx-request')"
    )


def plan_by_progress(page, case, successor, customer):
    page.click(f".page-header a[href='/offboarding/cases/{case.pk}/plan/']")
    page.wait_for_url(re.compile(rf"/offboarding/cases/{case.pk}/plan/$"))
    assert page.locator("#recommendations li").count() > 0  # scored candidates of the same team
    choose(page, "#id_strategy", value="progress")
    choose(page, "#id_successor", label=f"{successor.name} ({successor.employee_no})")
    choose(page, "#id_rest_to", value="team_pool")
    page.click("main form[hx-post] .form-actions button[type=submit]")  # Save and preview
    page.locator("#execute").wait_for()
    rows = page.locator("#plan-preview tbody tr")
    assert rows.count() == 40
    assert successor.name in rows.filter(has_text=customer.name).inner_text()
    destinations = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(40)]
    assert sum(successor.name in d for d in destinations) >= 1
    assert all(d.strip() and d.strip() != "—" for d in destinations)  # every customer has a place
    shot(page, "07-plan-preview")
    return destinations


def execute_plan(page):
    page.check("#execute-confirm")
    page.click("#execute button[type=submit]")
    page.locator("#summary").wait_for()
    assert "40" in page.locator("#summary").inner_text()
    shot(page, "07-plan-executed")


def revisits_seen_by(page, customer):
    page.click("nav.mainnav a[href='/offboarding/revisits/']")
    page.wait_for_url(re.compile(r"/offboarding/revisits/$"))
    row = page.locator("main tr[id^=revisit-]", has_text=customer.name).first
    row.wait_for()
    assert "张伟" in row.inner_text()  # the previous owner
    shot(page, "08-revisits")


# --- 9–10: completion, the refused sign-in, the evidence package ------------------------------


def complete_case(page, case):
    page.goto(page.base_url + f"/offboarding/cases/{case.pk}/")
    assert page.locator("#blocked ul").count() == 0  # nothing blocks it any more
    page.click("#blocked form[action$='/complete/'] button[type=submit]")
    page.locator(".page-header .badge-completed").wait_for()
    shot(page, "09-case-completed")


def leaver_locked_out(page):
    page.goto(page.base_url + "/offboarding/my/")
    page.wait_for_url(re.compile(r"/accounts/login/"))  # the old session ended with the case
    submit_login(page, "S1101")
    errors = page.locator("main .form-errors")
    errors.wait_for()
    assert LOGIN_REFUSED in errors.inner_text()
    assert "/accounts/login/" in page.url
    shot(page, "09-leaver-refused")


def evidence_package(page, case, customers):
    response = page.request.get(page.base_url + f"/offboarding/cases/{case.pk}/evidence.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    os.makedirs(SHOTS, exist_ok=True)
    with open(os.path.join(SHOTS, "offboarding-10-evidence-package.pdf"), "wb") as fh:
        fh.write(response.body())  # kept beside the screenshots for a reviewer
    text = pdf_text(response.body())
    for title in ALL_ITEMS:
        assert re.sub(r"\s+", "", title) in text, title
    for no, name in (("S1000", "陈志强"), ("H0001", "周静"), ("F0001", "吴芳")):
        assert f"{no}{name}" in text, no  # the three sign-offs, each by the person who signed
    for customer in customers:
        assert customer.name in text, customer.name
    chain = re.search(r"审计链校验通过：全部(\d+)条事件完整", text)  # the chain verified when generated
    assert chain and int(chain.group(1)) > 0


# --- the story ----------------------------------------------------------------------------------


def test_a_salesperson_leaves_and_every_customer_is_handed_over(page, person, pdf_files):
    call_command("seed_demo")  # the demo company, seed 2026
    people = {e.employee_no: e for e in Employee.objects.filter(employee_no__in=["S1101", "S1102"])}
    leaver, successor = people["S1101"], people["S1102"]
    customer = Customer.objects.filter(owner=leaver, is_key_account=True).order_by("name").first()
    last_day = clock.local_date(clock.now()) + dt.timedelta(days=30)

    # 1–2. 张伟 resigns, then is refused a new order for his own customer.
    zhang = sign_in(page, "S1101")
    resign(zhang, last_day)
    case = OffboardingCase.objects.select_related("employee").get(employee=leaver)
    order_refused_to_leaver(zhang, customer)

    # 3. Dispatch enters the order: taken by the team lead, flagged 交接期订单.
    order_entered_by_dispatch(person("O0002"), customer)

    # 4. 张伟 completes his items with evidence.
    leaver_hands_over(zhang, pdf_files)

    # 5. The team lead, HR and finance complete theirs on the case page.
    li = person("S1100")
    open_case_from_board(li, case)
    complete_on_case_page(li, "系统账号与共享资料交接")
    complete_on_case_page(li, "客户交接会谈纪要", files=pdf_files("交接会谈纪要.pdf"))
    hr = person("H0001")
    open_case_from_board(hr, case)
    complete_on_case_page(hr, HR_ITEM)
    finance = person("F0001")
    open_case_from_board(finance, case)
    complete_on_case_page(finance, FINANCE_ITEM)
    finance.locator(".page-header .badge-sign_off").wait_for()  # every item done: sign-off asked
    shot(finance, "05-items-done")

    # 6. Department head, HR and finance approve from their inbox.
    sign_off(person("S1000"), case, "department_head")
    sign_off(hr, case, "hr")
    sign_off(finance, case, "finance")
    finance.locator(".page-header .badge-ready").wait_for()
    shot(finance, "06-signed-off")

    # 7. HR plans the transfer by progress and executes it.
    hr.goto(hr.base_url + f"/offboarding/cases/{case.pk}/")
    destinations = plan_by_progress(hr, case, successor, customer)
    execute_plan(hr)
    lines = TransferLine.objects.filter(plan__case=case).select_related("customer", "to_employee")
    assert lines.count() == 40 and not Customer.objects.filter(owner=leaver).exists()
    to_successor = [x for x in lines if x.to_employee_id == successor.pk]
    assert len(to_successor) == sum(successor.name in d for d in destinations)
    assert all(x.to_employee_id in (None, successor.pk) for x in lines)  # the rest: the team pool
    assert Customer.objects.get(pk=customer.pk).owner_id == successor.pk

    # 8. 刘洋 sees his revisits of the key customers he took over.
    revisits_seen_by(person("S1102"), customer)
    assert Revisit.objects.filter(case=case, assignee=successor, customer=customer).exists()

    # 9. HR completes the case; 张伟 is signed out and can no longer sign in.
    complete_case(hr, case)
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    assert Employee.objects.get(pk=leaver.pk).status == EmployeeStatus.LEFT
    leaver_locked_out(zhang)

    # 10. HR takes the evidence package; the audit chain verifies.
    evidence_package(hr, case, [x.customer for x in lines])
    call_command("verify_audit")  # exits 1 (SystemExit) when the chain is broken
