"""The navigation menu, by role: an entry shows only when its policy allows the user."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from baton.alerts.views import ALERT_VIEW
from baton.core.policy import AUTHENTICATED, Policy, requires
from baton.customers.views import TEAM_WIDE_VIEW

MENU: list[tuple[Any, str, Policy]] = [
    (_("Dashboard"), "core:dashboard", AUTHENTICATED),
    (_("Org chart"), "org:chart", requires("org", "view")),
    (_("Employees"), "org:employee_list", requires("employee", "view")),
    (_("Customers"), "customers:customer_list", requires("customer", "view")),
    # Team leads and above: whoever sees customers at team scope or wider.
    (_("Team view"), "customers:team_view", TEAM_WIDE_VIEW),
    (_("Public pool"), "customers:public_pool", requires("customer", "claim")),
    (_("Receivables"), "customers:receivable_list", requires("order", "view")),
    (_("Audit log"), "audit:event_list", requires("audit", "view")),
    (_("Roles"), "authz:role_list", requires("role", "view")),
    # Security and risk alerts in one place, for holders of either grant.
    (_("Alert centre"), "alerts:alert_list", ALERT_VIEW),
    (_("Rule settings"), "risk:rule_list", requires("risk_rule", "change")),
    (_("Sensitive-word dictionary"), "risk:phrase_list", requires("risk_rule", "change")),
    (_("Customer concentration"), "risk:report_concentration", requires("risk_report", "view")),
    (_("Offboarding"), "offboarding:board", requires("offboarding_case", "view")),
    (_("Sign-off inbox"), "offboarding:inbox", requires("offboarding_case", "approve")),
    (_("Revisits"), "offboarding:revisits", requires("revisit", "view")),
    (_("Checklist templates"), "offboarding:templates", requires("offboarding_template", "change")),
    (_("Data import"), "exchange:import_list", requires("customer_import", "create")),
    (_("Customer export"), "exchange:export_list", requires("customer", "export")),
]


def menu_for(user: Any) -> list[dict[str, Any]]:
    items = []
    for label, url_name, policy in MENU:
        if policy.allows(user):
            items.append({"label": label, "url": reverse(url_name), "name": url_name})
    return items
