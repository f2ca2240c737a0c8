"""Who holds a customer: assignment within a team, the public pool (公海), collaborators.

Claims, releases, returns and transfers are audited and written to the ownership history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from baton.audit.services import EventSpec, audit_record, audit_record_many, diff, snapshot
from baton.core import clock
from baton.core.errors import Forbidden, InvalidInput
from baton.customers.models import (
    AssignmentRule,
    Customer,
    CustomerCollaborator,
    FollowUpTask,
    Industry,
    OwnershipChange,
    OwnershipChangeKind,
    Pool,
    PoolKind,
    PoolTierRule,
    Region,
    Tier,
)
from baton.customers.services.customers import pool_for, public_pool_of
from baton.customers.services.handover import handover_guard


def _locked(customer: Customer) -> Customer:
    """The customer, row-locked for the rest of the transaction, with its pool and owner.

    Only the customer row is locked: PostgreSQL refuses FOR UPDATE on the outer join that
    the nullable owner needs.
    """
    return (
        Customer.objects.select_for_update(of=("self",)).select_related("pool", "owner").get(pk=customer.pk)
    )


def _operator(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


def _move(
    *, actor: Any, customer: Customer, kind: str, owner: Any, pool: Pool, reason: str, now: dt.datetime
) -> OwnershipChange:
    change = OwnershipChange.objects.create(
        customer=customer,
        kind=kind,
        occurred_at=now,
        operator=_operator(actor),
        from_owner=customer.owner,
        to_owner=owner,
        from_team_id=customer.team_id,
        to_team_id=pool.team_id,
        from_pool_id=customer.pool_id,
        to_pool=pool,
        reason=reason[:300],
    )
    customer.owner, customer.pool, customer.team_id = owner, pool, pool.team_id
    customer.owned_since = now if owner is not None else None
    customer.return_warned_at = None
    customer.save(update_fields=["owner", "pool", "team", "owned_since", "return_warned_at"])
    return change


def customer_assign(*, actor: Any, customer: Customer, owner: Any, reason: str = "") -> Customer:
    """Give a team-pool customer to a member of that team (a team lead distributing work)."""
    now = clock.now()
    with transaction.atomic():
        customer = _locked(customer)
        if customer.pool.kind == PoolKind.PUBLIC:
            raise InvalidInput(
                _("Customers in the public pool are claimed, not assigned."), code="in_public_pool"
            )
        if owner.team_id != customer.team_id:
            raise InvalidInput(
                fields={"owner": [_("The new owner must be a member of the customer's team.")]}
            )
        before = customer.owner_id
        _move(
            actor=actor,
            customer=customer,
            kind=OwnershipChangeKind.TRANSFERRED,
            owner=owner,
            pool=customer.pool,
            reason=reason,
            now=now,
        )
        audit_record(
            actor=actor,
            action="customers.customer_assigned",
            target=customer,
            changes={"owner": {"before": before, "after": owner.pk}, "reason": reason},
        )
    return customer


def _claim_limits(*, employee: Any, pool: Pool, customer: Customer, now: dt.datetime) -> None:
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    claimed_today = OwnershipChange.objects.filter(
        to_owner=employee, kind=OwnershipChangeKind.CLAIMED, occurred_at__gte=day_start
    ).count()
    if claimed_today >= pool.claim_limit_per_day:
        raise InvalidInput(
            _("You have claimed %(n)d customers today, the daily limit.") % {"n": claimed_today},
            code="claim_limit_reached",
        )
    holding = Customer.objects.filter(owner=employee).count()
    if holding >= pool.max_holding:
        raise InvalidInput(
            _("You already hold %(n)d customers, the most allowed.") % {"n": holding},
            code="holding_limit_reached",
        )
    blocked_since = now - dt.timedelta(days=pool.reclaim_block_days)
    if OwnershipChange.objects.filter(
        customer=customer,
        from_owner=employee,
        kind__in=(OwnershipChangeKind.RELEASED, OwnershipChangeKind.RETURNED),
        occurred_at__gte=blocked_since,
    ).exists():
        raise InvalidInput(
            _("You held this customer until recently; you may claim it again %(days)d days after that.")
            % {"days": pool.reclaim_block_days},
            code="reclaim_blocked",
        )


def customer_claim(*, actor: Any, customer: Customer) -> Customer:
    """Take a customer from the public pool into one's own team pool."""
    handover_guard(actor=actor, what="claim", object_type="customers.customer", object_id=customer.pk)
    employee = getattr(actor, "employee", None)
    if employee is None or not employee.team_id:
        raise Forbidden(_("Only members of a sales team can claim customers."), code="not_in_team")
    team_pool = Pool.objects.filter(team_id=employee.team_id).first()
    if team_pool is None:
        raise InvalidInput(_("Your team has no customer pool."), code="no_team_pool")
    now = clock.now()
    with transaction.atomic():
        customer = _locked(customer)
        if customer.pool.kind != PoolKind.PUBLIC:
            raise InvalidInput(
                _("This customer is not in the public pool any more."), code="not_in_public_pool"
            )
        _claim_limits(employee=employee, pool=customer.pool, customer=customer, now=now)
        _move(
            actor=actor,
            customer=customer,
            kind=OwnershipChangeKind.CLAIMED,
            owner=employee,
            pool=team_pool,
            reason="",
            now=now,
        )
        audit_record(
            actor=actor,
            action="customers.customer_claimed",
            target=customer,
            changes={"owner": employee.pk, "team": employee.team_id},
        )
    return customer


