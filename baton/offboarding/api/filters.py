"""Query filters of the offboarding API lists."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from baton.offboarding.models import CaseKind, CaseStatus, OffboardingCase, Revisit


class CaseFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CaseStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CaseKind.choices)

    class Meta:
        model = OffboardingCase
        fields = ["status", "kind"]


class RevisitFilterSet(django_filters.FilterSet):
    open = django_filters.BooleanFilter(label=_("Not recorded yet"), method="filter_open")

    class Meta:
        model = Revisit
        fields = ["open"]

    def filter_open(self, queryset: QuerySet[Revisit], name: str, value: Any) -> QuerySet[Revisit]:
        return queryset.filter(done_at__isnull=value)
