"""The report API.

- ``GET /api/v1/reports/concentration/?quarter=2026Q3``: the quarterly concentration report as
  JSON (``risk_report.view``; rows within the caller's scope). No quarter: the running one. A
  quarter that is not ``YYYYQn`` or has not started: 400 ``invalid_quarter``.
- ``GET /api/v1/reports/concentration/export/?quarter=2026Q3&format=pdf|xlsx``: the same as a
  watermarked file (``risk_report.export``; audited with its SHA-256; 403 in the handover period).
- ``GET /api/v1/employees/{id}/departure-impact/``: "what if X leaves" (404 outside the scope).
- ``GET /api/v1/employees/{id}/departure-impact/export/?format=pdf|xlsx``: the same as a file.

Money is a string with two decimals (CNY); shares are fractions of 1 with four decimals.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from baton.core.api.viewsets import BatonAPIView
from baton.core.policy import get_in_scope, requires
from baton.offboarding.api.serializers import ImpactSerializer, RecommendationSerializer
from baton.org.models import Employee
from baton.risk.report_services import concentration_export, departure_export
from baton.risk.report_views import file_response
from baton.risk.reports import (
    RESOURCE,
    concentration_report,
    departure_employee_for,
    departure_what_if,
    quarter_parse,
)

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}
SHARE: dict[str, Any] = {
    "max_digits": 6,
    "decimal_places": 4,
    "help_text": 'Fraction of the company\'s revenue, e.g. "0.1502".',
}
HHI: dict[str, Any] = {
    "max_digits": 7,
    "decimal_places": 2,
    "help_text": "Herfindahl–Hirschman index, 0–10,000.",
}

QUARTER = OpenApiParameter(
    "quarter",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="A quarter as YYYYQn, e.g. 2026Q3 (Asia/Shanghai). Default: the running quarter.",
)
FORMAT = OpenApiParameter(
    "format", OpenApiTypes.STR, OpenApiParameter.QUERY, required=True, enum=["pdf", "xlsx"]
)
EMPLOYEE_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The employee's id."
)
BAD_QUARTER = OpenApiResponse(description="invalid_quarter: not YYYYQn, or the quarter has not started.")
FILE_RESPONSES = {
    (200, "application/pdf"): OpenApiTypes.BINARY,
    (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY,
}


class _LineSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    customers = serializers.IntegerField(help_text="Customers owned now.")
    key_customers = serializers.IntegerField()
    revenue = serializers.DecimalField(
        **MONEY, help_text="Orders dated in the 12 months, cancelled excluded."
    )
    share = serializers.DecimalField(**SHARE)
    single_served = serializers.IntegerField(
        help_text="Customers only their owner interacted with in 12 months."
    )
    lagging = serializers.IntegerField(
        help_text="Customers whose last follow-up is older than their tier's limit."
    )


class ConcentrationEmployeeSerializer(_LineSerializer):
    employee_no = serializers.CharField()
    team = serializers.CharField()
    department = serializers.CharField()


class ConcentrationTeamSerializer(_LineSerializer):
    members = serializers.IntegerField()
    department = serializers.CharField()


class ConcentrationDepartmentSerializer(_LineSerializer):
    members = serializers.IntegerField()


class ConcentrationTrendSerializer(serializers.Serializer):
    quarter = serializers.CharField()
    source = serializers.ChoiceField(choices=["snapshot", "live"])  # type: ignore[assignment]
    hhi_employees = serializers.DecimalField(**HHI)
    hhi_teams = serializers.DecimalField(**HHI)
    revenue = serializers.DecimalField(**MONEY)
    share = serializers.DecimalField(**SHARE)
    top_share = serializers.DecimalField(**SHARE)
    single_served = serializers.IntegerField()
    lagging = serializers.IntegerField()


class ReportWindowSerializer(serializers.Serializer):
    to = serializers.DateField()

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        return fields


class ConcentrationReportSerializer(serializers.Serializer):
    """The quarterly customer distribution (concentration) report, rows within the caller's scope."""

    quarter = serializers.CharField()
    window = ReportWindowSerializer(help_text="The 12 months of revenue, both days included.")
    as_of = serializers.DateTimeField(help_text="Follow-up lags are measured at this moment.")
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=["snapshot", "live"],
        help_text="snapshot: read from the figures stored when the quarter closed.",
    )
    taken_at = serializers.DateTimeField(allow_null=True)
    company_revenue = serializers.DecimalField(**MONEY)
    hhi_employees = serializers.DecimalField(**HHI)
    hhi_teams = serializers.DecimalField(**HHI)
    total = _LineSerializer()
    employees = ConcentrationEmployeeSerializer(many=True)
    teams = ConcentrationTeamSerializer(many=True)
    departments = ConcentrationDepartmentSerializer(many=True)
    trend = ConcentrationTrendSerializer(many=True, help_text="Stored quarters (at most 12), then this one.")


class DepartureEmployeeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employee_no = serializers.CharField()
    name = serializers.CharField()
    team = serializers.CharField()
    department = serializers.CharField()
    status = serializers.CharField()


class DepartureCustomerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    tier = serializers.CharField()
    is_key_account = serializers.BooleanField()
    revenue_12m = serializers.DecimalField(**MONEY)
    last_follow_up_at = serializers.DateTimeField(allow_null=True)


class DepartureImpactSerializer(ImpactSerializer):
    """What the employee's departure would put at risk now, and who could take over."""

    employee = DepartureEmployeeSerializer()
    as_of = serializers.DateTimeField()
    window = ReportWindowSerializer()
    key_customer_list = DepartureCustomerSerializer(many=True)
    top_customers = DepartureCustomerSerializer(many=True, help_text="The ten with most revenue.")
    successors = RecommendationSerializer(many=True)


class _FileView(BatonAPIView):
    policy = requires(RESOURCE, "export")

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The answer is a file whatever the client said it accepts (?format= is not a renderer).
        return super().perform_content_negotiation(request, force=True)


@extend_schema(tags=["reports"])
class ConcentrationReportView(BatonAPIView):
    """The quarterly concentration report (``risk_report.view``): per employee, team and
    department; HHI across employees and teams; single-served and lagging customers; the trend."""

    policy = requires(RESOURCE, "view")

    @extend_schema(parameters=[QUARTER], responses={200: ConcentrationReportSerializer, 400: BAD_QUARTER})
    def get(self, request: Request) -> Response:
        quarter = quarter_parse(request.query_params.get("quarter"))
        return Response(concentration_report(user=request.user, quarter=quarter).as_json())


@extend_schema(tags=["reports"])
class ConcentrationExportView(_FileView):
    """The concentration report as a PDF or xlsx file, watermarked with your 工号 and the time and
    audited with its SHA-256 (``risk_report.export``; refused during your handover period)."""

    @extend_schema(
        parameters=[QUARTER, FORMAT],
        responses={
            **FILE_RESPONSES,
            400: OpenApiResponse(description="invalid_quarter or invalid_format."),
            403: OpenApiResponse(description="No export grant, or export_blocked_handover."),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        quarter = quarter_parse(request.query_params.get("quarter"))
        file = concentration_export(
            actor=request.user, quarter=quarter, format=request.query_params.get("format", "")
        )
        return file_response(file)


class _EmployeeMixin:
    scope_action = "view"

    def employee(self, user: Any, pk: int) -> Employee:
        queryset: QuerySet[Employee] = departure_employee_for(user=user, action=self.scope_action)
        return get_in_scope(queryset, user=user, resource=RESOURCE, action=self.scope_action, pk=pk)


@extend_schema(tags=["reports"])
class DepartureImpactView(_EmployeeMixin, BatonAPIView):
    """What if this employee left: customers, 12-month revenue and its share of the company's,
    open orders and receivables at risk, key customers, recommended successors with reasons.
    404 for an employee outside your ``risk_report`` scope, exactly as for a missing one."""

    policy = requires(RESOURCE, "view")

    @extend_schema(
        parameters=[EMPLOYEE_ID],
        responses={
            200: DepartureImpactSerializer,
            404: OpenApiResponse(description="No such employee in your scope."),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(departure_what_if(employee=self.employee(request.user, pk)).as_json())


@extend_schema(tags=["reports"])
class DepartureImpactExportView(_EmployeeMixin, _FileView):
    """The departure report as a PDF or xlsx file (watermarked, audited with its SHA-256)."""

    scope_action = "export"

    @extend_schema(
        parameters=[EMPLOYEE_ID, FORMAT],
        responses={
            **FILE_RESPONSES,
            400: OpenApiResponse(description="invalid_format."),
            403: OpenApiResponse(description="No export grant, or export_blocked_handover."),
            404: OpenApiResponse(description="No such employee in your export scope."),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        file = departure_export(
            actor=request.user,
            employee=self.employee(request.user, pk),
            format=request.query_params.get("format", ""),
        )
        return file_response(file)
