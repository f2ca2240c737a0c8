"""Offboarding API shapes. Money leaves as a string ("12800.00"); times as ISO 8601 with offset."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from baton.core.api.serializers import EnumField, StrictSerializer, named_enum
from baton.offboarding import selectors
from baton.offboarding.models import (
    Approval,
    CaseKind,
    CaseStatus,
    Decision,
    Destination,
    Evidence,
    HandoverEvidence,
    HandoverItem,
    ItemStatus,
    OffboardingCase,
    Revisit,
    RevisitOutcome,
    SignOffRole,
    Strategy,
    SystemCheck,
    TransferPlan,
    Verifier,
)
from baton.offboarding.services.cases import EXIT_REASONS
from baton.org.api.serializers import DepartmentBriefSerializer, EmployeeBriefSerializer, TeamBriefSerializer
from baton.org.models import Employee, EmployeeStatus
from baton.org.selectors import employees_visible_to

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": True}


@named_enum("Offboarding")
class CaseKindField(EnumField):
    choices_class = CaseKind


@named_enum("Offboarding")
class CaseStatusField(EnumField):
    choices_class = CaseStatus


@named_enum("Offboarding")
class ItemStatusField(EnumField):
    choices_class = ItemStatus


@named_enum("Offboarding")
class EvidenceField(EnumField):
    choices_class = Evidence


@named_enum("Offboarding")
class SystemCheckField(EnumField):
    choices_class = SystemCheck


@named_enum("Offboarding")
class VerifierField(EnumField):
    choices_class = Verifier


@named_enum("Offboarding")
class SignOffRoleField(EnumField):
    choices_class = SignOffRole


@named_enum("Offboarding")
class DecisionField(EnumField):
    choices_class = Decision


@named_enum("Offboarding")
class StrategyField(EnumField):
    choices_class = Strategy


@named_enum("Offboarding")
class DestinationField(EnumField):
    choices_class = Destination


@named_enum("Offboarding")
class RevisitOutcomeField(EnumField):
    choices_class = RevisitOutcome


# --- Output -------------------------------------------------------------------------------


class _Ref(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class UserBriefSerializer(serializers.Serializer):
    """The account that acted: its 工号 and name."""

    id = serializers.IntegerField()
    employee_no = serializers.CharField(help_text="工号")
    display_name = serializers.CharField()


@named_enum("Offboarding")
class EmployeeStatusField(EnumField):
    choices_class = EmployeeStatus


class LeaverSerializer(EmployeeBriefSerializer):
    department = DepartmentBriefSerializer(read_only=True)
    status = EmployeeStatusField(read_only=True)
    team = TeamBriefSerializer(read_only=True, allow_null=True)

    class Meta(EmployeeBriefSerializer.Meta):
        fields = [*EmployeeBriefSerializer.Meta.fields, "department", "team", "status"]


class CaseSerializer(serializers.ModelSerializer):
    """A case on the board with its progress (required items done of total, overdue items,
    sign-offs given)."""

    employee = LeaverSerializer(read_only=True)
    kind = CaseKindField(read_only=True)
    status = CaseStatusField(read_only=True)
    successor = EmployeeBriefSerializer(read_only=True, allow_null=True)
    items_total = serializers.IntegerField(read_only=True)
    items_done = serializers.IntegerField(read_only=True)
    items_overdue = serializers.IntegerField(read_only=True)
    approvals_done = serializers.IntegerField(read_only=True)

    class Meta:
        model = OffboardingCase
        fields = [
            "id",
            "employee",
            "kind",
            "status",
            "submitted_on",
            "last_working_day",
            "successor",
            "opened_at",
            "completed_at",
            "items_total",
            "items_done",
            "items_overdue",
            "approvals_done",
        ]
        read_only_fields = fields


class NoticeSerializer(serializers.Serializer):
    required_days = serializers.IntegerField(source="notice_days_required")
    given_days = serializers.IntegerField(source="notice_days_given")
    short = serializers.SerializerMethodField()

    def get_short(self, case: OffboardingCase) -> bool:
        return case.notice_days_given < case.notice_days_required


class ImpactSerializer(serializers.Serializer):
    """What the departure puts at risk, measured when the case opened (money in CNY)."""

    customers = serializers.IntegerField()
    key_customers = serializers.IntegerField()
    revenue_12m = serializers.DecimalField(**MONEY)
    company_revenue_12m = serializers.DecimalField(**MONEY)
    share = serializers.DecimalField(
        max_digits=6, decimal_places=4, help_text='Of company revenue in 12 months, e.g. "0.2038".'
    )
    open_orders = serializers.IntegerField()
    open_orders_amount = serializers.DecimalField(**MONEY)
    receivables_open = serializers.DecimalField(**MONEY)


class EvidenceFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = HandoverEvidence
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_at"]
        read_only_fields = fields


class CheckResultSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField(), help_text="At most 20 names.")
    missing_count = serializers.IntegerField()


class HandoverItemSerializer(serializers.ModelSerializer):
    evidence = EvidenceField(read_only=True)
    system_check = SystemCheckField(read_only=True)
    verifier = VerifierField(read_only=True)
    status = ItemStatusField(read_only=True)
    files = EvidenceFileSerializer(many=True, read_only=True)
    system_result = serializers.SerializerMethodField()

    class Meta:
        model = HandoverItem
        fields = [
            "id",
            "code",
            "title",
            "description",
            "evidence",
            "system_check",
            "verifier",
            "required",
            "due_at",
            "status",
            "statement",
            "reopen_note",
            "completed_at",
            "files",
            "system_result",
        ]
        read_only_fields = fields

    @extend_schema_field(CheckResultSerializer(allow_null=True))
    def get_system_result(self, item: HandoverItem) -> dict[str, Any] | None:
        return item.system_result or None


class ApprovalSerializer(serializers.ModelSerializer):
    role = SignOffRoleField(read_only=True)
    decision = DecisionField(read_only=True)
    decided_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Approval
        fields = [
            "id",
            "role",
            "sequence",
            "decision",
            "comment",
            "decided_by",
            "decided_at",
            "requested_at",
            "due_at",
        ]
        read_only_fields = fields


class PlanSummarySerializer(serializers.ModelSerializer):
    strategy = StrategyField(read_only=True)
    successor = EmployeeBriefSerializer(read_only=True, allow_null=True)
    rest_to = DestinationField(read_only=True)
    summary = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text="What the execution moved; {} before."
    )

    class Meta:
        model = TransferPlan
        fields = ["strategy", "successor", "rest_to", "updated_at", "executed_at", "summary"]
        read_only_fields = fields


class CaseDetailSerializer(serializers.ModelSerializer):
    """One case: the leaver, the checklist with its evidence, the sign-offs, what blocks
    completion, whom it waits on, and the transfer plan."""

    employee = LeaverSerializer(read_only=True)
    kind = CaseKindField(read_only=True)
    status = CaseStatusField(read_only=True)
    notice = NoticeSerializer(source="*", read_only=True)
    impact = ImpactSerializer(read_only=True)
    successor = EmployeeBriefSerializer(read_only=True, allow_null=True)
    items = HandoverItemSerializer(many=True, read_only=True)
    approvals = ApprovalSerializer(many=True, read_only=True)
    blocking_reasons = serializers.SerializerMethodField()
    waiting_on = serializers.SerializerMethodField()
    plan = serializers.SerializerMethodField()

    class Meta:
        model = OffboardingCase
        fields = [
            "id",
            "employee",
            "kind",
            "status",
            "reason",
            "submitted_on",
            "last_working_day",
            "notice",
            "impact",
            "successor",
            "opened_at",
            "access_ended_at",
            "completed_at",
            "items",
            "approvals",
            "blocking_reasons",
            "waiting_on",
            "plan",
        ]
        read_only_fields = fields

    def get_blocking_reasons(self, case: OffboardingCase) -> list[str]:
        return selectors.blocking_reasons(case=case)

    def get_waiting_on(self, case: OffboardingCase) -> list[str]:
        return selectors.waiting_on(case=case)

    @extend_schema_field(PlanSummarySerializer(allow_null=True))
    def get_plan(self, case: OffboardingCase) -> dict[str, Any] | None:
        plan = getattr(case, "plan", None)  # the reverse one-to-one raises AttributeError when absent
        return PlanSummarySerializer(plan).data if plan is not None else None


# --- Checklist of a system item ---------------------------------------------------------------


class ChecklistCustomerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    is_key_account = serializers.BooleanField()
    confirmed = serializers.BooleanField()


class ChecklistOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    customer = _Ref()
    order_date = serializers.DateField()
    status = serializers.CharField()
    amount = serializers.DecimalField(**MONEY)
    confirmed = serializers.BooleanField()


class FollowUpMissingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    last_follow_up_at = serializers.DateTimeField(allow_null=True)


class ChecklistSerializer(serializers.Serializer):
    """The list the system generates for the item; only the list of its check is filled."""

    item = HandoverItemSerializer()
    customers = ChecklistCustomerSerializer(many=True, help_text="customers_confirmed: every owned customer.")
    orders = ChecklistOrderSerializer(many=True, help_text="open_orders_confirmed: every open order.")
    follow_ups_missing = FollowUpMissingSerializer(
        many=True, help_text="recent_follow_ups: customers without a follow-up in 30 days."
    )


class CheckOutcomeSerializer(serializers.Serializer):
    """The system check after the confirmation or upload, and the item as it is now."""

    item = HandoverItemSerializer()
    result = CheckResultSerializer()


# --- Transfer plan ----------------------------------------------------------------------------


class TransferLineSerializer(serializers.Serializer):
    customer = serializers.SerializerMethodField()
    is_key_account = serializers.BooleanField()
    revenue_12m = serializers.DecimalField(**MONEY)
    open_orders = serializers.IntegerField()
    receivables_open = serializers.DecimalField(**MONEY)
    contracts_in_force = serializers.IntegerField()
    destination = DestinationField()
    to_employee = EmployeeBriefSerializer(allow_null=True)
    to_pool = serializers.IntegerField(source="to_pool_id", allow_null=True)
    overridden = serializers.BooleanField()

    @extend_schema_field(_Ref())
    def get_customer(self, line: Any) -> dict[str, Any]:
        return {"id": line.customer_id, "name": line.name}


class TransferTotalsSerializer(serializers.Serializer):
    customers = serializers.IntegerField()
    revenue_12m = serializers.DecimalField(**MONEY)
    open_orders = serializers.IntegerField()
    receivables_open = serializers.DecimalField(**MONEY)
    contracts_in_force = serializers.IntegerField()
    to_employees = serializers.IntegerField()
    to_team_pool = serializers.IntegerField()
    to_public_pool = serializers.IntegerField()


class RecommendationSerializer(serializers.Serializer):
    employee = serializers.IntegerField()
    employee_no = serializers.CharField()
    name = serializers.CharField()
    team = serializers.CharField()
    score = serializers.IntegerField(help_text="Out of 100.")
    load = serializers.IntegerField(help_text="Customers owned now.")
    reasons = serializers.ListField(child=serializers.CharField())


class OverrideOutSerializer(serializers.Serializer):
    destination = DestinationField()
    employee = serializers.IntegerField(required=False)


class TransferPlanSerializer(PlanSummarySerializer):
    overrides = serializers.DictField(child=OverrideOutSerializer(), read_only=True)

    class Meta(PlanSummarySerializer.Meta):
        fields = [*PlanSummarySerializer.Meta.fields, "overrides"]
        read_only_fields = fields


class TransferPreviewSerializer(serializers.Serializer):
    """Where each customer the leaver still owns goes under the saved plan, as of now."""

    plan = TransferPlanSerializer(allow_null=True)
    lines = TransferLineSerializer(many=True)
    totals = TransferTotalsSerializer()
    recommendations = RecommendationSerializer(many=True, help_text="Successor candidates, best first.")


def transfer_totals(lines: list[Any]) -> dict[str, Any]:
    """The sums shown under the plan's lines."""
    to = [line.destination for line in lines]
    return {
        "customers": len(lines),
        "revenue_12m": sum((line.revenue_12m for line in lines), Decimal("0")),
        "open_orders": sum(line.open_orders for line in lines),
        "receivables_open": sum((line.receivables_open for line in lines), Decimal("0")),
        "contracts_in_force": sum(line.contracts_in_force for line in lines),
        "to_employees": to.count(Destination.EMPLOYEE),
        "to_team_pool": to.count(Destination.TEAM_POOL),
        "to_public_pool": to.count(Destination.PUBLIC_POOL),
    }


