from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from baton.authz.selectors import restrict
from baton.core.api.serializers import StrictSerializer
from baton.core.api.viewsets import BatonAPIView, ScopedViewSet
from baton.core.policy import requires
from baton.org.api import serializers as s
from baton.org.filters import EmployeeFilterSet
from baton.org.selectors import (
    companies_visible_to,
    departments_visible_to,
    employee_moves,
    employees_visible_to,
    org_tree,
    positions_visible_to,
    teams_visible_to,
)
from baton.org.services import (
    company_create,
    company_update,
    department_create,
    department_update,
    employee_create,
    employee_reveal_contact,
    employee_status_change,
    employee_update,
    position_create,
    position_update,
    team_create,
    team_update,
)


def _valid(
    serializer_class: type[serializers.Serializer], request: Request, view: Any, **kwargs: Any
) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context=view.get_serializer_context(), **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- Employees -----------------------------------------------------------------------------


@extend_schema(tags=["employees"])
class EmployeeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Employee records within the caller's data scope (``employee`` grants).

    Phone and e-mail are masked; ``POST {id}/reveal/`` shows them in clear and is audited.
    """

    resource = "employee"
    selector = employees_visible_to
    action_policies = {"change_status": "change", "reveal": "reveal", "history": "view"}
    serializer_class = s.EmployeeSerializer
    filterset_class = EmployeeFilterSet
    search_fields = ["employee_no", "name"]
    ordering_fields = ["employee_no", "name", "hire_date", "status"]
    ordering = ["employee_no"]

    @extend_schema(request=s.EmployeeCreateSerializer, responses={201: s.EmployeeSerializer})
    def create(self, request: Request) -> Response:
        data = _valid(s.EmployeeCreateSerializer, request, self)
        employee = employee_create(actor=request.user, **data)
        return Response(self.get_serializer(employee).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.EmployeeUpdateSerializer, responses=s.EmployeeSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        employee = self.get_object()
        data = _valid(s.EmployeeUpdateSerializer, request, self)
        reason, effective_on = data.pop("reason", ""), data.pop("effective_on", None)
        employee = employee_update(
            actor=request.user, employee=employee, reason=reason, effective_on=effective_on, **data
        )
        return Response(self.get_serializer(employee).data)

    @extend_schema(request=s.EmployeeStatusChangeSerializer, responses=s.EmployeeSerializer)
    @action(detail=True, methods=["post"], url_path="status", filter_backends=[])
    def change_status(self, request: Request, pk: str) -> Response:
        """Move the employee to another status; leaving ends their sessions and tokens at once."""
        employee = self.get_object()
        data = _valid(s.EmployeeStatusChangeSerializer, request, self)
        employee = employee_status_change(actor=request.user, employee=employee, **data)
        return Response(self.get_serializer(employee).data)

    @extend_schema(responses=s.EmployeeMoveSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], serializer_class=s.EmployeeMoveSerializer)
    def history(self, request: Request, pk: str) -> Response:
        """Department, team, position, manager and status changes, newest first."""
        employee = self.get_object()
        page = self.paginate_queryset(employee_moves(employee=employee))
        return self.get_paginated_response(s.EmployeeMoveSerializer(page, many=True).data)

    @extend_schema(request=None, responses=s.EmployeeContactSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def reveal(self, request: Request, pk: str) -> Response:
        """Phone and e-mail in clear (``employee.reveal`` grant); every reveal is audited."""
        employee = self.get_object()
        _valid(StrictSerializer, request, self)  # no fields are accepted
        return Response(
            s.EmployeeContactSerializer(employee_reveal_contact(actor=request.user, employee=employee)).data
        )


# --- Organisation structure ------------------------------------------------------------------


def _structure(selector: Callable[..., QuerySet[Any]]) -> Callable[..., QuerySet[Any]]:
    """Adapt an ``org.view`` selector to the viewset's ``selector(user=, action=)``."""

    def scoped(*, user: Any, action: str = "view") -> QuerySet[Any]:
        return restrict(selector(user=user), user=user, resource="org", action=action)

    scoped.__doc__ = selector.__doc__
    return scoped


