"""Capture channels: e-mails, call logs and WeChat chats are matched to contacts by e-mail,
phone or WeChat ID; what matches nothing waits in the review queue; re-imports add nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from baton.audit.models import AuditEvent
from baton.core.errors import InvalidInput
from baton.customers.models import Interaction
from baton.exchange.models import ReviewItem, ReviewReason, ReviewStatus
from baton.exchange.services import import_confirm, import_upload, review_item_assign, review_item_discard
from baton.exchange.tests.files import csv_bytes, eml_bytes, mbox_bytes

pytestmark = pytest.mark.django_db

WANGLI_MAIL = "wangli@huanan-precision.example"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def run(org, kind, name, data, who="S1100"):
    batch = import_upload(actor=org.user(who), kind=kind, name=name, data=data)
    return import_confirm(actor=org.user(who), batch=batch)


def wangli_mail(message_id="20261012.1@huanan-precision.example"):
    return eml_bytes(
        sender=f"王立 <{WANGLI_MAIL}>",
        to="张伟 <s1101@example.com>",
        subject="下周发货计划（华南至上海）",
        body="张经理您好：\n下周三有 3 吨电子元件发上海，请安排 9.6 米厢车。\n王立（王喆代发）",
        when=dt.datetime(2026, 10, 12, 14, 3, tzinfo=SHANGHAI),
        message_id=message_id,
    )


def test_an_eml_in_gb2312_is_matched_to_the_contact_by_email(org, crm):
    batch = run(org, "email", "plan.eml", wangli_mail())

    interaction = Interaction.objects.get(channel="email")
    assert batch.summary["created"] == 1 and batch.report == []
    assert interaction.customer == crm.customer("c1") and interaction.contact.name == "王立"
    assert interaction.source_ref == "20261012.1@huanan-precision.example"  # the Message-ID
    assert interaction.content.startswith("下周发货计划（华南至上海）\n\n张经理您好")
    assert interaction.content.endswith("王立（王喆代发）")  # 喆 is GBK, beyond GB2312
    assert interaction.direction == "in"
    assert interaction.employee == org.employees["S1101"]  # the recipient on our side
    assert interaction.occurred_at == dt.datetime(2026, 10, 12, 6, 3, tzinfo=dt.UTC)


def test_an_mbox_matches_what_it_can_and_queues_the_rest(org, crm):
    stranger = eml_bytes(
        sender="陌生人 <someone@unknown.example>",
        to="s1101@example.com",
        subject="询价",
        body="请报广州到成都的整车价格。",
        when=dt.datetime(2026, 10, 13, 9, 0, tzinfo=SHANGHAI),
        message_id="ask.1@unknown.example",
        charset="utf-8",
    )
    data = mbox_bytes(wangli_mail(), stranger)

    batch = run(org, "email", "inbox.mbox", data)
    again = run(org, "email", "inbox.mbox", data)

    assert (batch.summary["created"], batch.summary["queued"]) == (1, 1)
    item = ReviewItem.objects.get()
    assert (item.reason, item.status, item.email, item.source_ref) == (
        ReviewReason.UNMATCHED,
        ReviewStatus.PENDING,
        "someone@unknown.example",
        "ask.1@unknown.example",
    )
    assert item.content.startswith("询价")
    assert (again.summary["created"], again.summary["queued"], again.summary["unchanged"]) == (0, 0, 2)
    assert Interaction.objects.filter(channel="email").count() == 1 and ReviewItem.objects.count() == 1


def test_a_call_log_is_matched_by_phone_number(org, crm):
    rows = [
        ["通话时间", "对方号码", "通话时长", "呼叫类型", "工号"],
        ["2026-10-12 09:15:00", "+86 138-1234-5678", "3:25", "呼出", "S1101"],
        ["2026-10-12 10:02:00", "13700000000", "45", "呼入", "S1101"],
        ["2026-10-12 11:00:00", "13812345678", "1分10秒", "来电", "Z9999"],
    ]

    batch = import_upload(actor=org.user("S1100"), kind="call_log", name="calls.csv", data=csv_bytes(rows))
    batch = import_confirm(actor=org.user("S1100"), batch=batch, skip_bad_rows=True)
    writes = AuditEvent.objects.filter(action__startswith="customers.").count()
    again = run(org, "call_log", "calls.csv", csv_bytes(rows[:3]))

    call = Interaction.objects.get(channel="call")
    assert (call.contact.name, call.duration_seconds, call.direction, call.employee.employee_no) == (
        "王立",
        205,
        "out",
        "S1101",
    )
    assert [(e["row"], e["field"], e["code"]) for e in batch.report] == [(4, "工号", "employee_unknown")]
    item = ReviewItem.objects.get()
    assert (item.phone_masked, item.channel, item.employee.employee_no) == ("137****0000", "call", "S1101")
    assert "13700000000" not in item.phone_encrypted
    assert (again.summary["created"], again.summary["queued"]) == (0, 0)
    assert AuditEvent.objects.filter(action__startswith="customers.").count() == writes


CHAT = """与 王立 的聊天记录
微信号: wangli_gz

