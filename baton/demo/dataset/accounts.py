"""Customer accounts and what hangs on them: the customers themselves, their contacts, their
collaborators and the history of their ownership.

Customers are written after their interactions and orders, so ``last_follow_up_at`` and
``last_order_at`` are exactly those of the rows written before (the foreign keys are checked at
commit, or proven afterwards by ``integrity.orphans``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator

from baton.customers.demo.data import SOURCES
from baton.customers.demo.writing import RELEASE_REASONS
from baton.customers.models import OwnershipChangeKind
from baton.demo.dataset.draws import between, pick
from baton.demo.dataset.identities import Identities, phone_stored
from baton.demo.dataset.org import OrgPlan
from baton.demo.dataset.org_write import OrgIds
from baton.demo.dataset.plan import (
    CHURN,
    INDUSTRIES,
    KEY,
    PUBLIC,
    REGION_OF_CITY,
    RETURNED,
    STATUSES,
    TIERS,
    VEHICLE_NAMES,
    CustomerPlan,
)
from baton.demo.dataset.sql import NULL, escape
from baton.demo.dataset.timeline import DAY, Timeline
from baton.org.models import TeamRole

CUSTOMER_COLUMNS = (
    "id",
    "company_id",
    "name",
    "normalized_name",
    "credit_code",
    "region",
    "industry",
    "tier",
    "is_key_account",
    "address",
    "status",
    "pool_id",
    "team_id",
    "owner_id",
    "tags",
    "source",
    "created_at",
    "last_follow_up_at",
    "last_order_at",
    "owned_since",
    "return_warned_at",
)
CONTACT_COLUMNS = (
    "id",
    "customer_id",
    "name",
    "title",
    "phone_encrypted",
    "phone_hash",
    "phone_masked",
    "wechat_id",
    "email",
    "is_primary",
    "created_at",
    "removed_at",
)
COLLABORATOR_COLUMNS = ("id", "customer_id", "employee_id", "team_role")
OWNERSHIP_COLUMNS = (
    "id",
    "customer_id",
    "kind",
    "occurred_at",
    "operator_id",
    "from_owner_id",
    "to_owner_id",
    "from_team_id",
    "to_team_id",
    "from_pool_id",
    "to_pool_id",
    "collaborator_id",
    "reason",
)
CHUNK = 20_000
WECHAT_CHARS = "abcdefghijkmnpqrstuvwxyz0123456789"


def _id(value: int) -> str:
    return str(value) if value else NULL


class AccountsWriter:
    """Yields the COPY lines of customers, contacts, collaborators and ownership changes."""

    def __init__(
        self, *, plan: CustomerPlan, org: OrgPlan, ids: OrgIds, timeline: Timeline, seed: int
    ) -> None:
        self.plan, self.org, self.ids, self.t = plan, org, ids, timeline
        self.identities = Identities(seed=seed, rng=random.Random(f"baton-dataset:{seed}:identities"))
        self.domains: list[str] = []
        self.rng = random.Random(f"baton-dataset:{seed}:accounts")
        self._tag_cache: dict[tuple[bool, int, int], str] = {}

    def _pool(self, i: int) -> int:
        p = self.plan
        return (
            self.ids.public_pool if p.flags[i] & PUBLIC or not p.team[i] else self.ids.pool_of_team[p.team[i]]
        )

    def _tags(self, key: bool, vehicle: int, terms: int) -> str:
        """The tags column (JSON): 重点客户, 冷链 or 危险品, and the payment terms."""
        cache_key = (key, vehicle, terms)
        text = self._tag_cache.get(cache_key)
        if text is None:
            name = VEHICLE_NAMES[vehicle]
            tags = (["重点客户"] if key else []) + (
                ["冷链"] if name == "冷藏车" else ["危险品"] if name == "危险品车" else []
            )
            tags.append(f"月结{terms}天")
            text = self._tag_cache[cache_key] = escape(json.dumps(tags, ensure_ascii=False))
        return text

    def customers(self) -> Iterator[list[str]]:
        p, t, rnd = self.plan, self.t, self.rng.random
        lines: list[str] = []
        company = self.ids.company
        for i in range(p.count):
            name, normalized, code, address, domain = self.identities.company(i + 1, p.city[i], p.industry[i])
            self.domains.append(domain)
            flags, owner = p.flags[i], p.owner[i]
            tags = self._tags(bool(flags & KEY), p.vehicle[i], p.terms[i])
            follow, order = p.last_follow_up[i], p.last_order[i]
            # Names and addresses are made of the word lists, which hold no tab, newline or
            # backslash: they go into the COPY text as they are.
            lines.append(
                f"{i + 1}\t{company}\t{name}\t{normalized}\t{code}\t"
                f"{REGION_OF_CITY[p.city[i]]}\t{INDUSTRIES[p.industry[i]]}\t{TIERS[p.tier[i]]}\t"
                f"{'t' if flags & KEY else 'f'}\t{address}\t{STATUSES[p.status[i]]}\t{self._pool(i)}\t"
                f"{_id(0 if flags & PUBLIC else p.team[i])}\t{_id(owner)}\t"
                f"{tags}\t{pick(rnd, SOURCES)}\t{t.stamp(p.created[i])}\t"
                f"{t.stamp(follow) if follow else NULL}\t{t.day(order) if order >= 0 else NULL}\t"
                f"{t.stamp(p.owned_since[i]) if owner else NULL}\t{NULL}\n"
            )
            if len(lines) >= CHUNK:
                yield lines
                lines = []
        yield lines

    def contacts(self) -> Iterator[list[str]]:
        """One to three contacts per customer (three at large ones, with the 总经理)."""
        p, t, rng, ident = self.plan, self.t, self.rng, self.identities
        rnd = rng.random
        lines: list[str] = []
        for i in range(p.count):
            base, created, churn = p.contact_base[i], p.created[i], p.flags[i] & CHURN
            for k, (name, title, spy, gpy) in enumerate(ident.people(p.contacts[i], large=p.tier[i] == 0)):
                contact = base + k
                phone = ident.phone(contact)
                encrypted, hashed, masked = phone_stored(phone)
                choice = rng.random()
                if choice < 0.25:
                    wechat = f"{spy}{gpy}{between(rnd, 10, 99)}"
                elif choice < 0.5:
                    wechat = f"{spy}_{gpy}"
                elif choice < 0.75:
                    wechat = "wxid_" + "".join(rng.choices(WECHAT_CHARS, k=14))
                else:
                    wechat = phone
                email = f"{gpy}.{spy}@{self.domains[i]}" if rng.random() < 0.8 else ""
                # Later contacts arrived 20–900 days after the customer, but not in the last five
                # weeks: recent contact changes are the key accounts' churn (R6) only.
                latest = min(created + 900 * DAY, t.ago(35))
                added = (
                    created
                    if k == 0 or latest < created + 20 * DAY
                    else between(rnd, created + 20 * DAY, latest)
                )
                removed = NULL
                if churn and k == 1:  # a key account's contacts change (R6)
                    removed = t.stamp(t.ago(between(rnd, 3, 25)))
                elif churn and k == 2:
                    added = t.ago(between(rnd, 2, 25))
                lines.append(
                    f"{contact}\t{i + 1}\t{name}\t{title}\t{encrypted}\t{hashed}\t{masked}\t{wechat}\t"
                    f"{email}\t"
                    f"{'t' if k == 0 else 'f'}\t{t.stamp(added)}\t{removed}\n"
                )
            if len(lines) >= CHUNK:
                yield lines
                lines = []
        yield lines

    def ownership(
        self, collaborators: list[str], first_change: int, first_collaborator: int
    ) -> Iterator[list[str]]:
        """The history of every customer's ownership; the current collaborators on the way."""
        p, t, rng = self.plan, self.t, self.rng
        lines: list[str] = []
        pk, collab_pk = first_change, first_collaborator
        public = self.ids.public_pool
        for i in range(p.count):
            cid, flags, holder, team = i + 1, p.flags[i], p.holder(i), p.team[i]
            pool = self.ids.pool_of_team[team] if team else public
            lead = self.org.teams[team - 1].lead if team else 0
            since, created = p.owned_since[i], p.created[i]
            at_creation = holder and since == created
            rows = [("assigned", created, 0, 0, holder if at_creation else 0, 0, team, 0, pool, 0, "")]
            if holder and not at_creation:
                rows.append(
                    ("transferred", since, lead, 0, holder, team, team, pool, pool, 0, "团队负责人分配")
                )
            collab = p.collab[i]
            if collab:
                added = min(max(since, t.ago(900)) + int((1 + 59 * rng.random()) * DAY), t.ago(2))
                rows.append(("collaborator_added", added, lead, 0, 0, 0, 0, 0, 0, collab, TeamRole.FOLLOW_UP))
                if not flags & PUBLIC:
                    collaborators.append(f"{collab_pk}\t{cid}\t{collab}\t{TeamRole.FOLLOW_UP}\n")
                    collab_pk += 1
            if flags & PUBLIC and holder:
                returned = bool(flags & RETURNED)
                kind = str(OwnershipChangeKind.RETURNED if returned else OwnershipChangeKind.RELEASED)
                reason = "" if returned else rng.choice(RELEASE_REASONS)
                rows.append(
                    (
                        kind,
                        p.left_at[i],
                        0 if returned else holder,
                        holder,
                        0,
                        team,
                        0,
                        pool,
                        public,
                        0,
                        reason,
                    )
                )
            for kind, at, operator, f_owner, t_owner, f_team, t_team, f_pool, t_pool, who, reason in rows:
                lines.append(
                    f"{pk}\t{cid}\t{kind}\t{t.stamp(at)}\t{_id(operator)}\t{_id(f_owner)}\t{_id(t_owner)}\t"
                    f"{_id(f_team)}\t{_id(t_team)}\t{_id(f_pool)}\t{_id(t_pool)}\t{_id(who)}\t{reason}\n"
                )
                pk += 1
            if len(lines) >= CHUNK:
                yield lines
                lines = []
        yield lines
