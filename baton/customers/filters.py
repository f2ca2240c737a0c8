"""Filters for customer lists, shared by the UI and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baton.core import clock
from baton.customers.models import (
    Customer,
    CustomerStatus,
    Industry,
    Receivable,
    ReceivableStatus,
    Region,
    Tier,
)
from baton.customers.services.identity import normalize_name
from baton.org.models import Team


class CustomerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or credit code"), method="filter_q")
    region = django_filters.ChoiceFilter(label=_("Region"), choices=Region.choices)
    industry = django_filters.ChoiceFilter(label=_("Industry"), choices=Industry.choices)
    tier = django_filters.ChoiceFilter(label=_("Scale tier"), choices=Tier.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CustomerStatus.choices)
    is_key_account = django_filters.BooleanFilter(label=_("Key account"))
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.filter(is_sales=True))
    owner = django_filters.NumberFilter(label=_("Owner (employee id)"), field_name="owner_id")
    no_follow_up_since = django_filters.DateTimeFilter(
        label=_("No follow-up since"), method="filter_no_follow_up_since"
    )

    class Meta:
        model = Customer
        fields = ["q", "region", "industry", "tier", "status", "is_key_account", "team", "owner"]

    def filter_q(self, queryset: QuerySet[Customer], name: str, value: str) -> QuerySet[Customer]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(normalized_name__contains=normalize_name(value)) | Q(credit_code__istartswith=value)
        )

    def filter_no_follow_up_since(
        self, queryset: QuerySet[Customer], name: str, value: Any
    ) -> QuerySet[Customer]:
        if not value:
            return queryset
        return queryset.filter(Q(last_follow_up_at__isnull=True) | Q(last_follow_up_at__lt=value))


class ReceivableFilterSet(django_filters.FilterSet):
    """``overdue=true``: open and past the due date (Asia/Shanghai); ``false``: the others."""

    customer = django_filters.NumberFilter(label=_("Customer (id)"), field_name="customer_id")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReceivableStatus.choices)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = Receivable
        fields = ["customer", "status", "overdue"]

    def filter_overdue(self, queryset: QuerySet[Receivable], name: str, value: Any) -> QuerySet[Receivable]:
        if value is None:
            return queryset
        today = timezone.localdate(clock.now())
        overdue = {"status": ReceivableStatus.OPEN, "due_on__lt": today}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)
