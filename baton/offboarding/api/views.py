"""The offboarding API: cases with their checklist, sign-offs and transfer plan, and revisits.

Every handler parses, calls one service or selector, and renders; the rules (who completes which
item, who signs, what blocks completion) live in ``baton.offboarding.services``, whose errors
become the error envelope.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from baton.core.api.serializers import StrictSerializer
from baton.core.api.viewsets import ScopedViewSet
from baton.core.errors import Forbidden
from baton.core.policy import AUTHENTICATED, Policy
from baton.offboarding import recommend, selectors, services
from baton.offboarding.api import serializers as s
from baton.offboarding.api.filters import CaseFilterSet, RevisitFilterSet
from baton.offboarding.models import HandoverItem, OffboardingCase, Revisit, TransferPlan
from baton.org.models import Employee

ITEM = r"items/(?P<item_id>[0-9]+)"


def _valid(
    serializer_class: type[serializers.Serializer], request: Request, view: Any, **kwargs: Any
) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context=view.get_serializer_context(), **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


ERRORS = {
    400: OpenApiResponse(description="Input refused; see `error.code` and `error.fields`."),
    403: OpenApiResponse(description="Not your part in this case (e.g. `not_your_item`, `hr_only`)."),
    404: OpenApiResponse(description="No such case, or outside your scope."),
    409: OpenApiResponse(description="Not possible in the case's state (e.g. `wrong_case_state`)."),
}


def _with_errors(ok: Any, status_code: int = 200) -> dict[Any, Any]:
    return {status_code: ok, **ERRORS}


@extend_schema(tags=["offboarding"])
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Offboarding cases within the caller's ``offboarding_case`` scope: the leaver their own,
    the team lead the team's, the department head the department's, HR, finance and
    management the company's. An employee opens their own resignation without any grant; the
    other actions need the grant named per action and the part the service checks (HR, the
    department head, the item's verifier, the signing party)."""

    resource = "offboarding_case"
    selector = selectors.cases_visible_to
    action_policies = {
        "item_complete": "view",
        "checklist": "view",
        "checklist_confirm": "view",
        "follow_up": "view",
        "approvals": "view",
        "approvals_decide": "approve",
        "transfer_plan": "change",
        "transfer_plan_save": "change",
        "execute": "change",
        "complete": "change",
        "withdraw": "change",
        "successor": "change",
        "exit_interview": "change",
    }
    serializer_class = s.CaseSerializer
    filterset_class = CaseFilterSet
    search_fields = ["employee__name", "employee__employee_no"]
    ordering_fields = ["last_working_day", "opened_at"]

    def get_policy(self) -> Policy:
        # The service decides: one's own resignation needs no grant, anyone else's the create scope.
        return AUTHENTICATED if self.action == "create" else super().get_policy()

    def get_queryset(self) -> QuerySet[OffboardingCase]:
        if self.action == "list":
            return selectors.hr_board(user=self.request.user, include_closed=True)
        queryset: QuerySet[OffboardingCase] = super().get_queryset()
        return queryset

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # Filters shape the list only; an object is found by its id alone within the scope.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def _detail(self, case: OffboardingCase) -> dict[str, Any]:
        queryset = selectors.cases_visible_to(user=self.request.user).select_related(
            "plan", "plan__successor"
        )
        full = selectors.case_detail(case_id=case.pk, queryset=queryset)
        return dict(s.CaseDetailSerializer(full, context=self.get_serializer_context()).data)

    def _item(self, case: OffboardingCase, item_id: str) -> HandoverItem:
        item = (
            HandoverItem.objects.select_related("case", "case__employee")
            .filter(case=case, pk=item_id)
            .first()
        )
        if item is None:
            raise Http404
        return item

    @extend_schema(responses=s.CaseDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        """One case with its checklist, evidence, sign-offs, blocking reasons and plan."""
        return Response(self._detail(self.get_object()))

    @extend_schema(request=s.CaseOpenSerializer, responses=_with_errors(s.CaseDetailSerializer, 201))
    def create(self, request: Request) -> Response:
        """Open a case. Your own resignation needs the notice period (``notice_too_short``); HR
        may record a shorter one (flagged). For anyone else you need ``offboarding_case.create``
        over them: otherwise 403 ``outside_scope``, whether or not the employee exists."""
        data = _valid(s.CaseOpenSerializer, request, self)
        employee = (
            Employee.objects.select_related("team", "department").filter(pk=data.pop("employee")).first()
        )
        if employee is None:
            raise Forbidden(code="outside_scope")  # the same answer as for an existing one out of reach
        case = services.case_open(actor=request.user, employee=employee, **data)
        return Response(self._detail(case), status=status.HTTP_201_CREATED)

    # --- the checklist -------------------------------------------------------------------

    @extend_schema(
        request={
            "multipart/form-data": s.ItemCompleteSerializer,
            "application/json": s.ItemCompleteSerializer,
        },
        responses=_with_errors(s.HandoverItemSerializer),
    )
    @action(detail=True, methods=["post"], url_path=f"{ITEM}/complete")
    def item_complete(self, request: Request, pk: str, item_id: str) -> Response:
        """Complete an item with its evidence: ``statement`` and/or ``files`` (several allowed).
        Errors: ``wrong_case_state`` (409), ``evidence_missing``, ``file_too_large``,
        ``file_type_refused`` (judged by the bytes, not the name), ``check_failed`` with the
        ``missing`` list (400), ``not_your_item`` (403), ``item_done`` (409)."""
        item = self._item(self.get_object(), item_id)
        data = _valid(s.ItemCompleteSerializer, request, self)
        item = services.handover_item_complete(actor=request.user, item=item, **data)
        done = HandoverItem.objects.prefetch_related("files").get(pk=item.pk)
        return Response(s.HandoverItemSerializer(done).data)

    @extend_schema(responses=_with_errors(s.ChecklistSerializer))
    @action(detail=True, methods=["get"], url_path=f"{ITEM}/checklist")
    def checklist(self, request: Request, pk: str, item_id: str) -> Response:
        """The list the system generates for a system-checked item, each row with its state."""
        item = self._item(self.get_object(), item_id)
        rows = selectors.item_checklist(item=item)
        body = {"item": item, **rows.__dict__}
        return Response(s.ChecklistSerializer(body).data)

    @extend_schema(request=s.ConfirmSerializer, responses=_with_errors(s.CheckOutcomeSerializer))
    @checklist.mapping.post
    def checklist_confirm(self, request: Request, pk: str, item_id: str) -> Response:
        """Confirm ``customers`` (customer item) or ``orders`` (open-order item) on the list;
        the item completes itself when nothing is left (``not_on_list`` for anything else)."""
        item = self._item(self.get_object(), item_id)
        data = _valid(s.ConfirmSerializer, request, self)
        if "customers" in data:
            result = services.customers_confirm(
                actor=request.user, item=item, customer_ids=data["customers"], note=data["note"]
            )
        else:
            result = services.orders_confirm(
                actor=request.user, item=item, order_ids=data["orders"], note=data["note"]
            )
        return self._outcome(item, result)

    @extend_schema(
        request={"multipart/form-data": s.FollowUpUploadSerializer},
        responses=_with_errors(s.CheckOutcomeSerializer),
    )
    @action(detail=True, methods=["post"], url_path=f"{ITEM}/follow-up")
    def follow_up(self, request: Request, pk: str, item_id: str) -> Response:
        """Upload one follow-up record (``file``) covering ``customers`` without a recent one."""
        item = self._item(self.get_object(), item_id)
        data = _valid(s.FollowUpUploadSerializer, request, self)
        result = services.follow_up_upload(
            actor=request.user, item=item, customer_ids=data["customers"], upload=data["file"]
        )
        return self._outcome(item, result)

    def _outcome(self, item: HandoverItem, result: dict[str, Any]) -> Response:
        now = HandoverItem.objects.prefetch_related("files").get(pk=item.pk)
        return Response(s.CheckOutcomeSerializer({"item": now, "result": result}).data)

    # --- sign-off ------------------------------------------------------------------------

    @extend_schema(responses=s.ApprovalSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def approvals(self, request: Request, pk: str) -> Response:
        """The three sign-offs of the case, in their order."""
        case = self.get_object()
        rows = case.approvals.select_related("decided_by").order_by("sequence", "pk")
        return Response(s.ApprovalSerializer(rows, many=True).data)

    @extend_schema(request=s.ApprovalDecideSerializer, responses=_with_errors(s.CaseDetailSerializer))
    @approvals.mapping.post
    def approvals_decide(self, request: Request, pk: str) -> Response:
        """Approve or reject for the party you sign for (``not_your_sign_off``). A rejection
        needs a ``comment`` and the ``reopen_items``: they go back to the leaver and every
        approval given so far is withdrawn. Answers the case as it is now."""
        case = self.get_object()
        data = _valid(s.ApprovalDecideSerializer, request, self)
        services.approval_decide(
            actor=request.user,
            case=case,
            decision=data["decision"],
            comment=data["comment"],
            role=data.get("role", ""),
            reopen_items=data["reopen_items"],
        )
        return Response(self._detail(case))

    # --- the transfer plan ---------------------------------------------------------------

    def _preview(self, case: OffboardingCase) -> Response:
        plan = TransferPlan.objects.filter(case=case).select_related("successor").first()
        lines = services.plan_preview(case=case, plan=plan)
        body = {
            "plan": plan,
            "lines": lines,
            "totals": s.transfer_totals(lines),
            "recommendations": [
                recommend.recommendation_json(r) for r in recommend.successors_recommended(case=case)
            ],
        }
        return Response(s.TransferPreviewSerializer(body).data)

    @extend_schema(responses=_with_errors(s.TransferPreviewSerializer))
    @action(detail=True, methods=["get"], url_path="transfer-plan", filter_backends=[])
    def transfer_plan(self, request: Request, pk: str) -> Response:
        """The saved plan (or none), each customer's destination under it as of now with the
        totals, and the successor candidates with the reasons for their scores."""
        return self._preview(self.get_object())

    @extend_schema(request=s.PlanSaveSerializer, responses=_with_errors(s.TransferPreviewSerializer))
    @transfer_plan.mapping.put
    def transfer_plan_save(self, request: Request, pk: str) -> Response:
        """Save the plan (HR or the department head; ``hr_or_head_only``), until it is executed
        (``plan_executed``). ``POST`` does the same. Answers the preview."""
        case = self.get_object()
        data = _valid(s.PlanSaveSerializer, request, self)
        services.plan_save(actor=request.user, case=case, **data)
        return self._preview(case)

    transfer_plan.mapping.post(transfer_plan_save)

    @extend_schema(request=None, responses=_with_errors(s.ExecutionSerializer))
    @action(detail=True, methods=["post"], url_path="transfer-plan/execute")
    def execute(self, request: Request, pk: str) -> Response:
        """Move every customer and all open work as the plan says, once: a second call (even a
        simultaneous one) moves nothing and answers ``executed_now: false``."""
        case = self.get_object()
        _valid(StrictSerializer, request, self)  # no fields are accepted
        plan, executed_now = services.plan_execute(actor=request.user, case=case)
        plan = TransferPlan.objects.select_related("successor").get(pk=plan.pk)
        return Response(s.ExecutionSerializer({"executed_now": executed_now, "plan": plan}).data)

    # --- the case itself -----------------------------------------------------------------

    @extend_schema(request=None, responses=_with_errors(s.CaseDetailSerializer))
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        """Complete the case (HR): the employee has left and the account is disabled. Blocked →
        409 ``case_blocked`` with the reasons in ``fields.blocked``."""
        case = self.get_object()
        _valid(StrictSerializer, request, self)  # no fields are accepted
        return Response(self._detail(services.case_complete(actor=request.user, case=case)))

    @extend_schema(request=s.WithdrawSerializer, responses=_with_errors(s.CaseDetailSerializer))
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """The resignation is withdrawn (HR or the department head): the employee is active again."""
        case = self.get_object()
        data = _valid(s.WithdrawSerializer, request, self)
        return Response(self._detail(services.case_withdraw(actor=request.user, case=case, **data)))

    @extend_schema(request=s.SuccessorSerializer, responses=_with_errors(s.CaseDetailSerializer))
    @action(detail=True, methods=["post"])
    def successor(self, request: Request, pk: str) -> Response:
        """Name the successor (HR or the department head): new orders go to them from now on."""
        case = self.get_object()
        data = _valid(s.SuccessorSerializer, request, self)
        return Response(self._detail(services.successor_set(actor=request.user, case=case, **data)))

    @extend_schema(request=s.ExitInterviewSerializer, responses=_with_errors(s.ExitInterviewOutSerializer))
    @action(detail=True, methods=["put"], url_path="exit-interview")
    def exit_interview(self, request: Request, pk: str) -> Response:
        """Record the exit interview (HR, ``hr_only``); recording again replaces it."""
        case = self.get_object()
        data = _valid(s.ExitInterviewSerializer, request, self)
        interview = services.exit_interview_record(actor=request.user, case=case, **data)
        return Response(s.ExitInterviewOutSerializer(interview).data)


@extend_schema(tags=["offboarding"])
class RevisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Revisits of key customers after a transfer, within the caller's ``revisit`` scope: the
    assignee their own, the team lead and department head by the customer's team
    (``open=true`` for those not recorded yet)."""

    resource = "revisit"
    selector = selectors.revisits_visible_to
    action_policies = {"outcome": "change"}
    serializer_class = s.RevisitSerializer
    filterset_class = RevisitFilterSet
    ordering_fields = ["due_on"]
    ordering = ["due_on", "id"]

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    @extend_schema(request=s.RevisitOutcomeSerializer, responses=_with_errors(s.RevisitSerializer))
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str) -> Response:
        """How it went: ``continuing``, ``at_risk`` or ``lost`` (the last two need ``notes`` and
        alert); recorded once (``revisit_done``)."""
        revisit = self.get_object()
        data = _valid(s.RevisitOutcomeSerializer, request, self)
        revisit = services.revisit_record(actor=request.user, revisit=revisit, **data)
        return Response(
            self.get_serializer(
                Revisit.objects.select_related("customer", "assignee", "case__employee").get(pk=revisit.pk)
            ).data
        )
