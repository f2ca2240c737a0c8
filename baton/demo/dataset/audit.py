"""The audit trail of the dataset: exactly ``--audit-events`` events appended to the chain.

They continue the chain from its head (migrate has written the first events), each hashed
exactly as ``baton.audit.services.audit_record_many`` hashes it (``baton.audit.chain``), and the
head is moved to the last one, so ``manage.py verify_audit`` passes.

What they are, in sequence order:

1. the set-up, dated at the start of the window: ``org.employee_created`` and
   ``auth.account_created`` for every person, ``customers.pool_created`` for every pool, and one
   ``customers.*_bulk_created`` event per bulk-loaded table (count and id range), as the demo
   seeder records its bulk inserts;
2. fifteen months of activity in time order: ``customers.interaction_recorded`` and
   ``customers.order_created`` for a sample of the interactions and orders written (at the time
   they were recorded, by the person who recorded or took them), and sign-ins
   (``auth.login_password``, some refused), customer changes, revealed contact phones and
   refused out-of-scope look-ups (``access.denied``) at random moments, with request ids, IP
   addresses and browsers as the middleware records them.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from baton.audit import chain
from baton.audit.models import AuditChainHead
from baton.audit.selectors import AUDIT_EVENT_FIELDS
from baton.demo.dataset.draws import cumulative, weighted
from baton.demo.dataset.org import OrgPlan
from baton.demo.dataset.plan import STATUSES, CustomerPlan
from baton.demo.dataset.sql import NULL, escape
from baton.demo.dataset.timeline import Timeline

# The trail's columns as the audit app reads them, with the id the generator assigns first.
AUDIT_COLUMNS = ("id", *AUDIT_EVENT_FIELDS)
ACTOR_LABEL = "generate_dataset"
CHANNELS = {"c": "call", "w": "wechat", "e": "email", "v": "visit", "m": "meeting", "n": "note"}
# Shares of the activity events (the rest of the trail after the set-up).
INTERACTION_SHARE, ORDER_SHARE = 0.35, 0.10
OTHER_KINDS = {"login": 30, "customer_changed": 12, "contact_revealed": 8, "access_denied": 3}
WEBKIT = "AppleWebKit/537.36 (KHTML, like Gecko)"
SAFARI = "AppleWebKit/605.1.15 (KHTML, like Gecko)"
USER_AGENTS = (
    f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) {WEBKIT} Chrome/130.0 Safari/537.36",
    f"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) {SAFARI} Version/18.0 Safari/605.1.15",
    f"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) {SAFARI} Mobile/15E148 MicroMessenger/8.0.50",
    f"Mozilla/5.0 (Linux; Android 14; V2309A) {WEBKIT} Chrome/126.0 Mobile Safari/537.36",
)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MFA_ROLES = frozenset({"admin", "management", "department_head", "hr", "finance"})
CHUNK = 10_000


@dataclass
class Event:
    """One event before it is hashed. ``at`` is in microseconds since the epoch."""

    at: int
    action: str
    object_type: str
    object_id: str
    changes: dict[str, Any]
    actor: int | None = None
    label: str = ACTOR_LABEL
    result: str = "success"
    request: bool = False  # made in a request: gets a request id, IP and browser


@dataclass
class AuditPlan:
    """What the trail will hold; the samples come from the interaction and order writers."""

    total: int
    setup: list[Event] = field(default_factory=list)
    interactions: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    orders: list[tuple[int, int, int, int, str, int]] = field(default_factory=list)

    @property
    def activity(self) -> int:
        return max(0, self.total - len(self.setup))


def setup_events(org: OrgPlan, *, pools: dict[int, int | None], timeline: Timeline) -> list[Event]:
    """The set-up events of the people, their accounts and the pools (the bulk ones are added
    once the tables are written)."""
    start = timeline.ago(timeline.last) * 1_000_000
    events = []
    for p in org.people:
        events.append(
            Event(
                start,
                "org.employee_created",
                "org.employee",
                str(p.pk),
                {"employee_no": p.no, "department": p.dept.pk, "team": p.team.pk if p.team else None},
            )
        )
        events.append(
            Event(start, "auth.account_created", "accounts.user", str(p.pk), {"roles": list(p.roles)})
        )
    for pool, team in pools.items():
        kind = "team" if team else "public"
        events.append(
            Event(start, "customers.pool_created", "customers.pool", str(pool), {"kind": kind, "team": team})
        )
    return events


def bulk_event(timeline: Timeline, action: str, object_type: str, first: int, count: int) -> Event:
    start = timeline.ago(timeline.last) * 1_000_000
    changes = {"count": count, "first_id": first, "last_id": first + count - 1}
    return Event(start, action, object_type, "", changes)


class AuditWriter:
    """Hashes the events in order and yields their COPY lines."""

    def __init__(
        self, *, audit: AuditPlan, plan: CustomerPlan, org: OrgPlan, timeline: Timeline, rng: random.Random
    ):
        self.audit, self.plan, self.org, self.t, self.rng = audit, plan, org, timeline, rng
        self.head_seq, self.head_hash = 0, ""

    def events(self) -> list[Event]:
        """Exactly ``total`` events: the set-up first, then the activity in time order."""
        setup = self.audit.setup[: self.audit.total]
        wanted = self.audit.activity
        rng = self.rng
        activity = [self._interaction(row) for row in self.audit.interactions]
        activity += [self._order(row) for row in self.audit.orders]
        if len(activity) > wanted:
            activity = rng.sample(activity, wanted)
        makers = [getattr(self, f"_{kind}") for kind in OTHER_KINDS]
        cw = cumulative(list(OTHER_KINDS.values()))
        start, end = self.t.ago(self.t.last - 1) * 1_000_000, (self.t.now_s - 60) * 1_000_000
        for _i in range(wanted - len(activity)):
            at = start + int(rng.random() * (end - start))
            activity.append(weighted(rng.random, makers, cw)(at))
        activity.sort(key=lambda e: (e.at, e.action, e.object_id))
        return setup + activity

    def head_lock(self) -> None:
        """Lock the chain head and read where the chain ends (before the COPY starts: the
        connection cannot answer another query while it is copying)."""
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1)
        self.head_seq, self.head_hash = head.seq, head.hash

    def chunks(self, first_id: int) -> Iterator[list[str]]:
        seq, prev = self.head_seq, self.head_hash
        rng = random.Random(self.rng.random())
        lines: list[str] = []
        for n, event in enumerate(self.events()):
            seq += 1
            moment = EPOCH + dt.timedelta(microseconds=event.at)
            request_id, ip, agent = "", "", ""
            if event.request:
                request_id = f"{rng.getrandbits(128):032x}"
                host = rng.getrandbits(24)
                ip = f"10.{host >> 16}.{host >> 8 & 255}.{(host & 255) or 1}"
                agent = USER_AGENTS[host % len(USER_AGENTS)]
            encoded = chain.canonical(
                seq=seq,
                occurred_at=moment,
                actor_id=event.actor,
                actor_label=event.label,
                action=event.action,
                object_type=event.object_type,
                object_id=event.object_id,
                changes=event.changes,
                request_id=request_id,
                ip=ip,
                user_agent=agent,
                result=event.result,
            )
            digest = chain.event_hash(prev, encoded)
            changes = escape(json.dumps(event.changes, ensure_ascii=False))
            lines.append(
                f"{first_id + n}\t{seq}\t{moment.isoformat()}\t"
                f"{NULL if event.actor is None else event.actor}\t{event.label}\t{event.action}\t"
                f"{event.object_type}\t{event.object_id}\t{changes}\t{request_id}\t{ip}\t{agent}\t{event.result}\t{prev}\t{digest}\n"
            )
            prev = digest
            if len(lines) >= CHUNK:
                yield lines
                lines = []
        yield lines
        self.head_seq, self.head_hash = seq, prev

    def head_update(self) -> None:
        AuditChainHead.objects.filter(pk=1).update(seq=self.head_seq, hash=self.head_hash)

    # --- the activity --------------------------------------------------------------------------

    def _person(self, pk: int) -> tuple[int, str]:
        return pk, self.org.person(pk).no

    def _interaction(self, row: tuple[int, int, int, int, str]) -> Event:
        at, pk, customer, employee, channel = row
        actor, label = self._person(employee)
        micro = at * 1_000_000 + pk % 1_000_000
        changes = {"customer": customer, "channel": channel, "source_ref": ""}
        return Event(
            micro,
            "customers.interaction_recorded",
            "customers.interaction",
            str(pk),
            changes,
            actor,
            label,
            request=True,
        )

    def _order(self, row: tuple[int, int, int, int, str, int]) -> Event:
        at, pk, customer, taken_by, number, cents = row
        actor, label = self._person(taken_by)
        changes = {
            "customer": customer,
            "number": number,
            "amount": f"{cents // 100}.{cents % 100:02d}",
            "handover_flag": False,
        }
        return Event(
            at * 1_000_000 + pk % 1_000_000,
            "customers.order_created",
            "customers.order",
            str(pk),
            changes,
            actor,
            label,
            request=True,
        )

    def _customer(self) -> int:
        """A customer someone serves (0-based), found by a few random tries."""
        p = self.plan
        for _try in range(20):
            i = int(self.rng.random() * p.count)
            if p.holder(i):
                return i
        return i

    def _login(self, at: int) -> Event:
        rng = self.rng
        person = self.org.people[int(rng.random() * len(self.org.people))]
        ok = rng.random() >= 0.03
        reason = (
            ("password_ok:mfa" if any(r in MFA_ROLES for r in person.roles) else "password_ok:done")
            if ok
            else "bad_password"
        )
        result = "success" if ok else "denied"
        changes = {"reason": reason}
        return Event(
            at,
            "auth.login_password",
            "accounts.user",
            str(person.pk),
            changes,
            person.pk,
            person.no,
            result,
            True,
        )

    def _customer_changed(self, at: int) -> Event:
        i = self._customer()
        actor, label = self._person(self.plan.holder(i))
        after = STATUSES[self.plan.status[i]]
        before = "prospect" if after != "prospect" else "lost"
        changes = {"status": {"before": before, "after": after}}
        return Event(
            at,
            "customers.customer_changed",
            "customers.customer",
            str(i + 1),
            changes,
            actor,
            label,
            request=True,
        )

    def _contact_revealed(self, at: int) -> Event:
        i = self._customer()
        p = self.plan
        contact = p.contact_base[i] + int(self.rng.random() * p.contacts[i])
        actor, label = self._person(p.holder(i))
        changes = {"customer": i + 1, "fields": ["phone"]}
        return Event(
            at,
            "customers.contact_revealed",
            "customers.contact",
            str(contact),
            changes,
            actor,
            label,
            request=True,
        )

    def _access_denied(self, at: int) -> Event:
        i = int(self.rng.random() * self.plan.count)
        team = self.org.teams[int(self.rng.random() * len(self.org.teams))]
        actor, label = self._person(team.managers[0])
        changes = {"action": "view", "reason": "out_of_scope"}
        return Event(
            at, "access.denied", "customer", str(i + 1), changes, actor, label, "denied", request=True
        )
