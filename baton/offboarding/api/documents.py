"""The offboarding PDFs over the API: ``GET /api/v1/offboarding/cases/{id}/certificate/`` and
``GET /api/v1/offboarding/cases/{id}/evidence-package/``.

Same rules as the pages: the case is looked up in the caller's scope (404 outside it), the
services decide who may take which document and record the SHA-256 of every file handed out.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request

from baton.core.api.viewsets import BatonAPIView
from baton.core.policy import get_in_scope, requires
from baton.offboarding.document_views import certificate_file_name, evidence_file_name, pdf_response
from baton.offboarding.documents import certificate_pdf, evidence_cases_visible_to, evidence_package_pdf
from baton.offboarding.models import OffboardingCase
from baton.offboarding.selectors import cases_visible_to

CASE_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The case's id.")
NOT_FOUND = OpenApiResponse(description="No such case in your scope.")


class _CasePdfView(BatonAPIView):
    policy = requires("offboarding_case", "view")

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The answer is a PDF whatever the client said it accepts.
        return super().perform_content_negotiation(request, force=True)

    def scoped_cases(self) -> QuerySet[OffboardingCase]:
        raise NotImplementedError

    def case(self, pk: int) -> OffboardingCase:
        return get_in_scope(
            self.scoped_cases(), user=self.request.user, resource="offboarding_case", action="view", pk=pk
        )


@extend_schema(tags=["offboarding"])
class CertificateView(_CasePdfView):
    """The 离职证明 (employment-separation certificate) of a completed case, for HR."""

    def scoped_cases(self) -> QuerySet[OffboardingCase]:
        return cases_visible_to(user=self.request.user)

    @extend_schema(
        parameters=[CASE_ID],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            403: OpenApiResponse(description="hr_only: only HR issues the certificate."),
            404: NOT_FOUND,
            409: OpenApiResponse(description="wrong_case_state: the case is not completed."),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        case = self.case(pk)
        return pdf_response(
            certificate_pdf(actor=request.user, case=case), filename=certificate_file_name(case)
        )


@extend_schema(tags=["offboarding"])
class EvidencePackageView(_CasePdfView):
    """The compliance evidence package of a case: timeline, checklist with evidence hashes,
    sign-offs, transfer list, revisits and audit events with the chain's verification."""

    def scoped_cases(self) -> QuerySet[OffboardingCase]:
        return evidence_cases_visible_to(user=self.request.user)

    @extend_schema(
        parameters=[CASE_ID],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: OpenApiResponse(
                description="No such case in your scope, or you may not take its evidence package."
            ),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        case = self.case(pk)
        return pdf_response(
            evidence_package_pdf(actor=request.user, case=case), filename=evidence_file_name(case)
        )
