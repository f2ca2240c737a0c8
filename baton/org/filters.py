"""Filters for employee and organisation lists, shared by the UI and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from baton.org.models import Department, Employee, EmployeeStatus, Team, TeamRole


class EmployeeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("工号 or name"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EmployeeStatus.choices)
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Department.objects.all(), method="filter_department"
    )
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.all())
    team_role = django_filters.ChoiceFilter(label=_("Team role"), choices=TeamRole.choices)
    hired_after = django_filters.DateFilter(
        label=_("Hired on or after"), field_name="hire_date", lookup_expr="gte"
    )
    hired_before = django_filters.DateFilter(
        label=_("Hired on or before"), field_name="hire_date", lookup_expr="lte"
    )

    class Meta:
        model = Employee
        fields = ["q", "status", "department", "team", "team_role", "position", "company"]

    def filter_q(self, queryset: QuerySet[Employee], name: str, value: str) -> QuerySet[Employee]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(employee_no__istartswith=value) | Q(name__icontains=value))

    def filter_department(self, queryset: QuerySet[Employee], name: str, value: Any) -> QuerySet[Employee]:
        """A department filter includes everyone in its sub-departments."""
        if not value:
            return queryset
        return queryset.filter(department__path__startswith=value.path)
