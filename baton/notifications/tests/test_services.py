"""notify: one notification per person and key, an e-mail to those with an address, and the outbox."""

import datetime as dt
import io
import json
import smtplib
import urllib.error
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from baton.accounts.models import User
from baton.core import clock
from baton.core.errors import NotFound
from baton.notifications.models import Delivery, DeliveryStatus, Notification
from baton.notifications.services import (
    MAX_ATTEMPTS,
    Message,
    deliveries_send,
    notification_read,
    notifications_read_all,
    notify,
    notify_many,
)

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
WEBHOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test-key"


def tell(recipients, key="offboarding:1:opened", **kwargs):
    fields = {
        "kind": "offboarding.case_opened",
        "title": "刘洋 is leaving: last working day 2026-11-30",
        "body": "Please review the handover list.",
        "link": "/offboarding/cases/1/",
    } | kwargs
    with clock.frozen_at(T0):
        return notify(recipients=recipients, key=key, **fields)


class FakeAnswer(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def bot_answer(errcode=0):
    return FakeAnswer(json.dumps({"errcode": errcode, "errmsg": "ok"}).encode())


# --- notify ---------------------------------------------------------------------------------------


def test_same_key_twice_tells_each_person_once(org):
    lead, head = org.user("S1100"), org.user("S1000")

    first = tell([lead, head, lead])
    second = tell([lead, head])

    assert {n.recipient_id for n in first} == {lead.pk, head.pk}
    assert second == []
    assert Notification.objects.count() == 2
    emails = Delivery.objects.filter(channel="email")
    assert sorted(emails.values_list("address", flat=True)) == ["s1000@example.com", "s1100@example.com"]
    assert {d.subject for d in emails} == {"刘洋 is leaving: last working day 2026-11-30"}
    assert "/offboarding/cases/1/" in emails[0].text


def test_a_new_recipient_for_a_known_key_is_told_the_others_are_not(org):
    tell([org.user("S1100")])

    added = tell([org.user("S1100"), org.user("H0001")])

    assert [n.recipient_id for n in added] == [org.user("H0001").pk]
    assert Delivery.objects.count() == 2


def test_a_recipient_without_an_address_gets_no_email(org):
    no_employee = User.objects.create_user("T0001", "x" * 20)
    org.employees["S1102"].email = ""
    org.employees["S1102"].save(update_fields=["email"])

    created = tell([no_employee, org.user("S1102"), org.user("S1101")])

    assert len(created) == 3
    assert list(Delivery.objects.values_list("address", flat=True)) == ["s1101@example.com"]


def test_a_concurrent_notify_with_the_same_key_tells_nobody_twice(org):
    """Another worker inserted the same (person, key) after our check saw nothing."""
    racer, other = org.user("S1101"), org.user("S1102")
    Notification.objects.create(
        recipient=racer, kind="k", key="offboarding:1:opened", title="t", created_at=T0
    )
    real_filter = Notification.objects.filter
    looks = []

    def blind_first_look(*args, **kwargs):
        looks.append(kwargs)
        return Notification.objects.none() if len(looks) == 1 else real_filter(*args, **kwargs)

    with mock.patch.object(Notification.objects, "filter", side_effect=blind_first_look):
        created = tell([racer, other])

    assert [n.recipient_id for n in created] == [other.pk]
    assert Notification.objects.count() == 2
    assert list(Delivery.objects.values_list("address", flat=True)) == ["s1102@example.com"]


def alert_message(n: int, recipients, **kwargs) -> Message:
    fields = {"kind": "risk.R2", "title": f"客户 {n} 订单下降", "link": f"/alerts/{n}/"} | kwargs
    return Message(recipients=recipients, key=f"alert:{n}", **fields)


def test_notify_many_tells_each_message_to_its_people_with_its_own_text(org, settings):
    settings.BATON_NOTIFY_WEBHOOK_URL = WEBHOOK
    lead, owner = org.user("S1100"), org.user("S1101")
    tell([lead], key="alert:1")  # told already about alert 1

    with clock.frozen_at(T0):
        created = notify_many(
            messages=[
                alert_message(1, [lead, owner]),
                alert_message(2, [owner, owner], severity="high", webhook=True),
                alert_message(3, []),
            ]
        )

    assert [(n.key, n.recipient_id) for n in created] == [("alert:1", owner.pk), ("alert:2", owner.pk)]
    assert Notification.objects.get(key="alert:2").severity == "high"
    emails = {(d.key, d.address): d for d in Delivery.objects.filter(channel="email")}
    assert set(emails) == {
        ("alert:1", "s1100@example.com"),
        ("alert:1", "s1101@example.com"),
        ("alert:2", "s1101@example.com"),
    }
    assert "/alerts/2/" in emails[("alert:2", "s1101@example.com")].text
    assert emails[("alert:2", "s1101@example.com")].subject == "客户 2 订单下降"
    assert list(Delivery.objects.filter(channel="webhook").values_list("key", flat=True)) == ["alert:2"]


def test_notify_many_runs_the_same_statements_for_one_message_or_many(org):
    people = [org.user("S1100"), org.user("S1101"), org.user("S1000")]
    counts = []
    for first, many in ((1, 1), (100, 20)):  # 60 rows: one INSERT each even on SQLite
        with CaptureQueriesContext(connection) as ctx:
            notify_many(messages=[alert_message(n, people) for n in range(first, first + many)])
        counts.append(len(ctx))
    with CaptureQueriesContext(connection) as ctx:
        tell(people, key="alert:500")

    # savepoint, who has the keys, savepoint, insert, release, addresses, e-mails, release
    assert counts[0] == counts[1] == len(ctx) <= 8
    assert Notification.objects.filter(key__startswith="alert:").count() == 3 * 22


def test_a_message_repeated_in_one_batch_is_told_once(org):
    lead = org.user("S1100")

    created = notify_many(messages=[alert_message(1, [lead]), alert_message(1, [lead])])

    assert len(created) == 1 and Delivery.objects.count() == 1


def test_notify_takes_part_in_the_callers_transaction(org):
    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        tell([org.user("S1101")])
        raise Refused

    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"link": "https://evil.example/"},
        {"link": "//evil.example/"},
        {"link": "offboarding/my/"},
        {"severity": "urgent"},
        {"kind": ""},
        {"key": "k" * 201},
    ],
)
def test_mistakes_of_the_calling_code_fail_loudly(org, bad):
    with pytest.raises(ValueError):
        tell([org.user("S1101")], **bad)
    assert not Notification.objects.exists()