class _StructureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Organisation structure (``org`` grants): readable by most roles, changed by HR and admins."""

    resource = "org"
    create_serializer: type[serializers.Serializer]
    update_serializer: type[serializers.Serializer]

    def create_object(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def update_object(self, obj: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def create(self, request: Request) -> Response:
        obj = self.create_object(_valid(self.create_serializer, request, self))
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        obj = self.get_object()
        obj = self.update_object(obj, _valid(self.update_serializer, request, self, partial=True))
        return Response(self.get_serializer(obj).data)


@extend_schema(tags=["org"])
class CompanyViewSet(_StructureViewSet):
    selector = _structure(companies_visible_to)
    serializer_class = s.CompanySerializer
    create_serializer = update_serializer = s.CompanyWriteSerializer
    filterset_fields = ["parent"]
    search_fields = ["name", "short_name"]
    ordering_fields = ["name", "founded_on"]

    @extend_schema(request=s.CompanyWriteSerializer, responses={201: s.CompanySerializer})
    def create(self, request: Request) -> Response:
        return super().create(request)

    @extend_schema(request=s.CompanyWriteSerializer, responses=s.CompanySerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        return super().partial_update(request, pk)

    def create_object(self, data: dict[str, Any]) -> Any:
        return company_create(actor=self.request.user, **data)

    def update_object(self, obj: Any, data: dict[str, Any]) -> Any:
        return company_update(actor=self.request.user, company=obj, **data)


@extend_schema(tags=["org"])
class DepartmentViewSet(_StructureViewSet):
    selector = _structure(departments_visible_to)
    serializer_class = s.DepartmentSerializer
    create_serializer = s.DepartmentCreateSerializer
    update_serializer = s.DepartmentUpdateSerializer
    filterset_fields = ["company", "parent"]
    search_fields = ["name", "code"]
    ordering_fields = ["path", "name"]

    @extend_schema(request=s.DepartmentCreateSerializer, responses={201: s.DepartmentSerializer})
    def create(self, request: Request) -> Response:
        return super().create(request)

    @extend_schema(request=s.DepartmentUpdateSerializer, responses=s.DepartmentSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        return super().partial_update(request, pk)

    def create_object(self, data: dict[str, Any]) -> Any:
        return department_create(actor=self.request.user, **data)

    def update_object(self, obj: Any, data: dict[str, Any]) -> Any:
        return department_update(actor=self.request.user, department=obj, **data)


@extend_schema(tags=["org"])
class TeamViewSet(_StructureViewSet):
    selector = _structure(teams_visible_to)
    serializer_class = s.TeamSerializer
    create_serializer = s.TeamCreateSerializer
    update_serializer = s.TeamUpdateSerializer
    filterset_fields = ["department", "is_sales"]
    search_fields = ["name"]
    ordering_fields = ["name"]

    @extend_schema(request=s.TeamCreateSerializer, responses={201: s.TeamSerializer})
    def create(self, request: Request) -> Response:
        return super().create(request)

    @extend_schema(request=s.TeamUpdateSerializer, responses=s.TeamSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        return super().partial_update(request, pk)

    def create_object(self, data: dict[str, Any]) -> Any:
        return team_create(actor=self.request.user, **data)

    def update_object(self, obj: Any, data: dict[str, Any]) -> Any:
        return team_update(actor=self.request.user, team=obj, **data)


@extend_schema(tags=["org"])
class PositionViewSet(_StructureViewSet):
    selector = _structure(positions_visible_to)
    serializer_class = s.PositionSerializer
    create_serializer = s.PositionCreateSerializer
    update_serializer = s.PositionUpdateSerializer
    filterset_fields = ["company", "is_sales"]
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code"]

    @extend_schema(request=s.PositionCreateSerializer, responses={201: s.PositionSerializer})
    def create(self, request: Request) -> Response:
        return super().create(request)

    @extend_schema(request=s.PositionUpdateSerializer, responses=s.PositionSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        return super().partial_update(request, pk)

    def create_object(self, data: dict[str, Any]) -> Any:
        return position_create(actor=self.request.user, **data)

    def update_object(self, obj: Any, data: dict[str, Any]) -> Any:
        return position_update(actor=self.request.user, position=obj, **data)


@extend_schema(tags=["org"])
class OrgTreeView(BatonAPIView):
    """The whole department tree with teams and head counts, for the org chart."""

    policy = requires("org", "view")

    @extend_schema(
        responses={
            200: s.OrgTreeNodeSerializer(many=True),
            403: OpenApiResponse(description="No org.view grant."),
        }
    )
    def get(self, request: Request) -> Response:
        return Response(s.OrgTreeNodeSerializer(org_tree(user=request.user), many=True).data)