def customer_release(*, actor: Any, customer: Customer, reason: str) -> Customer:
    """Give a customer back to the public pool, with a reason."""
    handover_guard(actor=actor, what="remove", object_type="customers.customer", object_id=customer.pk)
    if not (reason or "").strip():
        raise InvalidInput(fields={"reason": [_("Please say why.")]})
    now = clock.now()
    with transaction.atomic():
        customer = _locked(customer)
        if customer.pool.kind == PoolKind.PUBLIC:
            raise InvalidInput(_("This customer is in the public pool already."), code="in_public_pool")
        before = customer.owner_id
        _move(
            actor=actor,
            customer=customer,
            kind=OwnershipChangeKind.RELEASED,
            owner=None,
            pool=public_pool_of(customer.company),
            reason=reason,
            now=now,
        )
        audit_record(
            actor=actor,
            action="customers.customer_released",
            target=customer,
            changes={"owner": {"before": before, "after": None}, "reason": reason},
        )
    return customer


def collaborator_set(*, actor: Any, customer: Customer, employee: Any, team_role: str | None) -> None:
    """Add a collaborator in a team role, change the role, or remove them (``team_role`` None)."""
    now = clock.now()
    with transaction.atomic():
        existing = CustomerCollaborator.objects.filter(customer=customer, employee=employee).first()
        if team_role is None:
            if existing is None:
                return
            existing.delete()
            kind = OwnershipChangeKind.COLLABORATOR_REMOVED
        else:
            if existing is None:
                CustomerCollaborator.objects.create(customer=customer, employee=employee, team_role=team_role)
            elif existing.team_role != team_role:
                existing.team_role = team_role
                existing.save(update_fields=["team_role"])
            else:
                return
            kind = OwnershipChangeKind.COLLABORATOR_ADDED
        OwnershipChange.objects.create(
            customer=customer,
            kind=kind,
            occurred_at=now,
            operator=_operator(actor),
            collaborator=employee,
            reason=team_role or "",
        )
        audit_record(
            actor=actor,
            action=f"customers.{kind}",
            target=customer,
            changes={"employee": employee.pk, "team_role": team_role},
        )