def test_a_multi_line_title_becomes_one_line(org):
    [notification] = tell([org.user("S1101")], title="Two\nlines")
    assert notification.title == "Two lines"


# --- the outbox -----------------------------------------------------------------------------------


def test_deliveries_send_mails_once_and_marks_sent(org, settings):
    settings.DEFAULT_FROM_EMAIL = "baton@shunda.example"
    tell([org.user("S1101")])

    first = deliveries_send(now=T0)
    again = deliveries_send(now=T0 + dt.timedelta(minutes=5))

    assert first == {"sent": 1, "retrying": 0, "failed": 0}
    assert again == {"sent": 0, "retrying": 0, "failed": 0}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["s1101@example.com"]
    assert message.from_email == "baton@shunda.example"
    assert message.subject == "刘洋 is leaving: last working day 2026-11-30"
    assert "Please review the handover list." in message.body
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.sent_at, delivery.attempts) == (DeliveryStatus.SENT, T0, 1)


def test_nothing_is_sent_before_it_was_queued(org):
    tell([org.user("S1101")])
    assert deliveries_send(now=T0 - dt.timedelta(minutes=1))["sent"] == 0
    assert mail.outbox == []


def test_the_deliver_job_sends_the_outbox(org):
    tell([org.user("S1101")])
    out = io.StringIO()

    call_command(
        "run_due_jobs", "--now", "2026-11-02T09:01:00+08:00", "--only", "notifications.deliver", stdout=out
    )

    assert "notifications.deliver" in out.getvalue()
    assert [m.to for m in mail.outbox] == [["s1101@example.com"]]
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_failures_are_retried_later_then_given_up(org):
    tell([org.user("S1101")])
    moments = [T0 + dt.timedelta(hours=h) for h in range(MAX_ATTEMPTS + 1)]

    with mock.patch(
        "baton.notifications.services.send_mail",
        side_effect=smtplib.SMTPRecipientsRefused({"s1101@example.com": (550, b"no such user")}),
    ) as send:
        outcomes = [deliveries_send(now=moment) for moment in moments]
        too_soon = deliveries_send(now=T0)  # the retry waits: nothing at the same moment

    assert [o["retrying"] for o in outcomes[:4]] == [1, 1, 1, 1]
    assert outcomes[4]["failed"] == 1
    assert outcomes[5] == too_soon == {"sent": 0, "retrying": 0, "failed": 0}
    assert send.call_count == MAX_ATTEMPTS
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS)
    assert delivery.last_error == "SMTPRecipientsRefused"
    assert "@" not in delivery.last_error


