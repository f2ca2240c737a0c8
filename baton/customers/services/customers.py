"""Creating and changing customers and their contacts. Every write is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from baton.audit.services import audit_record, diff, snapshot
from baton.authz.services import access_denied_record
from baton.core import clock, crypto
from baton.core.errors import InvalidInput
from baton.core.masking import mask_phone
from baton.customers.models import (
    AssignmentRule,
    Contact,
    Customer,
    CustomerStatus,
    Industry,
    OwnershipChange,
    OwnershipChangeKind,
    Pool,
    PoolKind,
    Region,
    Tier,
)
from baton.customers.services.handover import handover_guard
from baton.customers.services.identity import normalize_name, normalize_phone, validate_credit_code
from baton.risk.models import AccessKind
from baton.risk.services import risk_event
from baton.risk.services_access import access_count

CUSTOMER_FIELDS = (
    "name",
    "credit_code",
    "region",
    "industry",
    "tier",
    "is_key_account",
    "address",
    "status",
    "pool",
    "team",
    "owner",
    "tags",
    "source",
)
EDITABLE_FIELDS = frozenset(
    {
        "name",
        "credit_code",
        "region",
        "industry",
        "tier",
        "is_key_account",
        "address",
        "status",
        "tags",
        "source",
    }
)


def _choice(field: str, value: str, choices: Any) -> str:
    if value not in choices.values:
        raise InvalidInput(fields={field: [_("Choose one of the listed values.")]})
    return value


def public_pool_of(company: Any) -> Pool:
    pool, _created = Pool.objects.get_or_create(
        company=company, kind=PoolKind.PUBLIC, defaults={"name": _("Public pool (公海)")}
    )
    return pool


def pool_for(*, company: Any, region: str, industry: str, tier: str) -> Pool | None:
    """The team pool the assignment rules give a customer of this region, industry and tier."""
    for rule in (
        AssignmentRule.objects.filter(company=company).select_related("pool").order_by("priority", "id")
    ):
        if (
            (not rule.region or rule.region == region)
            and (not rule.industry or rule.industry == industry)
            and (not rule.tier or rule.tier == tier)
        ):
            return rule.pool
    return None


def customer_duplicates(
    *,
    company: Any,
    name: str,
    credit_code: str = "",
    phones: tuple[str, ...] = (),
    exclude_pk: int | None = None,
) -> list[Customer]:
    """Existing customers that look like the same company: same credit code, same
    normalised name, or a contact with the same phone number."""
    q = Q(normalized_name=normalize_name(name))
    if credit_code:
        q |= Q(credit_code=credit_code)
    hashes = [crypto.keyed_hash(normalize_phone(p)) for p in phones if normalize_phone(p)]
    if hashes:
        q |= Q(contacts__phone_hash__in=hashes, contacts__removed_at__isnull=True)
    found = Customer.objects.filter(company=company).filter(q).select_related("team").distinct()
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return list(found[:5])


def duplicate_error(matches: list[Customer]) -> InvalidInput:
    """Name only the owning team (or the public pool), never details of the existing record."""
    team = matches[0].team
    where = team.name if team is not None else _("the public pool (公海)")
    return InvalidInput(
        _("This customer seems to exist already; it belongs to %(where)s. Ask there instead.")
        % {"where": where},
        code="duplicate_customer",
        fields={"name": [_("Possible duplicate.")]},
    )


def _in_scope(actor: Any, customer: Customer, action: str) -> bool:
    if getattr(actor, "pk", None) is None:
        return True
    from baton.customers.selectors import customers_visible_to

    return customers_visible_to(user=actor, action=action).filter(pk=customer.pk).exists()


def _actor_employee(actor: Any) -> Any:
    return getattr(actor, "employee", None) if getattr(actor, "pk", None) is not None else None


def customer_create(
    *,
    actor: Any,
    company: Any,
    name: str,
    region: str,
    industry: str,
    tier: str,
    credit_code: str = "",
    is_key_account: bool = False,
    address: str = "",
    status: str = CustomerStatus.PROSPECT,
    tags: list[str] | None = None,
    source: str = "",
    owner: Any = None,
    contacts: list[dict[str, Any]] | None = None,
) -> Customer:
    """Add a customer. The assignment rules choose its team pool (else the creator's team, else
    the public pool); the creator owns it when they are in that team. Refused as a duplicate
    when the credit code, normalised name or a contact phone is known already."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(fields={"name": [_("This field is required.")]})
    credit_code = validate_credit_code(credit_code)
    _choice("region", region, Region)
    _choice("industry", industry, Industry)
    _choice("tier", tier, Tier)
    _choice("status", status, CustomerStatus)
    contacts = contacts or []
    phones = tuple(c.get("phone", "") for c in contacts)
    now = clock.now()
    employee = owner or _actor_employee(actor)
    refused = False
    with transaction.atomic():
        matches = customer_duplicates(company=company, name=name, credit_code=credit_code, phones=phones)
        if matches:
            raise duplicate_error(matches)
        pool, owner_here = _placement(
            company=company, region=region, industry=industry, tier=tier, employee=employee
        )
        customer = Customer.objects.create(
            company=company,
            name=name,
            normalized_name=normalize_name(name),
            credit_code=credit_code,
            region=region,
            industry=industry,
            tier=tier,
            is_key_account=is_key_account,
            address=address,
            status=status,
            tags=tags or [],
            source=source,
            pool=pool,
            team_id=pool.team_id,
            owner=owner_here,
            created_at=now,
            owned_since=now if owner_here else None,
        )
        _record_creation(actor=actor, customer=customer, now=now)
        for contact in contacts:
            contact_add(actor=actor, customer=customer, **contact)
        if not _in_scope(actor, customer, "create"):
            transaction.set_rollback(True)
            refused = True
    if refused:
        raise _refuse_outside_scope(actor=actor, pool=pool)
    return customer


