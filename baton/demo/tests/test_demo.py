"""The demo company: deterministic, with the fixed logins, and credentials only on demo data.

``seed_demo`` runs once for the module (seed 7) inside a transaction rolled back at the end;
the refusal on a non-demo database lives in test_demo_credentials.py, which needs an empty one.
"""

import io
import json
import random

import pyotp
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from baton.accounts.models import User
from baton.accounts.services import LoginStep, login_password_check, mfa_verify
from baton.audit.selectors import audit_verify
from baton.demo.registry import DemoContext
from baton.org.demo import _name
from baton.org.models import Employee
from baton.org.selectors import employees_visible_to

pytestmark = pytest.mark.django_db

SEED = 7


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        call_command("seed_demo", "--seed", str(SEED), stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def credentials():
    out = io.StringIO()
    call_command("demo_credentials", "--json", stdout=out)
    return {row["employee_no"]: row for row in json.loads(out.getvalue())}


def test_demo_company_story_shape(seeded):
    assert 110 <= Employee.objects.count() <= 130
    creds = credentials()
    assert list(creds) == [
        "admin",
        "M0001",
        "H0001",
        "F0001",
        "S1000",
        "S1100",
        "S1101",
        "S1102",
        "S1201",
        "O0002",
    ]
    s1101 = Employee.objects.get(employee_no="S1101")
    assert s1101.team.name == "华南区工业客户团队"
    assert (2026 - s1101.hire_date.year) >= 10
    assert Employee.objects.get(employee_no="S1201").team.name == "华南区商贸客户团队"
    assert creds["S1101"]["roles"] == ["sales"] and creds["S1101"]["totp_secret"] is None
    assert creds["H0001"]["roles"] == ["hr"] and creds["H0001"]["totp_secret"]
    assert audit_verify().ok


def test_demo_logins_work_with_printed_password_and_totp(seeded):
    creds = credentials()
    assert (
        login_password_check(employee_no="S1101", password=creds["S1101"]["password"]).step == LoginStep.DONE
    )
    outcome = login_password_check(employee_no="H0001", password=creds["H0001"]["password"])
    assert outcome.step == LoginStep.MFA
    assert mfa_verify(user=outcome.user, code=pyotp.TOTP(creds["H0001"]["totp_secret"]).now())


def test_seed_refuses_a_full_database_unless_asked_to_skip(seeded):
    count = Employee.objects.count()
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", "--if-empty", stdout=io.StringIO())  # quietly does nothing
    assert Employee.objects.count() == count == User.objects.count()


def test_sales_scope_on_the_demo_company(seeded):
    s1101 = User.objects.get(employee_no="S1101")
    visible = set(employees_visible_to(user=s1101).values_list("team__name", flat=True))
    assert visible == {"华南区工业客户团队"}


def test_same_seed_gives_the_same_people():
    def names(seed):
        ctx = DemoContext(seed=seed, rng=random.Random(seed))
        used = set()
        return [_name(ctx, used) for _ in range(50)]

    assert names(5) == names(5)
    assert names(5) != names(6)