def _limits(pool: Pool, tier: str, overrides: dict[tuple[int, str], PoolTierRule]) -> tuple[int, int]:
    rule = overrides.get((pool.pk, tier))
    return (rule.follow_up_days, rule.deal_days) if rule else (pool.follow_up_days, pool.deal_days)


def _due_date(customer: Customer, follow_up_days: int, deal_days: int) -> dt.datetime:
    """When the customer goes back to the public pool if nothing happens before."""
    since = customer.owned_since or customer.created_at
    follow_up = max(filter(None, [customer.last_follow_up_at, since]))
    deal_base = max(filter(None, [since, _as_datetime(customer.last_order_at)]))
    return min(follow_up + dt.timedelta(days=follow_up_days), deal_base + dt.timedelta(days=deal_days))


def _as_datetime(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC) if day else None


def _return_candidates(now: dt.datetime) -> Any:
    """Owned team-pool customers that could be due for a warning or a return as of ``now``.

    A conservative SQL pre-filter (shortest limits, longest warning across all pools and tier
    rules), so the job reads only customers near their deadline, not every owned customer;
    the exact rule per pool and tier is applied in Python afterwards.
    """
    pools = list(
        Pool.objects.filter(kind=PoolKind.TEAM).values_list("follow_up_days", "deal_days", "warn_days")
    )
    tiers = list(PoolTierRule.objects.values_list("follow_up_days", "deal_days"))
    if not pools:
        return Customer.objects.none()
    warn = max(p[2] for p in pools)
    follow_up = min([p[0] for p in pools] + [t[0] for t in tiers])
    deal = min([p[1] for p in pools] + [t[1] for t in tiers])
    quiet_since = now - dt.timedelta(days=max(follow_up - warn, 0))
    no_deal_since = now - dt.timedelta(days=max(deal - warn, 0))
    last_contact = Coalesce("last_follow_up_at", "owned_since", "created_at")
    return (
        Customer.objects.filter(owner__isnull=False, pool__kind=PoolKind.TEAM)
        .alias(last_contact=last_contact)
        .filter(
            Q(last_contact__lte=quiet_since)
            | Q(last_order_at__isnull=True)
            | Q(last_order_at__lte=no_deal_since.date())
        )
        .select_related("pool", "owner", "company")
        .order_by("pk")
    )


def pool_returns_run(*, now: dt.datetime) -> dict[str, int]:
    """The public-pool job: warn owners ``warn_days`` before a return, and return customers whose
    time without a follow-up or an order has run out. Running it twice does nothing twice; both
    warnings and returns are audited."""
    overrides = {(r.pool_id, r.tier): r for r in PoolTierRule.objects.all()}
    events: list[EventSpec] = []
    warned = returned = 0
    for customer in _return_candidates(now).iterator(chunk_size=500):
        follow_up_days, deal_days = _limits(customer.pool, customer.tier, overrides)
        due = _due_date(customer, follow_up_days, deal_days)
        if due <= now:
            _return_to_public_pool(customer, due=due, now=now, events=events)
            returned += 1
        elif due - dt.timedelta(days=customer.pool.warn_days) <= now and customer.return_warned_at is None:
            _warn_owner(customer, due=due, now=now, events=events)
            warned += 1
    if events:
        audit_record_many(specs=events)
    return {"warned": warned, "returned": returned}


def _return_to_public_pool(
    customer: Customer, *, due: dt.datetime, now: dt.datetime, events: list[EventSpec]
) -> None:
    owner_id = customer.owner_id
    with transaction.atomic():
        _move(
            actor=None,
            customer=customer,
            kind=OwnershipChangeKind.RETURNED,
            owner=None,
            pool=public_pool_of(customer.company),
            reason="",
            now=now,
        )
    events.append(
        EventSpec(
            action="customers.customer_returned",
            actor_label="system",
            object_type="customers.customer",
            object_id=str(customer.pk),
            changes={"owner": owner_id, "due": due.isoformat()},
        )
    )


