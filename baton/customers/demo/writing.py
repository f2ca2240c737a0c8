"""Writing the planned demo to the database in bulk, with its audit trail and learned facts."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from baton.audit.services import diff, snapshot
from baton.customers.demo.data import (
    GIVEN_PINYIN,
    MAIN_CONTACT_TITLES,
    SURNAME_PINYIN,
)
from baton.customers.demo.generators import (
    CompanyIdentity,
    part_rng,
)
from baton.customers.demo.seeder import (
    Seeding,
    _batch_event,
    _event,
    _members,
    _phone,
)
from baton.customers.models import (
    Complaint,
    Contact,
    Contract,
    Customer,
    CustomerCollaborator,
    CustomerStatus,
    Interaction,
    InteractionChannel,
    Order,
    OwnershipChange,
    OwnershipChangeKind,
    Receivable,
    ReceivableStatus,
    Tier,
)
from baton.customers.services.customers import CUSTOMER_FIELDS, customer_create, pool_for
from baton.org.models import TeamRole

# --- Writing -----------------------------------------------------------------------------------


def _insert(s: Seeding) -> None:
    """Everything planned, in bulk, with the customers' last follow-up and order consistent."""
    rng = part_rng(s.ctx.seed, "ownership")
    last_touch: dict[int, dt.datetime] = {}
    for interaction in s.interactions:
        key = id(interaction.customer)
        if key not in last_touch or interaction.occurred_at > last_touch[key]:
            last_touch[key] = interaction.occurred_at
    customers = []
    for plan in s.plans:
        c = plan.customer
        assert c is not None
        c.last_follow_up_at = last_touch.get(id(c))
        orders = s.orders_of.get(id(plan), [])
        c.last_order_at = max((o.order_date for o in orders), default=None)
        customers.append(c)
    Customer.objects.bulk_create(customers)
    for c in customers:
        _event(
            s,
            "customers.customer_created",
            "customers.customer",
            c.pk,
            **diff({}, snapshot(c, CUSTOMER_FIELDS)),
        )

    contacts = [contact for plan in s.plans for contact in plan.contacts]
    Contact.objects.bulk_create(contacts)
    for contact in contacts:
        _event(
            s,
            "customers.contact_added",
            "customers.contact",
            contact.pk,
            customer=contact.customer_id,
            name=contact.name,
            phone=contact.phone_masked,
            is_primary=contact.is_primary,
        )
    _ownership(s, rng)

    _insert_interactions(s)
    _insert_commerce(s)


def _insert_interactions(s: Seeding) -> None:
    """Interactions in time order, with the archive references an import would have given them."""
    s.interactions.sort(key=lambda i: i.occurred_at)
    for n, interaction in enumerate(s.interactions):
        if interaction.channel == InteractionChannel.WECHAT:
            interaction.source_ref = f"wecom-archive:{s.ctx.seed}:{n:06d}"  # company WeChat archive
        elif interaction.channel == InteractionChannel.EMAIL:
            interaction.source_ref = f"<sd{s.ctx.seed}.{n:06d}@mail.shunda-logistics.example>"
    Interaction.objects.bulk_create(s.interactions, batch_size=2000)
    channels = Counter(i.channel for i in s.interactions)
    _batch_event(
        s,
        "customers.interactions_bulk_created",
        "customers.interaction",
        s.interactions,
        by_channel=dict(sorted(channels.items())),
        since=min(i.occurred_at for i in s.interactions),
        until=max(i.occurred_at for i in s.interactions),
    )


def _insert_commerce(s: Seeding) -> None:
    """Orders (numbered per day), statements, contracts and complaints."""
    orders = sorted(
        (o for orders in s.orders_of.values() for o in orders), key=lambda o: (o.order_date, o.created_at)
    )
    per_day: Counter[dt.date] = Counter()
    for order in orders:
        per_day[order.order_date] += 1
        order.number = f"SD{order.order_date:%Y%m%d}{per_day[order.order_date]:04d}"
    Order.objects.bulk_create(orders, batch_size=2000)
    _batch_event(
        s,
        "customers.orders_bulk_created",
        "customers.order",
        orders,
        amount=sum((o.amount for o in orders), Decimal("0")),
        since=orders[0].order_date,
        until=orders[-1].order_date,
    )
    Receivable.objects.bulk_create(s.receivables, batch_size=2000)
    _batch_event(
        s,
        "customers.receivables_bulk_created",
        "customers.receivable",
        s.receivables,
        amount=sum((r.amount for r in s.receivables), Decimal("0")),
        open=sum(1 for r in s.receivables if r.status == ReceivableStatus.OPEN),
    )
    Contract.objects.bulk_create(s.contracts)
    _batch_event(s, "customers.contracts_bulk_created", "customers.contract", s.contracts)
    Complaint.objects.bulk_create(s.complaints)
    _batch_event(s, "customers.complaints_bulk_created", "customers.complaint", s.complaints)


