"""Fixtures shared by the risk tests."""

from decimal import Decimal

import pytest

from baton.risk import registry
from baton.risk.rules.base import Param, Rule


class QuietAccounts(Rule):
    """A rule for the tests, with a threshold of each kind."""

    code = "T1"
    title = "Quiet accounts"
    description = "Customers nobody called for a while."
    category = "churn"
    severity = "high"
    params = (
        Param("days", "Days without a call", "int", 30, minimum=7, maximum=90),
        Param(
            "share",
            "Share of revenue",
            "decimal",
            Decimal("0.30"),
            minimum=Decimal("0"),
            maximum=Decimal("1"),
        ),
        Param("key_only", "Key accounts only", "bool", False),
    )


@pytest.fixture
def rule():
    """The test rule T1, registered for the test only."""
    registry.register(QuietAccounts)
    yield registry.get("T1")
    registry._rules.pop("T1", None)