def test_a_failure_then_a_success(org):
    tell([org.user("S1101")])
    with mock.patch("baton.notifications.services.send_mail", side_effect=ConnectionRefusedError()):
        assert deliveries_send(now=T0)["retrying"] == 1
    assert deliveries_send(now=T0 + dt.timedelta(seconds=30))["sent"] == 0  # waits a minute
    assert deliveries_send(now=T0 + dt.timedelta(minutes=1))["sent"] == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 2, "")


# --- the group bot --------------------------------------------------------------------------------


def test_webhook_posts_one_text_message_per_key(org, settings):
    settings.BATON_NOTIFY_WEBHOOK_URL = WEBHOOK
    with translation.override("en"):  # the message is written in the language active at notify time
        tell([org.user("S1100"), org.user("S1000")], webhook=True, title="High-impact departure: 刘洋")
        tell([org.user("S1100")], webhook=True, title="High-impact departure: 刘洋")

    webhook = Delivery.objects.get(channel="webhook")
    assert webhook.address == "" and webhook.notification is None
    assert WEBHOOK not in json.dumps(list(Delivery.objects.values()), default=str)
    with mock.patch("urllib.request.urlopen", return_value=bot_answer()) as urlopen:
        counts = deliveries_send(now=T0)
        deliveries_send(now=T0 + dt.timedelta(minutes=1))

    assert counts["sent"] == 3  # two e-mails and one bot message
    urlopen.assert_called_once()
    request = urlopen.call_args.args[0]
    assert urlopen.call_args.kwargs["timeout"] == 5
    assert request.full_url == WEBHOOK and request.get_method() == "POST"
    assert request.get_header("Content-type") == "application/json; charset=utf-8"
    assert json.loads(request.data) == {
        "msgtype": "text",
        "text": {
            "content": "High-impact departure: 刘洋\nPlease review the handover list.\n\n"
            "Open in Baton: /offboarding/cases/1/"
        },
    }


def test_no_webhook_without_the_setting_or_without_asking(org, settings):
    settings.BATON_NOTIFY_WEBHOOK_URL = ""
    tell([org.user("S1100")], webhook=True)
    settings.BATON_NOTIFY_WEBHOOK_URL = WEBHOOK
    tell([org.user("S1100")], key="other", webhook=False)

    with mock.patch("urllib.request.urlopen") as urlopen:
        deliveries_send(now=T0)

    assert not Delivery.objects.filter(channel="webhook").exists()
    urlopen.assert_not_called()


@pytest.mark.parametrize(
    ("answer", "label"),
    [
        (urllib.error.URLError("timed out"), "URLError"),
        (urllib.error.HTTPError(WEBHOOK, 502, "Bad Gateway", {}, None), "HTTPError 502"),
        (bot_answer(errcode=93000), "DeliveryRefused: errcode 93000"),
    ],
)
def test_a_refused_bot_message_is_retried(org, settings, answer, label):
    settings.BATON_NOTIFY_WEBHOOK_URL = WEBHOOK
    tell([], webhook=True)
    kwargs = {"side_effect": answer} if isinstance(answer, Exception) else {"return_value": answer}

    with mock.patch("urllib.request.urlopen", **kwargs):
        assert deliveries_send(now=T0)["retrying"] == 1

    delivery = Delivery.objects.get(channel="webhook")
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.PENDING, label)
    assert "key=" not in delivery.last_error


def test_a_webhook_url_that_is_not_http_is_never_opened(org, settings):
    settings.BATON_NOTIFY_WEBHOOK_URL = "file:///etc/passwd"
    tell([], webhook=True)
    with mock.patch("urllib.request.urlopen") as urlopen:
        assert deliveries_send(now=T0)["retrying"] == 1
    urlopen.assert_not_called()


# --- reading --------------------------------------------------------------------------------------


def test_reading_marks_once_and_only_your_own(org):
    [mine] = tell([org.user("S1101")])
    [theirs] = tell([org.user("S1102")])

    with clock.frozen_at(T0 + dt.timedelta(hours=1)):
        notification_read(actor=org.user("S1101"), notification=mine)
    with clock.frozen_at(T0 + dt.timedelta(hours=2)):
        notification_read(actor=org.user("S1101"), notification=mine)
    with pytest.raises(NotFound):
        notification_read(actor=org.user("S1101"), notification=theirs)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at == T0 + dt.timedelta(hours=1)
    assert theirs.read_at is None


def test_read_all_touches_only_your_own(org):
    tell([org.user("S1101"), org.user("S1102")], key="a")
    tell([org.user("S1101")], key="b")

    assert notifications_read_all(actor=org.user("S1101")) == 2
    assert notifications_read_all(actor=org.user("S1101")) == 0
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