def _record_creation(*, actor: Any, customer: Customer, now: Any) -> None:
    """The first line of the ownership history, and the audit event, of a new customer."""
    OwnershipChange.objects.create(
        customer=customer,
        kind=OwnershipChangeKind.ASSIGNED,
        occurred_at=now,
        operator=actor if getattr(actor, "pk", None) else None,
        to_owner=customer.owner,
        to_team_id=customer.team_id,
        to_pool=customer.pool,
        reason="",
    )
    audit_record(
        actor=actor,
        action="customers.customer_created",
        target=customer,
        changes=diff({}, snapshot(customer, CUSTOMER_FIELDS)),
    )


def _placement(*, company: Any, region: str, industry: str, tier: str, employee: Any) -> tuple[Pool, Any]:
    """Where a new customer goes: the team pool the assignment rules name, else the creator's
    team pool, else the public pool; the creator owns it only inside their own team."""
    pool = pool_for(company=company, region=region, industry=industry, tier=tier)
    if pool is None and employee is not None and employee.team_id:
        pool = Pool.objects.filter(team_id=employee.team_id).first()
    pool = pool or public_pool_of(company)
    in_team = employee is not None and pool.team_id and employee.team_id == pool.team_id
    return pool, employee if in_team else None


def _refuse_outside_scope(*, actor: Any, pool: Pool) -> InvalidInput:
    """The rules put the customer where the creator may not create: say which team to ask."""
    access_denied_record(user=actor, resource="customer", action="create", reason="out_of_scope")
    where = pool.team.name if pool.team is not None else _("the public pool (公海)")
    return InvalidInput(
        _("By the assignment rules this customer belongs to %(where)s; ask its team lead to add it.")
        % {"where": where},
        code="outside_scope",
    )