def _warn_owner(customer: Customer, *, due: dt.datetime, now: dt.datetime, events: list[EventSpec]) -> None:
    owner = customer.owner
    if owner is None:  # the candidates are owned; this only satisfies the type
        return
    with transaction.atomic():
        task = FollowUpTask.objects.create(
            customer=customer,
            assignee=owner,
            due_at=due,
            created_at=now,
            title=_("Follow up before %(date)s or the customer returns to the public pool")
            % {"date": due.date().isoformat()},
        )
        Customer.objects.filter(pk=customer.pk).update(return_warned_at=now)
    events.append(
        EventSpec(
            action="customers.return_warned",
            actor_label="system",
            object_type="customers.customer",
            object_id=str(customer.pk),
            changes={"owner": customer.owner_id, "due": due.isoformat(), "task": task.pk},
        )
    )


POOL_RULE_FIELDS = (
    "name",
    "follow_up_days",
    "deal_days",
    "warn_days",
    "claim_limit_per_day",
    "max_holding",
    "reclaim_block_days",
)


def _days(field: str, value: Any, *, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise InvalidInput(fields={field: [_("Enter a whole number of at least %(n)d.") % {"n": least}]})
    return value


def pool_update(
    *, actor: Any, pool: Pool, tier_rules: list[dict[str, Any]] | None = None, **fields: Any
) -> Pool:
    """Change a pool's name and its return and claim rules. ``tier_rules`` (a list of
    ``{"tier", "follow_up_days", "deal_days"}``), when given, replaces the per-tier overrides.
    The pool job applies the new rules at its next run; the warning must come before the return."""
    unknown = set(fields) - set(POOL_RULE_FIELDS)
    if unknown:
        raise InvalidInput(fields={n: [_("This field cannot be changed here.")] for n in sorted(unknown)})
    if "name" in fields:
        fields["name"] = str(fields["name"] or "").strip()[:100]
        if not fields["name"]:
            raise InvalidInput(fields={"name": [_("This field is required.")]})
    for field in POOL_RULE_FIELDS[1:]:
        if field in fields:
            least = 1 if field in ("follow_up_days", "deal_days") else 0
            fields[field] = _days(field, fields[field], least=least)
    new_rules: list[tuple[str, int, int]] | None = None
    if tier_rules is not None:
        new_rules = []
        for rule in tier_rules:
            tier = rule.get("tier")
            if tier not in Tier.values or any(tier == r[0] for r in new_rules):
                raise InvalidInput(fields={"tier_rules": [_("Give each tier at most one rule.")]})
            new_rules.append(
                (
                    tier,
                    _days("tier_rules", rule.get("follow_up_days"), least=1),
                    _days("tier_rules", rule.get("deal_days"), least=1),
                )
            )
        new_rules.sort()
    with transaction.atomic():
        pool = Pool.objects.select_for_update().get(pk=pool.pk)
        before = snapshot(pool, POOL_RULE_FIELDS)
        for field, value in fields.items():
            setattr(pool, field, value)
        shortest = min([pool.follow_up_days, *(r[1] for r in new_rules or [])])
        if pool.warn_days >= shortest:
            raise InvalidInput(
                fields={"warn_days": [_("The warning must come before the return (fewer days).")]}
            )
        if fields:
            pool.save(update_fields=list(fields))
        changes: dict[str, Any] = diff(before, snapshot(pool, POOL_RULE_FIELDS))
        if new_rules is not None:
            old_rules = sorted(
                (r.tier, r.follow_up_days, r.deal_days) for r in PoolTierRule.objects.filter(pool=pool)
            )
            if old_rules != new_rules:
                PoolTierRule.objects.filter(pool=pool).delete()
                PoolTierRule.objects.bulk_create(
                    PoolTierRule(pool=pool, tier=t, follow_up_days=f, deal_days=d) for t, f, d in new_rules
                )
                changes["tier_rules"] = {
                    "before": [list(r) for r in old_rules],
                    "after": [list(r) for r in new_rules],
                }
        if changes:
            audit_record(actor=actor, action="customers.pool_changed", target=pool, changes=changes)
    return pool


def rebalance_preview(*, company: Any) -> list[dict[str, Any]]:
    """Customers whose team pool differs from what the assignment rules say today."""
    moves = []
    customers = (
        Customer.objects.filter(company=company).filter(~Q(pool__kind=PoolKind.PUBLIC)).select_related("pool")
    )
    for customer in customers.iterator(chunk_size=500):
        target = pool_for(
            company=company, region=customer.region, industry=customer.industry, tier=customer.tier
        )
        if target is not None and target.pk != customer.pool_id:
            moves.append({"customer": customer, "from_pool": customer.pool, "to_pool": target})
    return moves


RULE_FIELDS = ("priority", "region", "industry", "tier", "pool")


def _rule_values(
    *, company: Any, priority: Any, region: str, industry: str, tier: str, pool: Pool
) -> dict[str, Any]:
    errors: dict[str, list[Any]] = {}
    if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= 10000:
        errors["priority"] = [_("Enter a whole number from 0 to 10000.")]
    for field, value, choices in (
        ("region", region, Region),
        ("industry", industry, Industry),
        ("tier", tier, Tier),
    ):
        if value and value not in choices.values:
            errors[field] = [_("Choose one of the listed values.")]
    if pool.company_id != company.pk or pool.kind != PoolKind.TEAM:
        errors["pool"] = [_("Choose a team pool of this company.")]
    if errors:
        raise InvalidInput(fields=errors)
    return {"priority": priority, "region": region, "industry": industry, "tier": tier, "pool": pool}


def assignment_rule_create(
    *,
    actor: Any,
    company: Any,
    pool: Pool,
    priority: int = 100,
    region: str = "",
    industry: str = "",
    tier: str = "",
) -> AssignmentRule:
    """Add a rule sending new customers of a region, industry and tier to a team pool."""
    values = _rule_values(
        company=company, priority=priority, region=region, industry=industry, tier=tier, pool=pool
    )
    with transaction.atomic():
        rule = AssignmentRule.objects.create(company=company, **values)
        audit_record(
            actor=actor,
            action="customers.assignment_rule_created",
            target=rule,
            changes=diff({}, snapshot(rule, RULE_FIELDS)),
        )
    return rule


def assignment_rule_update(*, actor: Any, rule: AssignmentRule, **changes: Any) -> AssignmentRule:
    """Change a rule; it applies to customers created from now on (see ``rebalance_preview``)."""
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise InvalidInput(fields={n: [_("This field cannot be changed here.")] for n in sorted(unknown)})
    with transaction.atomic():
        rule = (
            AssignmentRule.objects.select_for_update(of=("self",)).select_related("company").get(pk=rule.pk)
        )
        before = snapshot(rule, RULE_FIELDS)
        current: dict[str, Any] = {
            "priority": rule.priority,
            "region": rule.region,
            "industry": rule.industry,
            "tier": rule.tier,
            "pool": rule.pool,
        }
        values = _rule_values(company=rule.company, **(current | changes))
        for field, value in values.items():
            setattr(rule, field, value)
        rule.save()
        changed = diff(before, snapshot(rule, RULE_FIELDS))
        if changed:
            audit_record(
                actor=actor, action="customers.assignment_rule_changed", target=rule, changes=changed
            )
    return rule


def assignment_rule_delete(*, actor: Any, rule: AssignmentRule) -> None:
    with transaction.atomic():
        before = snapshot(rule, RULE_FIELDS)
        pk = rule.pk
        rule.delete()
        audit_record(
            actor=actor,
            action="customers.assignment_rule_deleted",
            object_type="customers.assignmentrule",
            object_id=str(pk),
            changes=diff(before, {}),
        )
