"""The benchmark dataset (``manage.py generate_dataset``) at a small scale.

The module generates the dataset twice in one transaction (rolled back to a savepoint between
the two, and entirely at the end) and compares checksums of the tables; the tests then look at
the second generation: counts, the audit chain, the data scopes of the people the benchmark acts
as, the leaver's open work, and what the early-warning rules find.
"""

import io

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test import override_settings

from baton.accounts.models import User
from baton.audit.models import AuditEvent
from baton.audit.selectors import audit_verify
from baton.core import crypto
from baton.core.masking import mask_phone
from baton.customers.models import Contact, Customer, FollowUpTask, Interaction, Order
from baton.customers.selectors import customers_visible_to
from baton.customers.services.identity import normalize_name, validate_credit_code
from baton.demo.dataset import DatasetOptions, generate_dataset, integrity
from baton.demo.dataset.options import DatasetRefused
from baton.demo.dataset.org_write import dataset_password
from baton.org.models import Company, Department, Employee, Team

SCALE = {"employees": 60, "customers": 2000, "interactions": 20_000, "orders": 4000, "audit_events": 2000}
LEAVER_CUSTOMERS = 300  # more than any other salesperson holds at this scale
# Columns left out of the checksum: the phone ciphertext has a random nonce, like the app's.
UNSTABLE = {"customers_contact": {"phone_encrypted"}}
CHECKED_TABLES = (
    "org_department",
    "org_team",
    "org_employee",
    "accounts_user",
    "authz_roleassignment",
    "customers_pool",
    "customers_assignmentrule",
    "customers_customer",
    "customers_contact",
    "customers_customercollaborator",
    "customers_ownershipchange",
    "customers_interaction",
    "customers_followuptask",
    "customers_order",
    "customers_receivable",
    "customers_contract",
    "customers_complaint",
)


def options(**more):
    return DatasetOptions(**SCALE, leaver_customers=LEAVER_CUSTOMERS, **more)


def checksum(seqs):
    """One digest per table of every row (in id order), and of the dataset's audit events."""
    sums = {}
    with connection.cursor() as cur:
        for table in CHECKED_TABLES:
            cur.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "ORDER BY ordinal_position",
                [table],
            )
            columns = [c for (c,) in cur.fetchall() if c not in UNSTABLE.get(table, set())]
            cur.execute(f"SELECT md5(string_agg(({', '.join(columns)})::text, '|' ORDER BY id)) FROM {table}")
            sums[table] = cur.fetchone()[0]
        cur.execute(
            "SELECT md5(string_agg((seq, occurred_at, actor_id, action, object_id, changes, hash)::text, '|' "
            "ORDER BY seq)) FROM audit_auditevent WHERE seq BETWEEN %s AND %s",
            list(seqs),
        )
        sums["audit_auditevent"] = cur.fetchone()[0]
    return sums


