"""Shared pytest fixtures: the database, the clock, and ready-made people of the demo shape."""

import pytest


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is the product's hasher (tested in accounts); elsewhere tests use a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(db):
    """A small company of the demo's shape; see baton/core/testing.py."""
    from baton.core.testing import build_small_org

    return build_small_org()


@pytest.fixture
def crm(org):
    """Pools, rules and five customers on top of ``org``; see baton/customers/testing.py."""
    from baton.customers.testing import build_small_crm

    return build_small_crm(org)


@pytest.fixture
def case(crm):
    """S1101's resignation recorded by HR with 30 days' notice; see baton/offboarding/testing.py."""
    from baton.offboarding.testing import open_case

    return open_case(crm.org)
