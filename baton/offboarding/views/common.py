"""Pieces shared by the offboarding pages: the case form base, evidence downloads, the timeline."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy

from baton.core.errors import BatonError
from baton.core.views import ScopedObjectMixin, ServiceFormView
from baton.offboarding.models import HandoverEvidence, OffboardingCase
from baton.offboarding.selectors import cases_visible_to
from baton.offboarding.services.evidence import evidence_download_record

# What the timeline calls each recorded event; an unknown one shows its code.
TIMELINE_LABELS = {
    "offboarding.case_opened": gettext_lazy("Case opened"),
    "offboarding.case_refused": gettext_lazy("Refused: not allowed on this case"),
    "offboarding.successor_set": gettext_lazy("Successor named"),
    "offboarding.case_withdrawn": gettext_lazy("Withdrawn"),
    "offboarding.access_ended": gettext_lazy("Access ended"),
    "offboarding.case_completed": gettext_lazy("Completed"),
    "offboarding.exit_interview_recorded": gettext_lazy("Exit interview recorded"),
    "offboarding.item_completed": gettext_lazy("Item completed"),
    "offboarding.item_refused": gettext_lazy("Refused: not this person's item"),
    "offboarding.evidence_uploaded": gettext_lazy("Evidence uploaded"),
    "offboarding.evidence_downloaded": gettext_lazy("Evidence downloaded"),
    "offboarding.customers_confirmed": gettext_lazy("Customers confirmed"),
    "offboarding.orders_confirmed": gettext_lazy("Open orders confirmed"),
    "offboarding.items_reopened": gettext_lazy("Items reopened"),
    "offboarding.sign_off_started": gettext_lazy("Sign-off started"),
    "offboarding.sign_off_decided": gettext_lazy("Sign-off decided"),
    "offboarding.sign_off_refused": gettext_lazy("Refused: no sign-off waiting for this person"),
    "offboarding.case_ready": gettext_lazy("Signed off by everyone"),
    "offboarding.plan_saved": gettext_lazy("Transfer plan saved"),
    "offboarding.transfer_executed": gettext_lazy("Customers transferred"),
}


def timeline_rows(events: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "event": e,
            "label": TIMELINE_LABELS.get(e.action, e.action),
            "code": e.changes.get("code") or e.changes.get("item") or "",
            "denied": e.result != "success",
        }
        for e in events
    ]


def evidence_response(*, actor: Any, evidence: HandoverEvidence) -> FileResponse:
    """An evidence file as a download the browser must neither sniff nor cache; audited."""
    with contextlib.ExitStack() as stack:
        # Open before recording (a lost file is an error, not a download); close it again if
        # recording fails, otherwise the response owns it.
        handle = stack.enter_context(evidence.file.open("rb"))
        evidence_download_record(actor=actor, evidence=evidence)
        stack.pop_all()
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


class CaseFormView(ScopedObjectMixin, ServiceFormView):
    """One form about one case, posted from the case page. A success goes back to the case page
    with a message; a refusal shows on this form's own page with the input kept."""

    template_name = "offboarding/case_form.html"
    context_object_name = "case"
    http_method_names = ["get", "post"]
    title: Any = ""
    anchor = ""
    object: OffboardingCase

    def get_scoped_queryset(self) -> QuerySet[OffboardingCase]:
        policy = self.get_policy()
        assert policy is not None
        return cases_visible_to(user=self.request.user, action=policy.action)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(title=self.title, **kwargs)

    def perform(self, form: Any) -> HttpResponse:
        messages.success(self.request, self.call_service(form))
        return self.success_response()

    def call_service(self, form: Any) -> str:
        """Call the one service; return the success message."""
        raise NotImplementedError

    def success_response(self) -> HttpResponse:
        return redirect(reverse("offboarding:case_detail", args=[self.object.pk]) + self.anchor)


def error_text(exc: BatonError) -> str:
    """A service's refusal as one line, for a message."""
    problems = [str(m) for ms in exc.fields.values() for m in ms]
    return " ".join([str(exc.message), *problems]) if exc.fields else str(exc.message)