def _ownership(s: Seeding, rng: random.Random) -> None:
    """Ownership history: created into a pool, assigned by the team lead, collaborators added,
    returned or released to the public pool."""
    changes: list[OwnershipChange] = []
    collaborators: list[CustomerCollaborator] = []
    for plan in s.plans:
        c = plan.customer
        assert c is not None and plan.created_at is not None
        team = plan.pool.team if plan.pool is not None else None
        lead_user = getattr(team.lead, "user", None) if team is not None and team.lead is not None else None
        holder = plan.owner or plan.former_owner
        since = plan.owned_since
        assigned_at_creation = holder is not None and since == plan.created_at
        changes.append(
            OwnershipChange(
                customer=c,
                kind=OwnershipChangeKind.ASSIGNED,
                occurred_at=plan.created_at,
                to_owner=holder if assigned_at_creation else None,
                to_team_id=plan.team_id,
                to_pool=plan.pool,
                reason="",
            )
        )
        if holder is not None and since is not None and not assigned_at_creation:
            changes.append(
                OwnershipChange(
                    customer=c,
                    kind=OwnershipChangeKind.TRANSFERRED,
                    occurred_at=since,
                    operator=lead_user,
                    to_owner=holder,
                    from_team_id=plan.team_id,
                    to_team_id=plan.team_id,
                    from_pool=plan.pool,
                    to_pool=plan.pool,
                    reason="团队负责人分配",
                )
            )
        if plan.collaborator is not None and since is not None:
            added = max(since, s.at(900)) + dt.timedelta(days=rng.uniform(1, 60))
            if not plan.left_kind:
                collaborators.append(
                    CustomerCollaborator(customer=c, employee=plan.collaborator, team_role=TeamRole.FOLLOW_UP)
                )
            changes.append(
                OwnershipChange(
                    customer=c,
                    kind=OwnershipChangeKind.COLLABORATOR_ADDED,
                    occurred_at=min(added, s.at(2)),
                    operator=lead_user,
                    collaborator=plan.collaborator,
                    reason=TeamRole.FOLLOW_UP,
                )
            )
        if plan.left_kind and plan.left_at is not None:
            returned = plan.left_kind == OwnershipChangeKind.RETURNED
            changes.append(
                OwnershipChange(
                    customer=c,
                    kind=plan.left_kind,
                    occurred_at=plan.left_at,
                    operator=None if returned else getattr(plan.former_owner, "user", None),
                    from_owner=plan.former_owner,
                    from_team_id=plan.team_id,
                    from_pool=plan.pool,
                    to_pool=s.public,
                    reason="" if returned else rng.choice(RELEASE_REASONS),
                )
            )
    CustomerCollaborator.objects.bulk_create(collaborators)
    OwnershipChange.objects.bulk_create(changes)
    _batch_event(s, "customers.collaborators_bulk_created", "customers.customercollaborator", collaborators)
    _batch_event(s, "customers.ownership_changes_bulk_created", "customers.ownershipchange", changes)


RELEASE_REASONS = (
    "客户已与其他物流公司签订年度合同",
    "客户业务转型，暂无运输需求",
    "联系人离职，暂时无法对接",
    "客户工厂搬迁至外省，不在服务范围",
)


def _new_leads(s: Seeding, identities: list[CompanyIdentity]) -> None:
    """The seeding day's new leads, through ``customer_create`` like any user-entered customer:
    the assignment rules place them, a customer manager of that team owns them."""
    rng = part_rng(s.ctx.seed, "leads")
    for identity in identities:
        tier = rng.choice((Tier.MEDIUM, Tier.SMALL, Tier.SMALL))
        pool = pool_for(company=s.ctx.company, region=identity.region, industry=identity.industry, tier=tier)
        managers = _members(s.ctx, pool.team_id, TeamRole.CUSTOMER_MANAGER) if pool is not None else []
        surname, given = rng.choice(list(SURNAME_PINYIN)), rng.choice(list(GIVEN_PINYIN))
        title = rng.choice(list(MAIN_CONTACT_TITLES))
        customer_create(
            actor=None,
            company=s.ctx.company,
            name=identity.name,
            region=identity.region,
            industry=identity.industry,
            tier=tier,
            credit_code=identity.credit_code,
            address=identity.address,
            status=CustomerStatus.PROSPECT,
            source=rng.choice(("官网咨询", "展会", "电话开发")),
            owner=rng.choice(managers) if managers else None,
            contacts=[
                {
                    "name": surname + given,
                    "title": title,
                    "phone": _phone(s, rng),
                    "wechat_id": f"{SURNAME_PINYIN[surname]}{GIVEN_PINYIN[given]}",
                    "email": f"{GIVEN_PINYIN[given]}.{SURNAME_PINYIN[surname]}@{identity.domain}",
                    "is_primary": True,
                }
            ],
        )


def _learn_facts(s: Seeding) -> None:
    """Run the fact extractor (through the service, which audits each fact) over every
    interaction of the key accounts and of S1101's customers, oldest first."""
    from baton.customers.services import facts_extract

    keys = {id(p.customer) for p in s.plans if p.key} | {id(p.customer) for p in s.story()}
    for interaction in s.interactions:  # sorted by time in _insert
        if id(interaction.customer) in keys and interaction.content:
            facts_extract(interaction=interaction)