def customer_update(*, actor: Any, customer: Customer, **changes: Any) -> Customer:
    """Change a customer's details (ownership changes go through the pool services)."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput(fields={n: [_("This field cannot be changed here.")] for n in sorted(unknown)})
    for field, choices in (
        ("region", Region),
        ("industry", Industry),
        ("tier", Tier),
        ("status", CustomerStatus),
    ):
        if field in changes:
            _choice(field, changes[field], choices)
    if "credit_code" in changes:
        changes["credit_code"] = validate_credit_code(changes["credit_code"])
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if "name" in changes or changes.get("credit_code"):
            matches = customer_duplicates(
                company=customer.company,
                name=changes.get("name", customer.name),
                credit_code=changes.get("credit_code", ""),
                exclude_pk=customer.pk,
            )
            if matches:
                raise duplicate_error(matches)
        before = snapshot(customer, CUSTOMER_FIELDS)
        for field, value in changes.items():
            setattr(customer, field, value)
        customer.normalized_name = normalize_name(customer.name)
        customer.save()
        changed = diff(before, snapshot(customer, CUSTOMER_FIELDS))
        if changed:
            audit_record(actor=actor, action="customers.customer_changed", target=customer, changes=changed)
    return customer


def contact_add(
    *,
    actor: Any,
    customer: Customer,
    name: str,
    title: str = "",
    phone: str = "",
    wechat_id: str = "",
    email: str = "",
    is_primary: bool = False,
) -> Contact:
    """Add a contact; the phone number is stored encrypted, hashed and masked."""
    if not (name or "").strip():
        raise InvalidInput(fields={"name": [_("This field is required.")]})
    digits = normalize_phone(phone)
    if phone and not 7 <= len(digits) <= 15:
        raise InvalidInput(fields={"phone": [_("Enter a phone number of 7 to 15 digits.")]})
    with transaction.atomic():
        if is_primary:
            Contact.objects.filter(customer=customer, is_primary=True).update(is_primary=False)
        contact = Contact.objects.create(
            customer=customer,
            name=name.strip(),
            title=title,
            wechat_id=wechat_id.strip(),
            email=email.strip().lower(),
            is_primary=is_primary,
            created_at=clock.now(),
            phone_encrypted=crypto.encrypt(digits, associated="contact.phone") if digits else "",
            phone_hash=crypto.keyed_hash(digits) if digits else "",
            phone_masked=mask_phone(digits) if digits else "",
        )
        audit_record(
            actor=actor,
            action="customers.contact_added",
            target=contact,
            changes={
                "customer": customer.pk,
                "name": contact.name,
                "phone": contact.phone_masked,
                "is_primary": is_primary,
            },
        )
        # Early warning (R6) after commit; robust: a failing rule is logged, the contact stands.
        payload = {"customer_id": customer.pk, "contact_id": contact.pk, "is_primary": is_primary}
        transaction.on_commit(
            lambda: risk_event(event="contact_added", company_id=customer.company_id, payload=payload),
            robust=True,
        )
    return contact


def contact_remove(*, actor: Any, contact: Contact, reason: str = "") -> Contact:
    """Mark a contact as removed (kept for the history; R6 watches main-contact removals)."""
    handover_guard(actor=actor, what="remove", object_type="customers.contact", object_id=contact.pk)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.removed_at is not None:
            return contact
        contact.removed_at = clock.now()
        contact.save(update_fields=["removed_at"])
        audit_record(
            actor=actor,
            action="customers.contact_removed",
            target=contact,
            changes={"customer": contact.customer_id, "was_primary": contact.is_primary, "reason": reason},
        )
        company_id = contact.customer.company_id
        payload = {
            "customer_id": contact.customer_id,
            "contact_id": contact.pk,
            "was_primary": contact.is_primary,
        }
        transaction.on_commit(
            lambda: risk_event(event="contact_removed", company_id=company_id, payload=payload),
            robust=True,
        )
    return contact


def contact_reveal(*, actor: Any, contact: Contact) -> dict[str, str]:
    """The contact's phone number in clear, for someone allowed to reveal it. Audited."""
    handover_guard(actor=actor, what="reveal", object_type="customers.contact", object_id=contact.pk)
    phone = (
        crypto.decrypt(contact.phone_encrypted, associated="contact.phone") if contact.phone_encrypted else ""
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="customers.contact_revealed",
            target=contact,
            changes={"customer": contact.customer_id, "fields": ["phone"]},
        )
        access_count(user=actor, kind=AccessKind.FIELD_REVEAL)  # R8
    return {"phone": phone}
