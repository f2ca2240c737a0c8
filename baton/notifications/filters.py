"""Filters of the notification list, shared by the page and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from baton.notifications.models import Notification, Severity


class NotificationFilterSet(django_filters.FilterSet):
    """Unread only, one kind (e.g. ``offboarding.case_opened``), or one severity."""

    unread = django_filters.BooleanFilter(label=_("Unread only"), field_name="read_at", lookup_expr="isnull")
    kind = django_filters.CharFilter(label=_("Kind"))
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)

    class Meta:
        model = Notification
        fields = ["unread", "kind", "severity"]