class ExecutionSerializer(serializers.Serializer):
    """The executed plan. ``executed_now`` is false when it had been executed already (by an
    earlier or a simultaneous call): nothing moved twice."""

    executed_now = serializers.BooleanField()
    plan = TransferPlanSerializer()


class ExitInterviewOutSerializer(serializers.Serializer):
    main_reason = serializers.CharField()
    would_return = serializers.BooleanField()
    feedback = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class RevisitSerializer(serializers.ModelSerializer):
    """A visit to a key customer after the transfer."""

    customer = _Ref(read_only=True)
    assignee = EmployeeBriefSerializer(read_only=True)
    leaver = EmployeeBriefSerializer(source="case.employee", read_only=True)
    outcome = serializers.SerializerMethodField()

    class Meta:
        model = Revisit
        fields = [
            "id",
            "case",
            "leaver",
            "customer",
            "assignee",
            "due_on",
            "outcome",
            "notes",
            "done_at",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(RevisitOutcomeField(allow_null=True))
    def get_outcome(self, revisit: Revisit) -> str | None:
        return revisit.outcome or None


# --- Input ---------------------------------------------------------------------------------


def _ids(help_text: str, **kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=2000, help_text=help_text, **kwargs
    )


class _ScopedPeopleMixin:
    """Employees named in input must be visible to the caller; anyone else is answered like
    an id that does not exist."""

    people_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)  # type: ignore[attr-defined]
        for name in self.people_fields:
            self.fields[name].queryset = employees_visible_to(user=user)  # type: ignore[attr-defined]


