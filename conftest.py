"""Shared pytest fixtures: the database, the clock, and ready-made people of the demo shape."""

import pytest


@pytest.fixture(autouse=True)
def _english_off(settings):
    # Tests see the product's default language unless they switch.
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def org(db):
    """A small company of the demo's shape; see baton/core/testing.py."""
    from baton.core.testing import build_small_org

    return build_small_org()
