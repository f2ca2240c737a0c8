"""Filters for the audit trail list. (Move to ``baton/audit/filters.py`` once the UI shares it.)"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from baton.audit.models import AuditEvent, AuditResult


class AuditEventFilterSet(django_filters.FilterSet):
    actor_label = django_filters.CharFilter(label=_("Actor (工号)"), lookup_expr="iexact")
    actor_id = django_filters.NumberFilter(label=_("Actor id"))
    action = django_filters.CharFilter(
        label=_("Action"),
        method="filter_action",
        help_text=_("An exact action, or a prefix ending in '.' such as 'auth.'."),
    )
    object_type = django_filters.CharFilter(label=_("Object type"))
    object_id = django_filters.CharFilter(label=_("Object id"))
    result = django_filters.ChoiceFilter(label=_("Result"), choices=AuditResult.choices)
    since = django_filters.IsoDateTimeFilter(
        label=_("From (inclusive)"), field_name="occurred_at", lookup_expr="gte"
    )
    until = django_filters.IsoDateTimeFilter(
        label=_("Until (exclusive)"), field_name="occurred_at", lookup_expr="lt"
    )

    class Meta:
        model = AuditEvent
        fields = ["actor_label", "actor_id", "action", "object_type", "object_id", "result", "since", "until"]

    def filter_action(self, queryset: QuerySet[AuditEvent], name: str, value: str) -> QuerySet[AuditEvent]:
        value = value.strip()
        if value.endswith("."):
            return queryset.filter(action__startswith=value)
        return queryset.filter(action=value)
