"""Creating customers: rules choose the pool, duplicates are caught, contacts are protected."""

import pytest

from baton.audit.models import AuditEvent
from baton.core import crypto
from baton.core.errors import InvalidInput
from baton.customers.models import Contact, Customer, OwnershipChange
from baton.customers.services import (
    contact_add,
    contact_remove,
    contact_reveal,
    customer_create,
    customer_update,
)
from baton.customers.services.identity import (
    credit_code_check_char,
    normalize_name,
    normalize_phone,
    validate_credit_code,
)

pytestmark = pytest.mark.django_db


def make_code(first17):
    return first17 + credit_code_check_char(first17)


def test_credit_code_checksum():
    code = make_code("91440101MA5CXXXX0")
    assert validate_credit_code(code.lower()) == code
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(InvalidInput) as exc:
        validate_credit_code(wrong)
    assert "credit_code" in exc.value.fields


@pytest.mark.parametrize("bad", ["123", "91440101MA5CXXXXOI", "９１４４０１０１ＭＡ５ＣＸＸＸＸ０Ｘ"])
def test_malformed_credit_codes_are_refused(bad):
    with pytest.raises(InvalidInput):
        validate_credit_code(bad)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("顺达物流（广州）有限公司", "顺达物流广州"),
        (" 顺达物流(广州) 有限公司 ", "顺达物流广州"),
        ("ABC Trading Co., Ltd.", "abctradingcoltd"),
    ],
)
def test_name_normalisation(raw, expected):
    assert normalize_name(raw) == expected


def test_phone_normalisation():
    assert normalize_phone("+86 138-1234-5678") == "13812345678"


def test_rules_choose_the_team_pool_and_the_creator_owns_it(crm):
    s1101 = crm.org.user("S1101")
    customer = customer_create(
        actor=s1101,
        company=crm.org.company,
        name="东莞长安模具有限公司",
        region="south",
        industry="manufacturing",
        tier="medium",
    )
    assert customer.team == crm.org.teams["south1"] and customer.owner == crm.org.employees["S1101"]
    change = OwnershipChange.objects.get(customer=customer)
    assert change.kind == "assigned" and change.to_owner == crm.org.employees["S1101"]
    assert AuditEvent.objects.filter(action="customers.customer_created", object_id=str(customer.pk)).exists()


def test_salesperson_cannot_create_into_another_teams_pool(crm):
    with pytest.raises(InvalidInput) as exc:
        customer_create(
            actor=crm.org.user("S1101"),
            company=crm.org.company,
            name="深圳福田百货有限公司",
            region="south",
            industry="trade",
            tier="small",
        )
    assert exc.value.code == "outside_scope" and "华南区商贸客户团队" in str(exc.value.message)
    assert not Customer.objects.filter(name="深圳福田百货有限公司").exists()


def test_duplicate_by_name_names_the_owning_team_only(crm):
    with pytest.raises(InvalidInput) as exc:
        customer_create(
            actor=crm.org.user("S1101"),
            company=crm.org.company,
            name="深圳前海商贸 有限公司",
            region="south",
            industry="manufacturing",
            tier="large",
        )
    message = str(exc.value.message)
    assert exc.value.code == "duplicate_customer" and "华南区商贸客户团队" in message
    assert "赵敏" not in message and "S1201" not in message


def test_duplicate_by_credit_code_and_by_contact_phone(crm):
    code = make_code("91440300MA5D12345")
    customer_update(actor=None, customer=crm.customers["c3"], credit_code=code)
    with pytest.raises(InvalidInput):
        customer_create(
            actor=None,
            company=crm.org.company,
            name="完全不同的名字",
            region="south",
            industry="trade",
            tier="small",
            credit_code=code,
        )
    with pytest.raises(InvalidInput):
        customer_create(
            actor=None,
            company=crm.org.company,
            name="另一个名字有限公司",
            region="south",
            industry="trade",
            tier="small",
            contacts=[{"name": "王", "phone": "138 1234 5678"}],
        )


def test_bad_choices_are_refused_and_nothing_is_written(crm):
    before = Customer.objects.count()
    with pytest.raises(InvalidInput) as exc:
        customer_create(
            actor=None, company=crm.org.company, name="某公司", region="mars", industry="trade", tier="small"
        )
    assert "region" in exc.value.fields and Customer.objects.count() == before


def test_contact_phone_is_encrypted_hashed_and_masked(crm):
    contact = Contact.objects.get(customer=crm.customers["c1"])
    assert "13812345678" not in contact.phone_encrypted
    assert contact.phone_masked == "138****5678"
    assert contact.phone_hash == crypto.keyed_hash("13812345678")


def test_reveal_returns_the_number_and_is_audited(crm):
    contact = Contact.objects.get(customer=crm.customers["c1"])
    assert contact_reveal(actor=crm.org.user("S1101"), contact=contact) == {"phone": "13812345678"}
    event = AuditEvent.objects.filter(action="customers.contact_revealed").latest("seq")
    assert event.actor_label == "S1101" and "13812345678" not in str(event.changes)


def test_contact_audit_never_holds_the_clear_number(crm):
    contact_add(actor=None, customer=crm.customers["c2"], name="李", phone="13900001111")
    assert not AuditEvent.objects.filter(changes__icontains="13900001111").exists()


def test_removing_a_contact_keeps_it_with_a_date(crm):
    contact = Contact.objects.get(customer=crm.customers["c1"])
    contact_remove(actor=crm.org.user("S1101"), contact=contact, reason="离职")
    contact.refresh_from_db()
    assert contact.removed_at is not None


def test_bad_phone_is_refused(crm):
    with pytest.raises(InvalidInput) as exc:
        contact_add(actor=None, customer=crm.customers["c2"], name="李", phone="12")
    assert "phone" in exc.value.fields