@pytest.fixture(scope="module")
def dataset(django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        first = transaction.savepoint()
        summary = generate_dataset(options())
        before = checksum(summary.facts["audit_seqs"])
        transaction.savepoint_rollback(first)
        summary = generate_dataset(options())
        after = checksum(summary.facts["audit_seqs"])
        yield {"summary": summary, "first": before, "second": after}
        transaction.set_rollback(True)


def user(employee_no):
    return User.objects.get(employee_no=employee_no)


def visible(employee_no):
    return set(customers_visible_to(user=user(employee_no)).values_list("pk", flat=True))


# --- the guard ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_refuses_a_database_that_is_not_postgresql(monkeypatch):
    if connection.vendor == "postgresql":
        monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("generate_dataset", "--employees", "60", "--customers", "2000", stdout=io.StringIO())
    assert not Customer.objects.exists()


def test_options_are_checked_before_anything_is_written():
    assert DatasetOptions(customers=2000).leaver_count == 20  # 1% of a small dataset
    assert DatasetOptions().leaver_count == 10_000
    with pytest.raises(DatasetRefused, match="--leaver-customers"):
        DatasetOptions(customers=2000, leaver_customers=600).checked()
    with pytest.raises(DatasetRefused, match="--orders must be at least"):
        DatasetOptions(customers=2000, orders=100, leaver_customers=100).checked()


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_the_command_refuses_a_database_with_data(dataset):
    with pytest.raises(CommandError, match="only fills an empty database"):
        call_command("generate_dataset", "--employees", "60", "--customers", "2000", stdout=io.StringIO())


# --- what it makes --------------------------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_counts_match_the_options(dataset):
    assert Employee.objects.count() == SCALE["employees"]
    assert User.objects.count() == SCALE["employees"]
    assert Customer.objects.count() == SCALE["customers"]
    assert Interaction.objects.count() == SCALE["interactions"]
    assert Order.objects.count() == SCALE["orders"]
    first, last = dataset["summary"].facts["audit_seqs"]
    assert last - first + 1 == SCALE["audit_events"]
    assert AuditEvent.objects.filter(seq__range=(first, last)).count() == SCALE["audit_events"]
    assert Company.objects.count() == 1
    assert Contact.objects.filter(is_primary=True).count() == SCALE["customers"]


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data(dataset):
    assert dataset["first"] == dataset["second"]
    assert all(dataset["second"].values())


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_the_audit_chain_verifies(dataset):
    assert audit_verify().ok
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("OK ")


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_every_reference_points_at_a_row(dataset):
    with connection.cursor() as cur:
        assert integrity.orphans(cur) == {}


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_customers_last_follow_up_and_order_match_their_history_and_nothing_is_after_now(dataset):
    now = DatasetOptions().now
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT count(*) FROM customers_customer c
            LEFT JOIN (SELECT customer_id, max(occurred_at) m FROM customers_interaction GROUP BY 1) i
              ON i.customer_id = c.id
            LEFT JOIN (SELECT customer_id, max(order_date) m FROM customers_order GROUP BY 1) o
              ON o.customer_id = c.id
            WHERE c.last_follow_up_at IS DISTINCT FROM i.m OR c.last_order_at IS DISTINCT FROM o.m
            """
        )
        assert cur.fetchone()[0] == 0
    assert not Interaction.objects.filter(created_at__gt=now).exists()
    assert not Order.objects.filter(created_at__gt=now).exists()
    assert not Customer.objects.filter(created_at__gt=now).exists()
    assert not FollowUpTask.objects.filter(done_at__gt=now).exists()


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_identities_are_stored_as_the_app_stores_them(dataset):
    customers = list(Customer.objects.values_list("name", "normalized_name", "credit_code"))
    assert all(normalize_name(name) == normalized for name, normalized, _code in customers)
    codes = [code for _name, _normalized, code in customers if code]
    assert len(codes) == len(set(codes)) > 0.8 * len(customers)
    assert all(validate_credit_code(code) == code for code in codes)
    contacts = list(Contact.objects.values_list("phone_encrypted", "phone_hash", "phone_masked")[:300])
    for encrypted, hashed, masked in contacts:
        phone = crypto.decrypt(encrypted, associated="contact.phone")
        assert (crypto.keyed_hash(phone), mask_phone(phone)) == (hashed, masked)
    assert Contact.objects.values("phone_hash").distinct().count() == Contact.objects.count()


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_every_account_signs_in_with_the_printed_password(dataset):
    password = dataset["summary"].password
    assert password == dataset_password(DatasetOptions().seed)
    assert check_password(password, user("S000002").password)
    assert check_password(password, user("admin").password)


# --- the people the benchmark acts as ------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_a_team_lead_sees_the_team_pool(dataset):
    lead = Employee.objects.get(employee_no="S000001")
    team = Team.objects.get(lead=lead)
    seen = visible("S000001")
    assert seen == set(Customer.objects.filter(team=team).values_list("pk", flat=True))
    assert 0 < len(seen) < SCALE["customers"]


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_a_department_head_sees_the_department_subtree(dataset):
    typical = dataset["summary"].facts["typical"]
    for head_no, department_id in (
        (typical["department_head_no"], typical["department_id"]),
        (typical["region_head_no"], typical["region_id"]),
    ):
        path = Department.objects.get(pk=department_id).path
        expected = set(
            Customer.objects.filter(team__department__path__startswith=path).values_list("pk", flat=True)
        )
        assert visible(head_no) == expected
    region, department = visible(typical["region_head_no"]), visible(typical["department_head_no"])
    assert department <= region < set(Customer.objects.values_list("pk", flat=True))


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_a_salesperson_sees_own_and_collaborating_customers_and_management_everything(dataset):
    specialist = Employee.objects.filter(team_role="follow_up", collaborations__isnull=False).first()
    expected = set(Customer.objects.filter(collaborators__employee=specialist).values_list("pk", flat=True))
    assert expected and visible(specialist.employee_no) == expected
    manager = Employee.objects.get(employee_no="S000003")
    assert visible("S000003") == set(Customer.objects.filter(owner=manager).values_list("pk", flat=True))
    assert len(visible("M0001")) == SCALE["customers"]


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_the_leaver_holds_the_requested_customers_with_all_their_open_work(dataset):
    facts = dataset["summary"].facts["leaver"]
    assert facts["employee_no"] == "S000002"
    for key in (
        "customers",
        "with_open_orders",
        "with_open_receivables",
        "with_contracts",
        "with_open_tasks",
    ):
        assert facts[key] == LEAVER_CUSTOMERS, key
    leaver = Employee.objects.get(employee_no="S000002")
    assert Customer.objects.filter(owner=leaver).count() == LEAVER_CUSTOMERS
    busiest = Customer.objects.exclude(owner=None).values("owner").annotate(n=Count("pk")).order_by("-n")
    assert busiest[0]["owner"] == leaver.pk  # found by query: who holds the most customers
    open_tasks = FollowUpTask.objects.filter(customer__owner=leaver, assignee=leaver, done_at=None)
    assert open_tasks.values("customer").distinct().count() == LEAVER_CUSTOMERS


# --- what the early-warning rules find -----------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_the_rules_find_concentration_decline_and_fading_contact(dataset):
    from baton.demo.dataset.options import DEFAULT_NOW
    from baton.risk import registry

    company = Company.objects.get()
    found = {}
    for code in ("R1", "R2", "R4"):
        rule = registry.get(code)
        found[code] = list(rule.scan(company=company, now=DEFAULT_NOW, params=rule.defaults()))
    star_nos = set(dataset["summary"].facts["stars"])
    stars = set(Employee.objects.filter(employee_no__in=star_nos).values_list("pk", flat=True))
    assert stars <= {int(f.subject_id) for f in found["R4"] if f.subject_type == "org.employee"}
    assert found["R2"], "a declining account"
    assert found["R1"], "a salesperson whose contacts fell off"
