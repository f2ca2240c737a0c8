"""The offboarding PDFs as downloads: the separation certificate and the evidence package.

The case is looked up in the caller's scope (404 outside it, recorded); the services decide
who may take which document and record every file handed out.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.http import content_disposition_header

from baton.core.errors import BatonError, Forbidden
from baton.core.policy import requires
from baton.core.views import ScopedObjectMixin
from baton.offboarding.documents import (
    case_number,
    certificate_pdf,
    evidence_cases_visible_to,
    evidence_package_pdf,
)
from baton.offboarding.models import OffboardingCase
from baton.offboarding.selectors import cases_visible_to

VIEW_CASE = requires("offboarding_case", "view")


def certificate_file_name(case: OffboardingCase) -> str:
    return f"separation-certificate-{case_number(case)}.pdf"


def evidence_file_name(case: OffboardingCase) -> str:
    return f"evidence-package-{case_number(case)}.pdf"


def pdf_response(data: bytes, *, filename: str) -> HttpResponse:
    """A generated PDF as an attachment the browser must neither sniff nor cache."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


class _CasePdfView(ScopedObjectMixin):
    """GET one case's document. A refusal is a 403 page; a case not ready for the document goes
    back to the case page with the reason."""

    policy = VIEW_CASE
    watermark = False  # the PDF carries its own
    http_method_names = ["get"]
    object: OffboardingCase

    def generate(self) -> bytes:
        raise NotImplementedError

    def file_name(self) -> str:
        raise NotImplementedError

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            data = self.generate()
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except BatonError as exc:
            messages.error(request, exc.message)
            return redirect("offboarding:case_detail", pk=self.object.pk)
        return pdf_response(data, filename=self.file_name())


class CertificatePdfView(_CasePdfView):
    """The 离职证明 of a completed case (HR)."""

    def get_scoped_queryset(self) -> QuerySet[OffboardingCase]:
        return cases_visible_to(user=self.request.user)

    def generate(self) -> bytes:
        return certificate_pdf(actor=self.request.user, case=self.object)

    def file_name(self) -> str:
        return certificate_file_name(self.object)


class EvidencePdfView(_CasePdfView):
    """The compliance evidence package (HR, management, admin, the leaver's department head)."""

    def get_scoped_queryset(self) -> QuerySet[OffboardingCase]:
        return evidence_cases_visible_to(user=self.request.user)

    def generate(self) -> bytes:
        return evidence_package_pdf(actor=self.request.user, case=self.object)

    def file_name(self) -> str:
        return evidence_file_name(self.object)
