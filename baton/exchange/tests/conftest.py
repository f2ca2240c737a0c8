"""Fixtures of the exchange tests: uploads kept in a temporary folder, files built in memory."""

from __future__ import annotations

import pytest

from baton.authz.models import Grant


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "uploads")},
        },
    }


@pytest.fixture
def team_scoped_imports(org):
    """Team leads reach only their team's imports (the default is company), so that an
    upload by the department head lies outside S1100's scope."""
    Grant.objects.filter(role__code="team_lead", resource="customer_import").update(scope="team")