2026-10-12 14:03:22 张伟
王总您好，下周三那批货需要几辆车？

王立 2026/10/12 14:05
两辆 9.6 米厢车，周三上午装货。
注意防雨。
"""


def test_a_wechat_export_is_matched_by_the_wechat_id(org, crm):
    batch = run(org, "wechat", "chat.txt", CHAT.encode("utf-8"))

    messages = list(Interaction.objects.filter(channel="wechat").order_by("occurred_at"))
    assert batch.summary["created"] == 2
    assert [(m.contact.name, m.direction) for m in messages] == [("王立", "out"), ("王立", "in")]
    assert messages[0].employee == org.employees["S1101"]  # 张伟, by name
    assert messages[1].content == "两辆 9.6 米厢车，周三上午装货。\n注意防雨。"
    assert run(org, "wechat", "chat.txt", CHAT.encode("gb18030")).summary["unchanged"] == 2


def test_chat_lines_of_an_unknown_wechat_id_go_to_the_review_queue(org, crm):
    chat = "2026-10-14 08:30 陈老板(chen_boss88)\n有没有去昆明的回程车？\n"

    batch = run(org, "wechat", "chat.txt", chat.encode("utf-8"))

    item = ReviewItem.objects.get()
    assert batch.summary["queued"] == 1
    assert (item.wechat_id, item.sender, item.content) == ("chen_boss88", "陈老板", "有没有去昆明的回程车？")


def test_a_reviewer_assigns_a_queued_record_and_a_reimport_adds_nothing(org, crm):
    chat = "2026-10-14 08:30 陈老板(chen_boss88)\n有没有去昆明的回程车？\n"
    run(org, "wechat", "chat.txt", chat.encode("utf-8"))
    item = ReviewItem.objects.get()
    contact = crm.customer("c1").contacts.get()

    item = review_item_assign(actor=org.user("S1100"), item=item, contact=contact, note="王立的老板")
    again = run(org, "wechat", "chat.txt", chat.encode("utf-8"))

    assert item.status == ReviewStatus.ASSIGNED and item.interaction.contact == contact
    assert item.interaction.source_ref == item.source_ref
    assert again.summary["unchanged"] == 1 and Interaction.objects.filter(channel="wechat").count() == 1
    assert AuditEvent.objects.filter(action="exchange.review_item_assigned", object_id=str(item.pk)).exists()
    with pytest.raises(InvalidInput):
        review_item_discard(actor=org.user("S1100"), item=item)


def test_a_reviewer_discards_a_record(org, crm):
    run(org, "wechat", "chat.txt", "2026-10-14 08:30 推销员(spam_seller)\n低价代开发票\n".encode())
    item = review_item_discard(actor=org.user("S1100"), item=ReviewItem.objects.get(), note="广告")

    assert item.status == ReviewStatus.DISCARDED and not Interaction.objects.filter(channel="wechat").exists()
    assert AuditEvent.objects.get(action="exchange.review_item_discarded").changes["note"] == "广告"
