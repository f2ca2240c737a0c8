"""Interactions and follow-up tasks, customer by customer.

Each customer's interactions fall between the day it was owned (or created; at most 15 months
ago) and its planned last follow-up, on working days five times as often as on weekends (when
they are mostly WeChat), in working hours Shanghai time. The owner (or former owner) logs most;
the collaborator about a third when there is one; the team lead some on key accounts. The last
one is the owner's, on the planned day, so ``last_follow_up_at`` matches what the pool-return job
expects. Salespeople in ``plan.fading`` log nothing in their last week (R1).

Tasks: a quarter of the served customers have a done task from an interaction's next step; some
have an open one (a few overdue), and every one of the leaver's customers has an open task for
the leaver.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from baton.demo.dataset.draws import between
from baton.demo.dataset.org import OrgPlan
from baton.demo.dataset.plan import KEY, LEAVER, PUBLIC, CustomerPlan
from baton.demo.dataset.sql import NULL, chunked, escape
from baton.demo.dataset.texts import TASK_TITLES, interaction_banks
from baton.demo.dataset.timeline import (
    DAY,
    EVENING_END,
    EVENING_START,
    TIMES_OF_DAY,
    WORK_END,
    WORK_START,
    Timeline,
)

INTERACTION_COLUMNS = (
    "id",
    "customer_id",
    "contact_id",
    "employee_id",
    "occurred_at",
    "created_at",
    "channel",
    "direction",
    "duration_seconds",
    "content",
    "next_step",
    "source_ref",
)
TASK_COLUMNS = (
    "id",
    "customer_id",
    "assignee_id",
    "title",
    "due_at",
    "done_at",
    "interaction_id",
    "created_at",
)
CHUNK = 20_000
DONE_TASK_SHARE = 0.25
OPEN_TASK_SHARE = 0.06


class ActivityWriter:
    """Yields interaction lines in chunks; collects the task lines on the way."""

    def __init__(
        self, *, plan: CustomerPlan, org: OrgPlan, timeline: Timeline, rng: random.Random, audit_share: float
    ) -> None:
        self.plan, self.org, self.t, self.rng = plan, org, timeline, rng
        # Interactions whose audit event is written: (recorded at, id, customer, employee, channel).
        self.audit_share = audit_share
        self.sample_rng = random.Random(rng.random())
        self.sampled: list[tuple[int, int, int, int, str]] = []
        self.weekday, self.weekend = interaction_banks(rng)
        self.day_text = [timeline.day(timeline.epoch_of(d)) + " " for d in range(timeline.last + 1)]
        self.tasks: list[str] = []
        self.task_id = 1
        self.interaction_id = 1
        self.titles = [escape(title) for title in TASK_TITLES]

    def chunks(self, first_id: int, first_task_id: int) -> Iterator[list[str]]:
        self.interaction_id, self.task_id = first_id, first_task_id
        lines: list[str] = []
        p = self.plan
        for i in range(p.count):
            if p.n_interactions[i]:
                self._customer(i, lines)
                if len(lines) >= CHUNK:
                    yield lines
                    lines = []
        yield lines

    def _customer(self, i: int, lines: list[str]) -> None:
        p, t, rnd = self.plan, self.t, self.rng.random
        n = p.n_interactions[i]
        holder, collab, flags = p.holder(i), p.collab[i], p.flags[i]
        lead = self.org.teams[p.team[i] - 1].lead if flags & KEY and p.team[i] else 0
        end = max(t.last - p.follow_up_ago[i], 0)
        start = min(t.index_of(max(p.owned_since[i] or p.created[i], t.ago(t.last))), end)
        days = sorted(t.weighted_day(self.rng, start, end) for _k in range(n - 1))
        days.append(end)
        base, contacts = p.contact_base[i], p.contacts[i]
        weekday, weekend, day_text, weekends = self.weekday, self.weekend, self.day_text, t.weekend
        cid = i + 1
        first = self.interaction_id
        sample, share = self.sample_rng.random, self.audit_share
        latest = 0  # the time of day of the last follow-up, on the day ``end``
        for k, d in enumerate(days):
            r = rnd()
            if k == n - 1 or not (collab or lead):
                who = holder
            elif collab and r < 0.35:
                who = collab
            elif lead and r > 0.94:
                who = lead
            else:
                who = holder
            if weekends[d]:
                tail = weekend[int(rnd() * 1024)]
                if tail[0] == "w" and d < end and rnd() < 0.2:  # WeChat in the evening
                    tod = EVENING_START + int(rnd() * (EVENING_END - EVENING_START))
                else:
                    tod = WORK_START + int(rnd() * (WORK_END - WORK_START))
            else:
                tail = weekday[int(rnd() * 4096)]
                tod = WORK_START + int(rnd() * (WORK_END - WORK_START))
            if d == end and tod > latest:
                latest = tod
            contact = base if r < 0.7 or contacts == 1 else base + int(rnd() * contacts)
            text = day_text[d]
            recorded = tod + 60 + int(r * 14_000)
            lines.append(
                f"{first + k}\t{cid}\t{contact}\t{who}\t{text}{TIMES_OF_DAY[tod]}\t"
                f"{text}{TIMES_OF_DAY[recorded]}\t{tail}"
            )
            if sample() < share:  # this one's audit event (customers.interaction_recorded)
                self.sampled.append(
                    (t.epoch_of(d) * DAY + recorded, first + k, cid, who, tail[: tail.index("\t")])
                )
        self.interaction_id = first + n
        last_moment = t.epoch_of(end) * DAY + latest
        p.last_follow_up[i] = last_moment
        if holder and not flags & PUBLIC:
            self._tasks(i, days, first, last_moment)

    def _tasks(self, i: int, days: list[int], first: int, last_moment: int) -> None:
        """A done task from an earlier interaction (sometimes), an open one (sometimes; always for
        the leaver's customers)."""
        p, t, rng = self.plan, self.t, self.rng
        owner = p.owner[i]
        if rng.random() < DONE_TASK_SHARE:
            k = int(rng.random() * len(days))
            created = t.epoch_of(days[k]) * DAY + WORK_END
            done = min(created + between(rng.random, 1, 3) * DAY, t.now_s - 3600)
            self._task(i, owner, created + 3 * DAY, t.stamp(done), first + k, created)
        if p.flags[i] & LEAVER or rng.random() < OPEN_TASK_SHARE:
            due = t.now_s + between(rng.random, -5, 14) * DAY
            self._task(i, owner, due, NULL, first + len(days) - 1, last_moment + 600)

    def _task(self, i: int, assignee: int, due: int, done: str, interaction: int, created: int) -> None:
        title = self.titles[int(self.rng.random() * len(self.titles))]
        t = self.t
        self.tasks.append(
            f"{self.task_id}\t{i + 1}\t{assignee}\t{title}\t{t.stamp(due)}\t{done}\t{interaction}\t"
            f"{t.stamp(min(created, t.now_s - 60))}\n"
        )
        self.task_id += 1

    def task_chunks(self) -> Iterator[list[str]]:
        return chunked(self.tasks)
