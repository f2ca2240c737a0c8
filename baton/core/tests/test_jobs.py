"""Periodic jobs run once per period, as of any time given with --now."""

import io

import pytest
from django.core.management import CommandError, call_command

from baton.audit.models import AuditCheckpoint
from baton.audit.services import audit_record

pytestmark = pytest.mark.django_db


def run(now):
    out = io.StringIO()
    call_command("run_due_jobs", "--now", now, stdout=out)
    return out.getvalue()


def test_checkpoint_job_runs_once_per_period():
    audit_record(actor=None, action="test.event")
    assert "audit_checkpoint" in run("2026-11-02T09:00:00+08:00")
    assert AuditCheckpoint.objects.count() == 1
    audit_record(actor=None, action="test.event")
    again = run("2026-11-02T09:01:00+08:00")  # same period: the checkpoint does not run twice
    assert "audit_checkpoint" not in again
    assert "audit_checkpoint" in run("2026-11-02T09:10:00+08:00")
    assert AuditCheckpoint.objects.count() == 2


def test_bad_now_is_a_clear_error():
    with pytest.raises(CommandError, match="ISO 8601"):
        run("next tuesday")
