"""Filters for the audit trail, shared by the audit log page and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from baton.audit.models import AuditEvent, AuditResult

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AuditEventFilterSet(django_filters.FilterSet):
    """Who (工号), what (action, object), when (Asia/Shanghai local time) and with which result."""

    actor_label = django_filters.CharFilter(label=_("Actor (工号)"), lookup_expr="iexact")
    actor_id = django_filters.NumberFilter(label=_("Actor id"), widget=forms.HiddenInput)
    action = django_filters.CharFilter(
        label=_("Action"),
        method="filter_action",
        help_text=_("An exact action, or a prefix ending in '.' such as 'auth.'."),
    )
    object_type = django_filters.CharFilter(label=_("Object type"))
    object_id = django_filters.CharFilter(label=_("Object id"))
    result = django_filters.ChoiceFilter(label=_("Result"), choices=AuditResult.choices)
    since = django_filters.DateTimeFilter(
        label=_("From"), field_name="occurred_at", lookup_expr="gte", widget=DATETIME_INPUT
    )
    until = django_filters.DateTimeFilter(
        label=_("Until"), field_name="occurred_at", lookup_expr="lt", widget=DATETIME_INPUT
    )

    class Meta:
        model = AuditEvent
        fields = ["actor_label", "actor_id", "action", "object_type", "object_id", "result", "since", "until"]

    def filter_action(self, queryset: QuerySet[AuditEvent], name: str, value: Any) -> QuerySet[AuditEvent]:
        value = (value or "").strip()
        if not value:
            return queryset
        if value.endswith("."):
            return queryset.filter(action__startswith=value)
        return queryset.filter(action=value)