def _person(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(queryset=Employee.objects.none(), **kwargs)


class CaseOpenSerializer(StrictSerializer):
    """A resignation (the employee's own, or recorded by HR), a dismissal or a contract end."""

    employee = serializers.IntegerField(min_value=1, help_text="Employee id; your own for your resignation.")
    kind = CaseKindField()
    reason = serializers.CharField(max_length=5000)
    last_working_day = serializers.DateField()
    submitted_on = serializers.DateField(required=False, default=None, help_text="Default: today.")


class ItemCompleteSerializer(StrictSerializer):
    """Sent as multipart/form-data (or JSON when there is no file)."""

    statement = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=20,
        help_text="One or more files (repeat the part): documents, images, recordings or text, 20 MB each.",
    )


class ConfirmSerializer(StrictSerializer):
    customers = _ids("Customer ids on the item's list.", required=False)
    orders = _ids("Open order ids on the item's list.", required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("customers" in attrs) == ("orders" in attrs):
            raise serializers.ValidationError({"customers": [_("Give either customers or orders.")]})
        return attrs


class FollowUpUploadSerializer(StrictSerializer):
    """Sent as multipart/form-data: one record covering one or more customers."""

    customers = _ids("Customers the record covers (repeat the part).")
    file = serializers.FileField(help_text="A document, image, recording or text, at most 20 MB.")


class ApprovalDecideSerializer(StrictSerializer):
    decision = serializers.ChoiceField(choices=[Decision.APPROVED.value, Decision.REJECTED.value])
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    role = SignOffRoleField(required=False, help_text="The party you sign for, when you play several.")
    reopen_items = _ids("Items to redo (a rejection needs at least one).", required=False, default=list)


class OverrideSerializer(StrictSerializer):
    destination = DestinationField()
    employee = serializers.IntegerField(required=False, allow_null=True, default=None)


class PlanSaveSerializer(_ScopedPeopleMixin, StrictSerializer):
    people_fields = ("successor",)

    strategy = StrategyField()
    successor = _person(required=False, allow_null=True, default=None)
    rest_to = serializers.ChoiceField(
        choices=[Destination.TEAM_POOL.value, Destination.PUBLIC_POOL.value],
        required=False,
        default=Destination.TEAM_POOL.value,
    )
    overrides = serializers.DictField(
        child=OverrideSerializer(),
        required=False,
        default=dict,
        help_text='Per customer id, e.g. {"12": {"destination": "employee", "employee": 5}}.',
    )

    def validate_overrides(self, value: dict[str, Any]) -> dict[str, Any]:
        wanted = {v["employee"] for v in value.values() if v.get("employee") is not None}
        user = getattr(self.context.get("request"), "user", None)
        visible = set(employees_visible_to(user=user).filter(pk__in=wanted).values_list("pk", flat=True))
        if wanted - visible:
            raise serializers.ValidationError(_("Choose colleagues you can see."))
        return value


class SuccessorSerializer(_ScopedPeopleMixin, StrictSerializer):
    people_fields = ("successor",)

    successor = _person()


class WithdrawSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000)


class ExitInterviewSerializer(StrictSerializer):
    main_reason = serializers.ChoiceField(choices=list(EXIT_REASONS))
    would_return = serializers.BooleanField()
    feedback = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class RevisitOutcomeSerializer(StrictSerializer):
    outcome = RevisitOutcomeField()
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
