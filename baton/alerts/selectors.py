from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from baton.alerts.models import OPEN_STATUSES, SECURITY, Alert, AlertSeverity, AlertStatus
from baton.authz.actor import actor_for
from baton.authz.selectors import scope_q


def alerts_visible_to(*, user: Any, action: str = "view") -> QuerySet[Alert]:
    """Alerts the user may see (or act on): security alerts for holders of ``security_alert``,
    the others by the ``risk_alert`` scopes (own, team, department, company)."""
    security = scope_q(user=user, resource="security_alert", action=action)
    risk = scope_q(user=user, resource="risk_alert", action=action)
    q = Q(pk__in=[])
    if security is not None:
        q |= Q(category=SECURITY) & security
    if risk is not None:
        q |= ~Q(category=SECURITY) & risk
    return Alert.objects.filter(q)


def alert_counts_by_status(*, user: Any) -> dict[str, int]:
    """Status -> number of visible alerts, every status present (zero when none)."""
    rows = (
        alerts_visible_to(user=user)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    found = dict(rows)
    return {status: found.get(status, 0) for status in AlertStatus.values}


def alerts_open_count(*, user: Any) -> int:
    """Visible alerts still waiting for someone (open or acknowledged)."""
    return alerts_visible_to(user=user).filter(status__in=OPEN_STATUSES).count()


SEVERITY_RANK = {
    AlertSeverity.CRITICAL: 0,
    AlertSeverity.HIGH: 1,
    AlertSeverity.MEDIUM: 2,
    AlertSeverity.LOW: 3,
}
MANAGEMENT_FIRST = ("concentration", "departure")


def _own_team_first(user: Any) -> Any:
    """0 for alerts of the viewer's own or led teams, 1 for the rest."""
    team_ids = actor_for(user).team_ids
    if not team_ids:
        return Value(1)
    return Case(When(team_id__in=team_ids, then=Value(0)), default=Value(1), output_field=IntegerField())


def alerts_ordered_for(*, user: Any, queryset: QuerySet[Alert]) -> QuerySet[Alert]:
    """The alert centre's order: the viewer's team first (what a team lead acts on), then
    newest first."""
    return queryset.annotate(own_team=_own_team_first(user)).order_by("own_team", "-raised_at", "-id")


def alerts_most_urgent_for(*, user: Any, queryset: QuerySet[Alert]) -> QuerySet[Alert]:
    """Open alerts for the dashboard, most urgent first.

    Management (a company-wide ``risk_alert`` view) sees concentration and departure alerts
    first; everyone else their own team's first. Then by severity, then newest.
    """
    actor = actor_for(user)
    if actor.scope_for("risk_alert", "view") == "company":
        preferred: Any = Case(
            When(category__in=MANAGEMENT_FIRST, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    else:
        preferred = _own_team_first(user)
    severity = Case(
        *[When(severity=value, then=Value(rank)) for value, rank in SEVERITY_RANK.items()],
        default=Value(len(SEVERITY_RANK)),
        output_field=IntegerField(),
    )
    return (
        queryset.filter(status__in=OPEN_STATUSES)
        .annotate(preferred=preferred, severity_rank=severity)
        .order_by(F("preferred").asc(), F("severity_rank").asc(), "-raised_at", "-id")
    )
