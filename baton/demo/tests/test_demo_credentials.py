"""Demo credentials are printed only for a database that seed_demo made."""

import io

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_credentials_refused_on_a_database_not_made_by_seed_demo(org):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("demo_credentials", "--json", stdout=io.StringIO())
