"""Query filters of the customer-domain API lists other than customers themselves.

Customers use ``baton.customers.filters.CustomerFilterSet`` (shared with the pages). A
customer named in a filter is matched by id only, never validated against the table, so an
id outside the caller's scope gives an empty list exactly like an id that does not exist.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from baton.customers.models import (
    Complaint,
    ComplaintSeverity,
    ComplaintStatus,
    Contact,
    Contract,
    CustomerFact,
    FactStatus,
    FollowUpTask,
    Interaction,
    InteractionAttachment,
    InteractionChannel,
    Order,
    OrderStatus,
)


def _customer() -> django_filters.NumberFilter:
    return django_filters.NumberFilter(label=_("Customer (id)"), field_name="customer_id")


class ContactFilterSet(django_filters.FilterSet):
    """Without ``removed`` the list holds the current contacts; ``removed=true`` the removed ones."""

    customer = _customer()
    removed = django_filters.BooleanFilter(label=_("Removed"), method="filter_removed")

    class Meta:
        model = Contact
        fields = ["customer", "removed"]

    def filter_removed(self, queryset: QuerySet[Contact], name: str, value: Any) -> QuerySet[Contact]:
        return queryset  # applied in filter_queryset, which also covers the parameter's absence

    def filter_queryset(self, queryset: QuerySet[Contact]) -> QuerySet[Contact]:
        removed = self.form.cleaned_data.get("removed")
        queryset = queryset.filter(removed_at__isnull=not removed)
        return super().filter_queryset(queryset)


class InteractionFilterSet(django_filters.FilterSet):
    customer = _customer()
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=InteractionChannel.choices)
    employee = django_filters.NumberFilter(label=_("Employee (id)"), field_name="employee_id")
    since = django_filters.IsoDateTimeFilter(
        label=_("From (inclusive)"), field_name="occurred_at", lookup_expr="gte"
    )
    until = django_filters.IsoDateTimeFilter(
        label=_("Until (exclusive)"), field_name="occurred_at", lookup_expr="lt"
    )

    class Meta:
        model = Interaction
        fields = ["customer", "channel", "employee", "since", "until"]


class FactFilterSet(django_filters.FilterSet):
    customer = _customer()
    status = django_filters.ChoiceFilter(label=_("Status"), choices=FactStatus.choices)
    kind = django_filters.CharFilter(label=_("Kind"))

    class Meta:
        model = CustomerFact
        fields = ["customer", "status", "kind"]


class OrderFilterSet(django_filters.FilterSet):
    customer = _customer()
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OrderStatus.choices)
    date_from = django_filters.DateFilter(
        label=_("Ordered on or after"), field_name="order_date", lookup_expr="gte"
    )
    date_to = django_filters.DateFilter(
        label=_("Ordered on or before"), field_name="order_date", lookup_expr="lte"
    )

    class Meta:
        model = Order
        fields = ["customer", "status", "date_from", "date_to"]


class ComplaintFilterSet(django_filters.FilterSet):
    customer = _customer()
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ComplaintStatus.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=ComplaintSeverity.choices)

    class Meta:
        model = Complaint
        fields = ["customer", "status", "severity"]


class TaskFilterSet(django_filters.FilterSet):
    customer = _customer()
    assignee = django_filters.NumberFilter(label=_("Assignee (employee id)"), field_name="assignee_id")
    done = django_filters.BooleanFilter(
        label=_("Done"), field_name="done_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = FollowUpTask
        fields = ["customer", "assignee", "done"]


class ContractFilterSet(django_filters.FilterSet):
    customer = _customer()

    class Meta:
        model = Contract
        fields = ["customer"]


class AttachmentFilterSet(django_filters.FilterSet):
    customer = django_filters.NumberFilter(label=_("Customer (id)"), field_name="interaction__customer_id")
    interaction = django_filters.NumberFilter(label=_("Interaction (id)"), field_name="interaction_id")

    class Meta:
        model = InteractionAttachment
        fields = ["customer", "interaction"]
