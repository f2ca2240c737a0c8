"""Telling people things: in-app notifications, and the outbox that carries them by e-mail or group bot.

``notify`` is what other features call. It writes only to the database, inside the caller's
transaction, so a rolled-back action tells nobody; the ``notifications.deliver`` job sends the
outbox a minute later at most.

Marking a notification read is not audited: it is the reader's own inbox state, not a business
event, and one audit row per click would drown the trail.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
import smtplib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from baton.accounts.models import User
from baton.core import clock
from baton.core.errors import NotFound
from baton.notifications.models import Channel, Delivery, DeliveryStatus, Notification, Severity

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
SEND_BATCH = 20
MAX_BATCHES_PER_RUN = 50
WEBHOOK_TIMEOUT_SECONDS = 5
# WeCom's group bot takes at most 2048 bytes of text; DingTalk takes more.
WEBHOOK_MAX_BYTES = 2000


class DeliveryRefused(Exception):
    """The other side answered but did not take the message (e.g. a bot's non-zero errcode)."""


# --- notify -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """One thing to tell some people: the arguments of ``notify``, for ``notify_many``."""

    recipients: Iterable[User]
    kind: str
    key: str
    title: str
    body: str = ""
    link: str = ""
    severity: str = "normal"
    webhook: bool = False


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    key: str,
    title: str,
    body: str = "",
    link: str = "",
    severity: str = "normal",
    webhook: bool = False,
) -> list[Notification]:
    """Tell people something: one in-app notification per recipient, an e-mail to those with an address,
    and (webhook=True and BATON_NOTIFY_WEBHOOK_URL set) one message to the WeCom/DingTalk group bot.
    Idempotent by (recipient, key): calling twice with the same key sends nothing twice.
    Runs inside the caller's transaction; returns the notifications newly created."""
    message = Message(
        recipients=recipients,
        kind=kind,
        key=key,
        title=title,
        body=body,
        link=link,
        severity=severity,
        webhook=webhook,
    )
    return notify_many(messages=[message])


def notify_many(*, messages: Sequence[Message]) -> list[Notification]:
    """``notify`` for many messages at once (a scan that opens thousands of alerts), in the same
    few statements as one: who has which key already, the new notifications, the recipients'
    addresses, the e-mails, the group-bot messages. Same rows, same idempotence."""
    for m in messages:
        _check_arguments(kind=m.kind, key=m.key, link=m.link, severity=m.severity)
    now = clock.now()
    wanted: list[tuple[User, dict[str, Any]]] = []
    texts: dict[str, str] = {}
    bots: list[Delivery] = []
    for m in messages:
        subject = " ".join(m.title.split())[:300]  # one line: it becomes an e-mail subject
        texts[m.key] = _message_text(body=m.body, link=m.link)
        fields = {
            "kind": m.kind,
            "key": m.key,
            "title": subject,
            "body": m.body,
            "link": m.link,
            "severity": m.severity,
            "created_at": now,
        }
        people = {user.pk: user for user in m.recipients if user is not None and user.pk is not None}
        wanted.extend((person, fields) for person in people.values())
        if m.webhook and settings.BATON_NOTIFY_WEBHOOK_URL:
            bots.append(_webhook_message(key=m.key, subject=subject, text=texts[m.key], now=now))
    with transaction.atomic():
        created = _notifications_create(wanted=wanted)
        _emails_queue(notifications=created, texts=texts, now=now)
        if bots:
            # One group-bot message per key; a second notify with the key adds nothing.
            Delivery.objects.bulk_create(bots, ignore_conflicts=True)
    return created


def _check_arguments(*, kind: str, key: str, link: str, severity: str) -> None:
    """Mistakes of the calling code, not of a user: fail loudly."""
    if not kind or len(kind) > 50:
        raise ValueError("notify: kind must be 1 to 50 characters")
    if not key or len(key) > 200:
        raise ValueError("notify: key must be 1 to 200 characters")
    if severity not in Severity.values:
        raise ValueError(f"notify: severity must be one of {Severity.values}")
    if link and (
        len(link) > 300
        or not link.startswith("/")
        or not url_has_allowed_host_and_scheme(link, allowed_hosts=set())
    ):
        raise ValueError("notify: link must be a path inside Baton such as /offboarding/my/")


def _message_text(*, body: str, link: str) -> str:
    parts = [body.strip()] if body.strip() else []
    if link:
        parts.append(_("Open in Baton: %(link)s") % {"link": link})
    return "\n\n".join(parts)


def _notifications_create(*, wanted: list[tuple[User, dict[str, Any]]]) -> list[Notification]:
    """One notification per (person, key) that has none yet; returns the new ones."""
    if not wanted:
        return []
    keys = {fields["key"] for _person, fields in wanted}
    ids = {person.pk for person, _fields in wanted}
    taken = set(
        Notification.objects.filter(key__in=keys, recipient_id__in=ids).values_list("recipient_id", "key")
    )
    missing = []
    for person, fields in wanted:
        if (person.pk, fields["key"]) not in taken:
            taken.add((person.pk, fields["key"]))
            missing.append(Notification(recipient=person, **fields))
    if not missing:
        return []
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(missing)
    except IntegrityError:
        # A concurrent notify with the same key got there first for someone: one at a time.
        created = []
        for notification in missing:
            try:
                with transaction.atomic():
                    notification.save(force_insert=True)
            except IntegrityError:
                notification.pk = None
                continue
            created.append(notification)
        return created


