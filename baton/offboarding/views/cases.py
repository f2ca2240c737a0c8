"""The HR board, the approver's inbox, opening a case, the case page and its forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from baton.authz.selectors import user_can
from baton.core import clock
from baton.core.errors import InvalidInput
from baton.core.policy import AUTHENTICATED, requires
from baton.core.views import BatonTemplateView, BatonViewMixin, ScopedObjectMixin, ServiceFormView
from baton.offboarding.forms import (
    EXIT_REASON_LABELS,
    CaseOpenForm,
    CompleteForm,
    DecisionForm,
    ExitInterviewForm,
    ItemCompleteForm,
    ResignationForm,
    SuccessorForm,
    WithdrawForm,
)
from baton.offboarding.models import (
    Approval,
    CaseKind,
    CaseStatus,
    Decision,
    Evidence,
    HandoverEvidence,
    HandoverItem,
    ItemStatus,
    OffboardingCase,
)
from baton.offboarding.people import department_head_of, holds_role
from baton.offboarding.selectors import (
    approvals_waiting_for,
    blocking_reasons,
    case_open_for,
    case_timeline,
    cases_visible_to,
    hr_board,
    policy_for,
    waiting_on,
)
from baton.offboarding.services import (
    approval_decide,
    case_complete,
    case_open,
    case_withdraw,
    exit_interview_record,
    notice_required,
    successor_set,
)
from baton.offboarding.services.checklist import may_complete
from baton.offboarding.services.signoff import plays_party
from baton.offboarding.views.common import CaseFormView, evidence_response, timeline_rows
from baton.org.selectors import employees_visible_to

# --- Lists --------------------------------------------------------------------------------------


class BoardView(BatonTemplateView):
    """HR's board: every case in scope with its progress, overdue items, whom it waits on and
    what still blocks it. Open cases by default; ``?show=all`` adds the closed ones."""

    policy = requires("offboarding_case", "view")
    template_name = "offboarding/board.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        show_all = self.request.GET.get("show") == "all"
        cases = list(hr_board(user=self.request.user, include_closed=show_all))
        ctx["rows"] = [
            {"case": c, "waiting_on": waiting_on(case=c), "blocked": blocking_reasons(case=c)} for c in cases
        ]
        ctx["show_all"] = show_all
        ctx["can_open"] = user_can(user=self.request.user, resource="offboarding_case", action="create")
        return ctx


class InboxView(BatonTemplateView):
    """The sign-offs waiting for the user, soonest due first."""

    policy = requires("offboarding_case", "approve")
    template_name = "offboarding/inbox.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["approvals"] = list(approvals_waiting_for(user=self.request.user))
        ctx["now"] = clock.now()
        return ctx


# --- Opening a case -----------------------------------------------------------------------------


def _notice_rule(user: Any) -> Any:
    employee = getattr(user, "employee", None)
    return policy_for(employee.company_id) if employee is not None else None


class CaseOpenView(BatonViewMixin, ServiceFormView):
    """HR or a department head records a resignation, dismissal or contract end."""

    policy = requires("offboarding_case", "create")
    template_name = "offboarding/case_open.html"

    def get_form(self, data: Any = None) -> CaseOpenForm:
        return CaseOpenForm(data, employees=employees_visible_to(user=self.request.user))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(notice=_notice_rule(self.request.user), **kwargs)

    def perform(self, form: CaseOpenForm) -> HttpResponse:
        data = form.cleaned_data
        case = case_open(
            actor=self.request.user,
            employee=data["employee"],
            kind=data["kind"],
            reason=data["reason"],
            last_working_day=data["last_working_day"],
        )
        messages.success(self.request, _("The case of %(name)s was opened.") % {"name": case.employee.name})
        if cases_visible_to(user=self.request.user).filter(pk=case.pk).exists():
            return redirect("offboarding:case_detail", pk=case.pk)
        return redirect("offboarding:board")


class ResignView(BatonViewMixin, ServiceFormView):
    """Any employee submits their own resignation; the page shows the earliest last day allowed."""

    policy = AUTHENTICATED
    template_name = "offboarding/resign.html"

    def get_form(self, data: Any = None) -> ResignationForm:
        return ResignationForm(data)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        employee = getattr(self.request.user, "employee", None)
        if employee is not None:
            policy = policy_for(employee.company_id)
            days = notice_required(employee=employee, kind=CaseKind.RESIGNATION, policy=policy)
            ctx["notice"], ctx["notice_days"] = policy, days
            ctx["earliest"] = clock.local_date(clock.now()) + dt.timedelta(days=days)
            ctx["open_case"] = case_open_for(employee=employee)
        return ctx

    def perform(self, form: ResignationForm) -> HttpResponse:
        employee = getattr(self.request.user, "employee", None)
        if employee is None:
            raise InvalidInput(_("Only an employee of the company can resign here."), code="no_employee")
        case_open(
            actor=self.request.user,
            employee=employee,
            kind=CaseKind.RESIGNATION,
            reason=form.cleaned_data["reason"],
            last_working_day=form.cleaned_data["last_working_day"],
        )
        messages.success(self.request, _("Your resignation was submitted. Here is your handover."))
        return redirect("offboarding:my_handover")


# --- The case page ------------------------------------------------------------------------------


def case_queryset(user: Any) -> QuerySet[OffboardingCase]:
    """Cases in the user's scope with everything the case page shows, in a fixed number of queries."""
    return (
        cases_visible_to(user=user)
        .select_related("plan", "exit_interview", "template", "employee__department__parent")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=HandoverItem.objects.prefetch_related("files", "confirmations").select_related(
                    "completed_by"
                ),
            ),
            Prefetch("approvals", queryset=Approval.objects.select_related("decided_by")),
        )
    )


