"""How the alert centre filters, counts and orders alerts; shared by the pages, the API and the
dashboard. Every queryset handed in here is already scoped (``alerts_visible_to``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from baton.alerts.models import OPEN_STATUSES, SECURITY, Alert, AlertSeverity, AlertStatus
from baton.authz.actor import actor_for
from baton.core import clock
from baton.org.models import Team

# Every category a built-in rule raises, in the order the alert centre shows them. A plug-in
# rule's own category is added from the rule registry (``alert_categories``).
CATEGORY_LABELS: dict[str, Any] = {
    "churn": _("Customer churn"),
    "concentration": _("Resource concentration"),
    "engagement": _("Engagement"),
    "compliance": _("Compliance"),
    "departure": _("Departure"),
    SECURITY: _("Security"),
    "risk": _("Other risks"),
}

# "active": still waiting for someone (open or acknowledged); the alert centre's default.
ACTIVE = "active"
STATUS_CHOICES = [(ACTIVE, _("Open or acknowledged")), *AlertStatus.choices]

PERIOD_DAYS = {"7": 7, "30": 30, "90": 90, "365": 365}
PERIOD_CHOICES = [
    ("7", _("Last 7 days")),
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
    ("365", _("Last 12 months")),
]


# Categories management looks at first on the dashboard: who holds too much, and who is leaving.


def alert_categories() -> list[tuple[str, Any]]:
    """(code, label) of every category: the built-in ones, then plug-in rules' own."""
    from baton.risk import registry

    choices = dict(CATEGORY_LABELS)
    for rule in registry.all_rules():
        choices.setdefault(rule.category, rule.category)
    return list(choices.items())


def category_label(code: str) -> Any:
    return dict(alert_categories()).get(code, code)


def _sales_teams(request: Any) -> QuerySet[Team]:
    """Teams of the viewer's companies (every team for a caller without an employee record)."""
    teams = Team.objects.select_related("department").order_by("name")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return teams.none() if request is not None else teams
    company_ids = actor_for(user).company_ids
    return teams if company_ids is None else teams.filter(department__company_id__in=company_ids)


def status_q(value: str | None) -> Q:
    if not value:
        return Q()
    if value == ACTIVE:
        return Q(status__in=OPEN_STATUSES)
    return Q(status=value)


class AlertFilterSet(django_filters.FilterSet):
    """Status (or ``active``), category, severity, rule, team, period and a search in the title."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, method="filter_status")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=alert_categories)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=AlertSeverity.choices)
    rule = django_filters.CharFilter(label=_("Rule"), lookup_expr="iexact")
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=_sales_teams)
    period = django_filters.ChoiceFilter(
        label=_("Raised within"), choices=PERIOD_CHOICES, method="filter_period"
    )
    q = django_filters.CharFilter(label=_("Title contains"), method="filter_q")

    # Counted by facet: the status counts keep the category filter and vice versa.
    FACETS = ("status", "category")

    class Meta:
        model = Alert
        fields = ["status", "category", "severity", "rule", "team", "period", "q"]

    def filter_status(self, queryset: QuerySet[Alert], name: str, value: str) -> QuerySet[Alert]:
        return queryset.filter(status_q(value))

    def filter_period(self, queryset: QuerySet[Alert], name: str, value: str) -> QuerySet[Alert]:
        days = PERIOD_DAYS.get(value)
        if days is None:
            return queryset
        return queryset.filter(raised_at__gte=clock.now() - dt.timedelta(days=days))

    def filter_q(self, queryset: QuerySet[Alert], name: str, value: str) -> QuerySet[Alert]:
        value = value.strip()
        return queryset.filter(title__icontains=value) if value else queryset

    def counts(self) -> dict[str, Any]:
        """Alerts per status and per category under the other filters, in one aggregate query.

        ``{"total": n, "status": {status: n}, "category": {category: n}}``; the status counts
        respect the chosen category and the category counts the chosen status.
        """
        self.is_valid()
        cleaned = getattr(self.form, "cleaned_data", {})
        queryset = self.queryset
        for name, value in cleaned.items():
            if name not in self.FACETS:
                queryset = self.filters[name].filter(queryset, value)
        by_status = status_q(cleaned.get("status"))
        chosen_category = cleaned.get("category")
        by_category = Q(category=chosen_category) if chosen_category else Q()
        categories = [code for code, _label in alert_categories()]
        aggregates: dict[str, Any] = {"total": Count("pk", filter=by_status & by_category)}
        for status in AlertStatus.values:
            aggregates[f"status:{status}"] = Count("pk", filter=Q(status=status) & by_category)
        for index, code in enumerate(categories):
            aggregates[f"category:{index}"] = Count("pk", filter=Q(category=code) & by_status)
        row = queryset.order_by().aggregate(**aggregates)
        return {
            "total": row["total"],
            "status": {status: row[f"status:{status}"] for status in AlertStatus.values},
            "category": {code: row[f"category:{i}"] for i, code in enumerate(categories)},
        }