def _emails_queue(*, notifications: list[Notification], texts: dict[str, str], now: dt.datetime) -> None:
    """An e-mail for each new notification whose recipient has an address."""
    if not notifications:
        return
    addresses = dict(
        User.objects.filter(pk__in=[n.recipient_id for n in notifications]).values_list(
            "pk", "employee__email"
        )
    )
    rows = []
    for notification in notifications:
        address = addresses.get(notification.recipient_id) or getattr(notification.recipient, "email", "")
        if address:
            rows.append(
                Delivery(
                    channel=Channel.EMAIL,
                    notification=notification,
                    key=notification.key,
                    address=address,
                    subject=notification.title,
                    text=texts[notification.key],
                    created_at=now,
                    next_attempt_at=now,
                )
            )
    Delivery.objects.bulk_create(rows)


def _webhook_message(*, key: str, subject: str, text: str, now: dt.datetime) -> Delivery:
    return Delivery(
        channel=Channel.WEBHOOK, key=key, subject=subject, text=text, created_at=now, next_attempt_at=now
    )


# --- reading ------------------------------------------------------------------------------------


def notification_read(*, actor: Any, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read; reading it again changes nothing.

    Someone else's notification is answered as missing, like everywhere in Baton.
    """
    if notification.recipient_id != getattr(actor, "pk", None):
        raise NotFound()
    if notification.read_at is None:
        now = clock.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notifications_read_all(*, actor: Any) -> int:
    """Mark every unread notification of the actor read; returns how many were unread."""
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
        read_at=clock.now()
    )


# --- the outbox ---------------------------------------------------------------------------------


def deliveries_send(*, now: dt.datetime) -> dict[str, int]:
    """Send every outbox message due by ``now``; a failure waits and is retried, five at most.

    Messages are taken in small batches with ``SKIP LOCKED`` so two workers never send one twice.
    Returns how many were sent, will be retried, and gave up for good.
    """
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    for _batch in range(MAX_BATCHES_PER_RUN):
        with transaction.atomic():
            batch = list(
                Delivery.objects.select_for_update(skip_locked=True)
                .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at", "id")[:SEND_BATCH]
            )
            for delivery in batch:
                counts[_attempt(delivery, now=now)] += 1
        if len(batch) < SEND_BATCH:
            break
    if any(counts.values()):
        logger.info(
            "notification deliveries: %d sent, %d to retry, %d failed",
            counts["sent"],
            counts["retrying"],
            counts["failed"],
        )
    return counts


def _attempt(delivery: Delivery, *, now: dt.datetime) -> str:
    """Try one message; a failure's kind (never its text: it may hold an address) is kept."""
    delivery.attempts += 1
    try:
        if delivery.channel == Channel.EMAIL:
            _email_send(delivery)
        else:
            _webhook_post(delivery)
    except (
        smtplib.SMTPException,
        urllib.error.URLError,
        http.client.HTTPException,
        OSError,
        ValueError,
        DeliveryRefused,
    ) as exc:
        delivery.last_error = _error_label(exc)
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            outcome = "failed"
        else:
            delivery.next_attempt_at = now + dt.timedelta(minutes=2 ** (delivery.attempts - 1))
            outcome = "retrying"
    else:
        delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.SENT, now, ""
        outcome = "sent"
    delivery.save(update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"])
    return outcome


def _error_label(exc: BaseException) -> str:
    label = type(exc).__name__
    code = getattr(exc, "smtp_code", None) or getattr(exc, "code", None)
    if isinstance(code, int):
        label = f"{label} {code}"
    if isinstance(exc, DeliveryRefused):
        label = f"{label}: {exc}"
    return label[:100]


def _email_send(delivery: Delivery) -> None:
    sent = send_mail(
        delivery.subject,
        delivery.text,
        settings.DEFAULT_FROM_EMAIL,
        [delivery.address],
        fail_silently=False,
    )
    if sent < 1:
        raise DeliveryRefused("not accepted")


def _webhook_post(delivery: Delivery) -> None:
    """POST the text message both WeCom and DingTalk group bots accept; they answer errcode 0."""
    url = settings.BATON_NOTIFY_WEBHOOK_URL
    if not url:
        raise DeliveryRefused("not configured")
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError("the webhook URL must be http or https")
    content = "\n".join(part for part in (delivery.subject, delivery.text) if part)
    content = content.encode()[:WEBHOOK_MAX_BYTES].decode(errors="ignore")
    payload = json.dumps({"msgtype": "text", "text": {"content": content}}, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310  (scheme checked above)
        url, data=payload, headers={"Content-Type": "application/json; charset=utf-8"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
        answer = response.read(64 * 1024)
    try:
        parsed = json.loads(answer or b"{}")
    except ValueError:
        return  # not a bot's JSON answer; a 2xx from a plain webhook is success
    errcode = parsed.get("errcode", 0) if isinstance(parsed, dict) else 0
    if errcode not in (0, "0"):
        raise DeliveryRefused(f"errcode {errcode}")
