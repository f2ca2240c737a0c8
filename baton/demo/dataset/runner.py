"""Making the dataset, step by step, in one transaction.

Order: the guard; the organisation and accounts; the customer plan; interactions (and tasks);
orders (and statements, contracts, complaints); customers, contacts, collaborators and
ownership history; the audit trail; the company defaults the demo installs (offboarding
checklists and policy, the sensitive-word dictionary); then the secondary indexes are built
again and the tables analysed. Each table's rows and seconds go into the summary.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from baton.core import clock
from baton.demo.dataset import integrity
from baton.demo.dataset.accounts import (
    COLLABORATOR_COLUMNS,
    CONTACT_COLUMNS,
    CUSTOMER_COLUMNS,
    OWNERSHIP_COLUMNS,
    AccountsWriter,
)
from baton.demo.dataset.activity import INTERACTION_COLUMNS, TASK_COLUMNS, ActivityWriter
from baton.demo.dataset.audit import (
    AUDIT_COLUMNS,
    INTERACTION_SHARE,
    ORDER_SHARE,
    AuditPlan,
    AuditWriter,
    bulk_event,
    setup_events,
)
from baton.demo.dataset.commerce import (
    COMPLAINT_COLUMNS,
    CONTRACT_COLUMNS,
    ORDER_COLUMNS,
    RECEIVABLE_COLUMNS,
    CommerceWriter,
    star_shares_check,
)
from baton.demo.dataset.options import DatasetOptions, DatasetRefused
from baton.demo.dataset.org import OrgBuilder, OrgPlan
from baton.demo.dataset.org_write import OrgIds, dataset_password, org_write
from baton.demo.dataset.plan import CustomerPlan, CustomerPlanner
from baton.demo.dataset.sql import (
    BULK_TABLES,
    BulkSession,
    chunked,
    copy_lines,
    indexes_create,
    next_id,
    secondary_indexes_drop,
    sequence_reset,
)
from baton.demo.dataset.timeline import Timeline

# Tables that must be empty: the dataset gives their rows explicit ids from 1.
MUST_BE_EMPTY = ("org_company", "org_employee", "accounts_user", "customers_pool", "customers_customer")
BULK_EVENTS = 10  # one customers.*_bulk_created event per bulk table but the audit trail


@dataclass
class Summary:
    """What was made: rows and seconds per table or step, the facts, the password."""

    steps: list[tuple[str, int | None, float]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    password: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(s for _n, _c, s in self.steps)


def rng_for(seed: int, part: str) -> random.Random:
    """An independent random stream for one part of the dataset."""
    return random.Random(f"baton-dataset:{seed}:{part}")


def guard(cursor: Any) -> None:
    """Refuse anything but an empty PostgreSQL database (migrated, nothing else)."""
    if connection.vendor != "postgresql":
        raise DatasetRefused(
            f"generate_dataset needs PostgreSQL (COPY); this database is {connection.vendor}. "
            "Point DATABASE_URL at a scratch PostgreSQL database."
        )
    full = []
    for table in MUST_BE_EMPTY:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608 - our table names
        if cursor.fetchone()[0]:
            full.append(table)
    if full:
        raise DatasetRefused(
            "generate_dataset only fills an empty database (migrated, no data); this one already "
            f"has rows in {', '.join(full)}. Create a scratch database, migrate it, and run it there."
        )


class Run:
    """One run of the generator (see the module doc for the order of the steps)."""

    def __init__(self, options: DatasetOptions, cursor: Any, log: Callable[[str], None]) -> None:
        self.o, self.cursor, self.log = options, cursor, log
        self.t = Timeline(now=options.now)
        self.summary = Summary(password=dataset_password(options.seed))
        self.first: dict[str, int] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[list[int]]:
        """Time a step; the block appends its row count (if any) to the list it gets."""
        counted: list[int] = []
        started = time.perf_counter()
        yield counted
        seconds = time.perf_counter() - started
        self.summary.steps.append((name, counted[0] if counted else None, seconds))
        self.log(f"{name:<32} {counted[0] if counted else '':>12} {seconds:8.1f} s")

    def copy(self, table: str, columns: tuple[str, ...], chunks: Any) -> int:
        with self.step(table) as counted:
            self.first[table] = next_id(self.cursor, table)
            count = copy_lines(self.cursor, table, columns, chunks)
            sequence_reset(self.cursor, table)
            counted.append(count)
        return count

    def go(self) -> Summary:
        cursor = self.cursor
        with self.step("drop secondary indexes"):
            statements = secondary_indexes_drop(cursor, BULK_TABLES)
        with self.step("organisation and accounts") as counted:
            org = OrgBuilder(
                employees=self.o.employees, rng=rng_for(self.o.seed, "org"), today=self.t.today
            ).build()
            ids = org_write(cursor, org, seed=self.o.seed, now=self.t.now)
            counted.append(len(org.people))
        with self.step("customer plan") as counted:
            planner = CustomerPlanner(
                org=org, options=self.o, timeline=self.t, rng=rng_for(self.o.seed, "customers")
            )
            plan = planner.build()
            counted.append(plan.count)
        pools = {pool: team for team, pool in ids.pool_of_team.items()} | {ids.public_pool: None}
        audit = AuditPlan(total=self.o.audit_events, setup=setup_events(org, pools=pools, timeline=self.t))
        activity_left = max(0, audit.activity - BULK_EVENTS)
        self._activity(plan, org, audit, INTERACTION_SHARE * activity_left)
        self._commerce(plan, org, audit, ORDER_SHARE * activity_left)
        self._accounts(plan, org, ids)
        self._audit(plan, org, audit)
        self._defaults(ids.company)
        with self.step("build secondary indexes") as counted:
            indexes_create(cursor, statements)
            counted.append(len(statements))
        with self.step("analyze"):
            cursor.execute("ANALYZE")
        self._facts(org)
        return self.summary

    def _activity(self, plan: CustomerPlan, org: OrgPlan, audit: AuditPlan, events: float) -> None:
        share = min(1.0, events / max(1, self.o.interactions))
        writer = ActivityWriter(
            plan=plan, org=org, timeline=self.t, rng=rng_for(self.o.seed, "activity"), audit_share=share
        )
        first = next_id(self.cursor, "customers_interaction")
        task = next_id(self.cursor, "customers_followuptask")
        self.copy("customers_interaction", INTERACTION_COLUMNS, writer.chunks(first, task))
        self.copy("customers_followuptask", TASK_COLUMNS, writer.task_chunks())
        audit.interactions = writer.sampled

    def _commerce(self, plan: CustomerPlan, org: OrgPlan, audit: AuditPlan, events: float) -> None:
        share = min(1.0, events / max(1, self.o.orders))
        writer = CommerceWriter(
            plan=plan, timeline=self.t, rng=rng_for(self.o.seed, "commerce"), audit_share=share
        )
        firsts = {
            key: next_id(self.cursor, f"customers_{key}")
            for key in ("order", "receivable", "contract", "complaint")
        }
        self.copy("customers_order", ORDER_COLUMNS, writer.chunks(firsts))
        self.copy("customers_receivable", RECEIVABLE_COLUMNS, chunked(writer.receivables))
        self.copy("customers_contract", CONTRACT_COLUMNS, chunked(writer.contracts))
        self.copy("customers_complaint", COMPLAINT_COLUMNS, chunked(writer.complaints))
        audit.orders = writer.sampled
        shares = star_shares_check(writer)
        self.summary.facts["stars"] = {
            org.person(star).no: str((share * 100).quantize(Decimal("0.01")))
            for star, share in shares.items()
        }

    def _accounts(self, plan: CustomerPlan, org: OrgPlan, ids: OrgIds) -> None:
        writer = AccountsWriter(plan=plan, org=org, ids=ids, timeline=self.t, seed=self.o.seed)
        self.copy("customers_customer", CUSTOMER_COLUMNS, writer.customers())
        self.copy("customers_contact", CONTACT_COLUMNS, writer.contacts())
        collaborators: list[str] = []
        first_change = next_id(self.cursor, "customers_ownershipchange")
        first_collab = next_id(self.cursor, "customers_customercollaborator")
        chunks = writer.ownership(collaborators, first_change, first_collab)
        self.copy("customers_ownershipchange", OWNERSHIP_COLUMNS, chunks)
        self.copy("customers_customercollaborator", COLLABORATOR_COLUMNS, chunked(collaborators))

    def _audit(self, plan: CustomerPlan, org: OrgPlan, audit: AuditPlan) -> None:
        for name, counted, _seconds in list(self.summary.steps):
            model = BULK_AUDIT.get(name)
            if model is not None and counted:
                first = self.first[name]
                audit.setup.append(
                    bulk_event(self.t, f"customers.{model[0]}_bulk_created", model[1], first, counted)
                )
        writer = AuditWriter(
            audit=audit, plan=plan, org=org, timeline=self.t, rng=rng_for(self.o.seed, "audit")
        )
        writer.head_lock()
        first_seq = writer.head_seq + 1
        self.copy("audit_auditevent", AUDIT_COLUMNS, writer.chunks(next_id(self.cursor, "audit_auditevent")))
        writer.head_update()
        self.summary.facts["audit_seqs"] = (first_seq, writer.head_seq)

    def _defaults(self, company: int) -> None:
        """What the demo installs per company: offboarding checklists and policy, the dictionary."""
        from baton.offboarding.selectors import policy_for
        from baton.offboarding.services import templates_install_defaults
        from baton.risk.services_phrases import phrases_install_defaults

        with self.step("company defaults"), clock.frozen_at(self.t.now):
            templates_install_defaults(company_id=company)
            policy_for(company)
            phrases_install_defaults(company_id=company)

    def _facts(self, org: OrgPlan) -> None:
        facts = self.summary.facts
        facts["leaver"] = integrity.leaver_facts(self.cursor, org.leaver.no)
        facts["typical"] = integrity.typical_people(self.cursor)
        facts["now"] = self.t.now.isoformat()
        facts["seed"] = self.o.seed


# bulk table step -> (name in the audit action, object type)
BULK_AUDIT = {
    "customers_interaction": ("interactions", "customers.interaction"),
    "customers_followuptask": ("tasks", "customers.followuptask"),
    "customers_order": ("orders", "customers.order"),
    "customers_receivable": ("receivables", "customers.receivable"),
    "customers_contract": ("contracts", "customers.contract"),
    "customers_complaint": ("complaints", "customers.complaint"),
    "customers_customer": ("customers", "customers.customer"),
    "customers_contact": ("contacts", "customers.contact"),
    "customers_ownershipchange": ("ownership_changes", "customers.ownershipchange"),
    "customers_customercollaborator": ("collaborators", "customers.customercollaborator"),
}


def generate_dataset(options: DatasetOptions, *, log: Callable[[str], None] = lambda _line: None) -> Summary:
    """Fill an empty PostgreSQL database with the dataset ``options`` describe (see the package
    doc). Runs in one transaction: on any error nothing is left behind."""
    options = options.checked()
    with transaction.atomic():
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        guard(cursor)
        with BulkSession(cursor) as session:
            run = Run(options, cursor, log)
            summary = run.go()
        if not session.triggers_off:
            summary.notes.append("not a superuser: foreign keys were checked row by row at commit (slower)")
    return summary
