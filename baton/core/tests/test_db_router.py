"""The optional read replica: reads inside ``replica_reads()`` go to it when it is configured
and no transaction is open; writes and everything else stay on the primary."""

import json
import os
import subprocess
import sys

import pytest
from django.db import transaction

from baton.core import db_router
from baton.core.db_router import ReplicaRouter, replica_reads
from baton.core.models import JobState
from baton.core.tests.production import ROOT

# No database access: a query's ``.db`` only asks the router. (pytest-django's database
# fixture would wrap each test in a transaction, which keeps reads on the primary.)


@pytest.fixture
def replica(monkeypatch):
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)


def test_without_a_replica_everything_reads_the_primary():
    with replica_reads():
        assert JobState.objects.all().db == "default"


def test_reads_inside_the_block_go_to_the_replica(replica):
    assert JobState.objects.all().db == "default"
    with replica_reads():
        assert JobState.objects.all().db == "replica"
    assert JobState.objects.all().db == "default"


@pytest.mark.django_db
def test_inside_a_transaction_reads_stay_on_the_primary(replica):
    with replica_reads(), transaction.atomic():
        assert JobState.objects.all().db == "default"


def test_writes_and_migrations_never_use_the_replica(replica):
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_write(JobState) == "default"
    assert router.allow_migrate("replica", "core") is False
    assert router.allow_migrate("default", "core") is True


def test_also_a_decorator(replica):
    @replica_reads()
    def report():
        return JobState.objects.all().db

    assert report() == "replica"


def test_database_replica_url_adds_the_alias_mirrored_in_tests():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")},
        "DATABASE_URL": "postgres://baton_app:pw@db1:5432/baton",
        "DATABASE_REPLICA_URL": "postgres://baton_read:pw@db2:5432/baton",
    }
    script = (
        "import json; from django.conf import settings as s; d = s.DATABASES; "
        "print(json.dumps({'aliases': sorted(d), 'host': d['replica']['HOST'], 'test': d['replica']['TEST'], "
        "'timeout': d['replica']['OPTIONS']['connect_timeout'], 'routers': s.DATABASE_ROUTERS}))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "baton.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["aliases"] == ["default", "replica"]
    assert seen["host"] == "db2"
    assert seen["test"]["MIRROR"] == "default"
    assert seen["timeout"] == 5
    assert seen["routers"] == ["baton.core.db_router.ReplicaRouter"]
