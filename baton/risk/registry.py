"""Risk rules are plug-ins: a class per rule, registered here.

Baton's own rules are listed in ``BUILT_IN``. A third party adds a rule without touching Baton:
it publishes a ``Rule`` subclass under the entry-point group ``baton.risk_rules`` in its own
package metadata (``[project.entry-points."baton.risk_rules"] my_rule = "pkg.module:MyRule"``);
``load_entry_points`` picks it up when Django starts.
"""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

from django.utils.module_loading import import_string

from baton.risk.rules.base import Rule

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "baton.risk_rules"

BUILT_IN: list[str] = [  # dotted paths of Baton's rule classes, filled as rules are added
    "baton.risk.rules.engagement.ContactFrequencyDrop",
    "baton.risk.rules.churn.OrdersFalling",
    "baton.risk.rules.churn.ComplaintsInARow",
    "baton.risk.rules.concentration.RevenueConcentration",
    "baton.risk.rules.churn.KeyContactChurn",
    "baton.risk.rules.health.HealthScoreDrop",
    "baton.risk.rules.departure.HighImpactDeparture",
    "baton.risk.rules.security.ExfiltrationSignals",
    "baton.risk.rules.security.RepeatedOutOfScopeAccess",
    "baton.risk.rules.compliance.SensitivePhrases",
]

_rules: dict[str, Rule] = {}


def register(rule_class: type[Rule]) -> type[Rule]:
    """Register a rule class (usable as a decorator). A code can be registered once."""
    if not (isinstance(rule_class, type) and issubclass(rule_class, Rule)):
        raise TypeError(f"{rule_class!r} is not a Rule subclass")
    code = rule_class.code
    existing = _rules.get(code)
    if existing is not None and type(existing) is not rule_class:
        raise ValueError(f"risk rule {code} is registered already by {type(existing).__name__}")
    _rules[code] = rule_class()
    return rule_class


def get(code: str) -> Rule:
    return _rules[code]


def all_rules() -> list[Rule]:
    return sorted(_rules.values(), key=lambda r: (len(r.code), r.code))


def load_built_in() -> None:
    for path in BUILT_IN:
        register(import_string(path))


def load_entry_points() -> None:
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        register(ep.load())
        logger.info("risk rule %s loaded from entry point %s", ep.name, ep.value)