def impact_figures(impact: dict[str, Any]) -> dict[str, Any]:
    share = Decimal(str(impact.get("share") or "0"))
    return {**impact, "share_percent": f"{share * 100:.1f}"}


class CaseDetailView(ScopedObjectMixin, TemplateView):
    """One departure: impact, checklist, sign-off, successor, exit interview, timeline."""

    policy = requires("offboarding_case", "view")
    template_name = "offboarding/case_detail.html"
    context_object_name = "case"
    object: OffboardingCase

    def get_scoped_queryset(self) -> QuerySet[OffboardingCase]:
        return case_queryset(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user, case = self.request.user, self.object
        is_hr = holds_role(user, "hr")
        head = department_head_of(case.employee)
        is_head = head is not None and getattr(getattr(user, "employee", None), "pk", None) == head.pk
        in_change_scope = cases_visible_to(user=user, action="change").filter(pk=case.pk).exists()
        manages = case.is_open and in_change_scope and (is_hr or is_head)
        ctx.update(
            impact=impact_figures(case.impact),
            items=self._item_rows(case),
            approval_rows=self._approval_rows(case),
            blocked=blocking_reasons(case=case),
            waiting_on=waiting_on(case=case),
            timeline=timeline_rows(case_timeline(case=case)),
            plan=getattr(case, "plan", None),
            interview=getattr(case, "exit_interview", None),
            is_hr=is_hr,
            manages=manages,
            can_plan=manages,
            can_download=True,  # the evidence download has the same policy and scope as this page
            can_package=is_hr or is_head or holds_role(user, "management") or holds_role(user, "admin"),
            can_certificate=is_hr and case.status == CaseStatus.COMPLETED,
        )
        if manages:
            employees = employees_visible_to(user=user)
            ctx["successor_form"] = SuccessorForm(employees=employees, case=case, auto_id="successor-%s")
            ctx["withdraw_form"] = WithdrawForm(auto_id="withdraw-%s")
        if is_hr and in_change_scope:
            interview = ctx["interview"]
            initial = (
                {
                    "main_reason": interview.main_reason,
                    "would_return": interview.would_return,
                    "feedback": interview.feedback,
                }
                if interview
                else None
            )
            ctx["interview_form"] = ExitInterviewForm(initial=initial, auto_id="interview-%s")
            ctx["can_complete"] = case.is_open
        if ctx["interview"] is not None:
            reason = ctx["interview"].main_reason
            ctx["interview_reason"] = EXIT_REASON_LABELS.get(reason, reason)
        return ctx

    def _item_rows(self, case: OffboardingCase) -> list[dict[str, Any]]:
        """Each item with whether the viewer completes it here (asked once per kind of verifier)."""
        user, now = self.request.user, clock.now()
        allowed: dict[str, bool] = {}
        rows = []
        for item in case.items.all():
            item.case = case
            if item.verifier not in allowed:
                allowed[item.verifier] = may_complete(actor=user, item=item)
            open_here = (
                case.status == CaseStatus.HANDOVER
                and item.status != ItemStatus.DONE
                and item.evidence != Evidence.SYSTEM
                and allowed[item.verifier]
            )
            rows.append(
                {
                    "item": item,
                    "overdue": item.status != ItemStatus.DONE and item.due_at < now,
                    "form": ItemCompleteForm(item=item, auto_id=f"item{item.pk}-%s") if open_here else None,
                }
            )
        return rows

    def _approval_rows(self, case: OffboardingCase) -> list[dict[str, Any]]:
        user = self.request.user
        rows = []
        for approval in case.approvals.all():
            mine = (
                case.status == CaseStatus.SIGN_OFF
                and approval.decision == Decision.WAITING
                and approval.requested_at is not None
                and plays_party(actor=user, case=case, role=approval.role)
            )
            form = None
            if mine:
                form = DecisionForm(
                    case=case, initial={"role": approval.role}, auto_id=f"decide-{approval.role}-%s"
                )
            rows.append({"approval": approval, "form": form})
        return rows


class DecisionView(CaseFormView):
    """Approve, or reject naming the items to redo (they are reopened for the leaver)."""

    policy = requires("offboarding_case", "approve")
    title = gettext_lazy("Sign off")
    anchor = "#sign-off"

    def get_form(self, data: Any = None) -> DecisionForm:
        return DecisionForm(data, case=self.object)

    def call_service(self, form: DecisionForm) -> str:
        data = form.cleaned_data
        approval = approval_decide(
            actor=self.request.user,
            case=self.object,
            decision=data["decision"],
            comment=data["comment"],
            role=data["role"],
            reopen_items=data["reopen_items"],
        )
        if approval.decision == Decision.APPROVED:
            return _("You approved the handover.")
        return _("You rejected the handover; the items were sent back.")


class SuccessorView(CaseFormView):
    policy = requires("offboarding_case", "change")
    title = gettext_lazy("Name the successor")

    def get_form(self, data: Any = None) -> SuccessorForm:
        return SuccessorForm(data, employees=employees_visible_to(user=self.request.user), case=self.object)

    def call_service(self, form: SuccessorForm) -> str:
        successor = form.cleaned_data["successor"]
        successor_set(actor=self.request.user, case=self.object, successor=successor)
        return _("%(name)s is the successor.") % {"name": successor.name}


class ExitInterviewView(CaseFormView):
    policy = requires("offboarding_case", "change")
    title = gettext_lazy("Exit interview")
    anchor = "#interview"

    def get_form(self, data: Any = None) -> ExitInterviewForm:
        return ExitInterviewForm(data)

    def call_service(self, form: ExitInterviewForm) -> str:
        exit_interview_record(actor=self.request.user, case=self.object, **form.cleaned_data)
        return _("The exit interview was recorded.")


class CompleteView(CaseFormView):
    """HR completes a case nothing blocks any more; a blocked case shows why."""

    policy = requires("offboarding_case", "change")
    title = gettext_lazy("Complete the case")

    def get_form(self, data: Any = None) -> CompleteForm:
        return CompleteForm(data)

    def call_service(self, form: CompleteForm) -> str:
        case_complete(actor=self.request.user, case=self.object)
        return _("The case is completed.")


class WithdrawView(CaseFormView):
    policy = requires("offboarding_case", "change")
    title = gettext_lazy("Withdraw the case")

    def get_form(self, data: Any = None) -> WithdrawForm:
        return WithdrawForm(data)

    def call_service(self, form: WithdrawForm) -> str:
        case_withdraw(actor=self.request.user, case=self.object, reason=form.cleaned_data["reason"])
        return _("The case was withdrawn.")


class EvidenceDownloadView(ScopedObjectMixin):
    """An evidence file of a case in scope, as an attachment (audited)."""

    policy = requires("offboarding_case", "view")
    http_method_names = ["get"]
    object: HandoverEvidence

    def get_scoped_queryset(self) -> QuerySet[HandoverEvidence]:
        cases = cases_visible_to(user=self.request.user).values("pk")
        return HandoverEvidence.objects.filter(item__case__in=cases).select_related("item")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.object.file:
            raise Http404
        return evidence_response(actor=request.user, evidence=self.object)
