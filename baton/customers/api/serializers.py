from __future__ import annotations

from typing import Any

from rest_framework import serializers

from baton.core.api.serializers import EnumField, StrictSerializer, named_enum
from baton.customers.api.output import PlannedOutputMixin
from baton.customers.models import (
    Complaint,
    ComplaintSeverity,
    ComplaintStatus,
    Contact,
    Contract,
    Customer,
    CustomerCollaborator,
    CustomerFact,
    CustomerStatus,
    FactStatus,
    FollowUpTask,
    Industry,
    Interaction,
    InteractionAttachment,
    InteractionChannel,
    Order,
    OrderStatus,
    OwnershipChange,
    OwnershipChangeKind,
    Pool,
    PoolKind,
    Receivable,
    ReceivableStatus,
    Region,
    Tier,
)
from baton.org.api.serializers import EmployeeBriefSerializer, TeamBriefSerializer
from baton.org.models import Employee, TeamRole
from baton.org.selectors import employees_visible_to

# Money leaves the API as a string ("12800.00"), never as a float.
MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": True}


@named_enum()
class CustomerStatusField(EnumField):
    choices_class = CustomerStatus


@named_enum()
class OrderStatusField(EnumField):
    choices_class = OrderStatus


@named_enum()
class ComplaintStatusField(EnumField):
    choices_class = ComplaintStatus


@named_enum()
class ComplaintSeverityField(EnumField):
    choices_class = ComplaintSeverity


@named_enum()
class FactStatusField(EnumField):
    choices_class = FactStatus


@named_enum()
class ReceivableStatusField(EnumField):
    choices_class = ReceivableStatus


@named_enum()
class PoolKindField(EnumField):
    choices_class = PoolKind


@named_enum()
class OwnershipChangeKindField(EnumField):
    choices_class = OwnershipChangeKind


# --- Output -------------------------------------------------------------------------------


class PoolBriefSerializer(serializers.ModelSerializer):
    kind = PoolKindField(read_only=True)

    class Meta:
        model = Pool
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class CustomerRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "name"]
        read_only_fields = fields


class CustomerSerializer(PlannedOutputMixin, serializers.ModelSerializer):
    """A customer account with its team, owner (客户经理) and pool."""

    team = TeamBriefSerializer(read_only=True, allow_null=True)
    owner = EmployeeBriefSerializer(read_only=True, allow_null=True)
    pool = PoolBriefSerializer(read_only=True)
    status = CustomerStatusField(read_only=True)
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "credit_code",
            "region",
            "industry",
            "tier",
            "is_key_account",
            "status",
            "address",
            "tags",
            "source",
            "team",
            "owner",
            "pool",
            "owned_since",
            "last_follow_up_at",
            "last_order_at",
            "created_at",
        ]
        read_only_fields = fields


class CustomerOutlineSerializer(serializers.ModelSerializer):
    """What the public pool (公海) shows before a customer is claimed."""

    pool = PoolBriefSerializer(read_only=True)

    class Meta:
        model = Customer
        fields = ["id", "name", "region", "industry", "tier", "pool"]
        read_only_fields = fields


class CustomerTeamViewSerializer(CustomerSerializer):
    """A customer in the team lead's view: the latest next step and the open orders."""

    next_step = serializers.CharField(read_only=True, allow_null=True)
    open_orders = serializers.IntegerField(read_only=True)

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "next_step", "open_orders"]
        read_only_fields = fields


class CollaboratorSerializer(serializers.ModelSerializer):
    employee = EmployeeBriefSerializer(read_only=True)

    class Meta:
        model = CustomerCollaborator
        fields = ["employee", "team_role"]
        read_only_fields = fields


class ContactSerializer(serializers.ModelSerializer):
    """A person at the customer; the phone is masked (``POST contacts/{id}/reveal/`` shows it)."""

    phone = serializers.CharField(
        source="phone_masked", read_only=True, help_text="Masked, e.g. 138****5678."
    )

    class Meta:
        model = Contact
        fields = [
            "id",
            "customer",
            "name",
            "title",
            "phone",
            "wechat_id",
            "email",
            "is_primary",
            "created_at",
            "removed_at",
        ]
        read_only_fields = fields


class ContactPhoneSerializer(serializers.Serializer):
    phone = serializers.CharField()


class OwnershipChangeSerializer(serializers.ModelSerializer):
    kind = OwnershipChangeKindField(read_only=True)
    operator: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="employee_no", read_only=True, allow_null=True
    )
    from_owner = EmployeeBriefSerializer(read_only=True, allow_null=True)
    to_owner = EmployeeBriefSerializer(read_only=True, allow_null=True)
    from_team = TeamBriefSerializer(read_only=True, allow_null=True)
    to_team = TeamBriefSerializer(read_only=True, allow_null=True)
    collaborator = EmployeeBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = OwnershipChange
        fields = [
            "id",
            "kind",
            "occurred_at",
            "operator",
            "from_owner",
            "to_owner",
            "from_team",
            "to_team",
            "from_pool",
            "to_pool",
            "collaborator",
            "reason",
        ]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    """A transport order; ``amount`` is a string in CNY."""

    customer = CustomerRefSerializer(read_only=True)
    amount = serializers.DecimalField(**MONEY, read_only=True)
    status = OrderStatusField(read_only=True)
    taken_by = EmployeeBriefSerializer(read_only=True, allow_null=True)
    receivable_owner = EmployeeBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "customer",
            "order_date",
            "route_from",
            "route_to",
            "cargo",
            "vehicle_type",
            "amount",
            "status",
            "taken_by",
            "receivable_owner",
            "handover_flag",
            "created_at",
        ]
        read_only_fields = fields


class ProfileOrderSerializer(OrderSerializer):
    class Meta(OrderSerializer.Meta):
        fields = [f for f in OrderSerializer.Meta.fields if f != "customer"]
        read_only_fields = fields


class MonthlyVolumeSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    orders = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)


class ContractSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY, read_only=True, allow_null=True)
    owner = EmployeeBriefSerializer(read_only=True, allow_null=True)
    has_scan = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = ["id", "number", "title", "starts_on", "ends_on", "amount", "owner", "has_scan"]
        read_only_fields = fields

    def get_has_scan(self, obj: Contract) -> bool:
        return bool(obj.scan)


class ReceivableSerializer(serializers.ModelSerializer):
    order: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )
    amount = serializers.DecimalField(**MONEY, read_only=True)
    paid_amount = serializers.DecimalField(**MONEY, read_only=True)
    status = ReceivableStatusField(read_only=True)
    owner = EmployeeBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Receivable
        fields = ["id", "order", "amount", "paid_amount", "due_on", "status", "owner"]
        read_only_fields = fields


class ContractDetailSerializer(ContractSerializer):
    """A contract with its customer and the SHA-256 of its scan (``GET contracts/{id}/scan/``)."""

    customer = CustomerRefSerializer(read_only=True)

    class Meta(ContractSerializer.Meta):
        fields = ["id", "customer", *ContractSerializer.Meta.fields[1:], "scan_sha256"]
        read_only_fields = fields


class ReceivableDetailSerializer(ReceivableSerializer):
    """A receivable with its customer; ``amount`` and ``paid_amount`` are strings in CNY."""

    customer = CustomerRefSerializer(read_only=True)

    class Meta(ReceivableSerializer.Meta):
        fields = ["id", "customer", *ReceivableSerializer.Meta.fields[1:]]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    """A file attached to an interaction (``GET attachments/{id}/download/``)."""

    class Meta:
        model = InteractionAttachment
        fields = ["id", "interaction", "name", "content_type", "size", "sha256"]
        read_only_fields = fields


class ComplaintSerializer(serializers.ModelSerializer):
    customer = CustomerRefSerializer(read_only=True)
    severity = ComplaintSeverityField(read_only=True)
    status = ComplaintStatusField(read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "customer",
            "order",
            "occurred_on",
            "category",
            "severity",
            "status",
            "description",
            "resolution",
        ]
        read_only_fields = fields


class ContactRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name"]
        read_only_fields = fields


class InteractionSerializer(serializers.ModelSerializer):
    customer = CustomerRefSerializer(read_only=True)
    contact = ContactRefSerializer(read_only=True, allow_null=True)
    employee = EmployeeBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Interaction
        fields = [
            "id",
            "customer",
            "channel",
            "occurred_at",
            "direction",
            "duration_seconds",
            "contact",
            "employee",
            "content",
            "next_step",
            "created_at",
        ]
        read_only_fields = fields


class TimelineEntrySerializer(InteractionSerializer):
    class Meta(InteractionSerializer.Meta):
        fields = [f for f in InteractionSerializer.Meta.fields if f != "customer"]
        read_only_fields = fields


class FactSourceSerializer(serializers.ModelSerializer):
    """The interaction a fact was learned from."""

    interaction = serializers.IntegerField(source="id", read_only=True)

    class Meta:
        model = Interaction
        fields = ["interaction", "channel", "occurred_at"]
        read_only_fields = fields


class FactSerializer(serializers.ModelSerializer):
    """Something learned about the customer, with its source and review status."""

    # Typed Any: DRF's stubs also declare ``Field.source``; declared fields never clash with it.
    source: Any = FactSourceSerializer(source="interaction", read_only=True, allow_null=True)
    reviewed_by = EmployeeBriefSerializer(read_only=True, allow_null=True)
    value = serializers.JSONField(read_only=True)
    status = FactStatusField(read_only=True)

    class Meta:
        model = CustomerFact
        fields = [
            "id",
            "customer",
            "kind",
            "value",
            "text",
            "evidence",
            "confidence",
            "extractor",
            "status",
            "source",
            "reviewed_by",
            "reviewed_at",
            "created_at",
        ]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer):
    customer = CustomerRefSerializer(read_only=True)
    assignee = EmployeeBriefSerializer(read_only=True)

    class Meta:
        model = FollowUpTask
        fields = ["id", "customer", "assignee", "title", "due_at", "done_at", "interaction", "created_at"]
        read_only_fields = fields


class ProfileTaskSerializer(TaskSerializer):
    class Meta(TaskSerializer.Meta):
        fields = [f for f in TaskSerializer.Meta.fields if f != "customer"]
        read_only_fields = fields


class CustomerProfileSerializer(serializers.Serializer):
    """The 360° profile. Money is a string in CNY; contacts are masked; facts carry their source."""

    customer = CustomerSerializer()
    contacts = ContactSerializer(many=True)
    collaborators = CollaboratorSerializer(many=True)
    ownership = OwnershipChangeSerializer(many=True, help_text="Newest first, at most 50.")
    orders = ProfileOrderSerializer(many=True, help_text="Newest first, at most 20.")
    monthly_volume = MonthlyVolumeSerializer(many=True, help_text="The last 12 months, oldest first.")
    revenue_12m = serializers.DecimalField(**MONEY)
    contracts = ContractSerializer(many=True)
    receivables = ReceivableSerializer(many=True)
    open_receivable = serializers.DecimalField(**MONEY, help_text="Open receivables less what is paid.")
    complaints = ComplaintSerializer(many=True, help_text="Newest first, at most 20.")
    timeline = TimelineEntrySerializer(many=True, help_text="Interactions, newest first, at most 50.")
    facts = FactSerializer(many=True, help_text="Facts not rejected.")
    open_tasks = ProfileTaskSerializer(many=True)


class TierRuleSerializer(StrictSerializer):
    tier = serializers.ChoiceField(choices=Tier.choices)
    follow_up_days = serializers.IntegerField(min_value=1)
    deal_days = serializers.IntegerField(min_value=1)


class AssignmentRuleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    priority = serializers.IntegerField()
    region = serializers.CharField(help_text="Blank: any region.")
    industry = serializers.CharField(help_text="Blank: any industry.")
    tier = serializers.CharField(help_text="Blank: any tier.")


class PoolSerializer(serializers.ModelSerializer):
    """A pool with its return and claim rules, the per-tier overrides and the assignment rules
    that send new customers to it."""

    kind = PoolKindField(read_only=True)
    team = TeamBriefSerializer(read_only=True, allow_null=True)
    tier_rules = TierRuleSerializer(many=True, read_only=True)
    assignment_rules = AssignmentRuleSerializer(many=True, read_only=True)

    class Meta:
        model = Pool
        fields = [
            "id",
            "company",
            "name",
            "kind",
            "team",
            "follow_up_days",
            "deal_days",
            "warn_days",
            "claim_limit_per_day",
            "max_holding",
            "reclaim_block_days",
            "tier_rules",
            "assignment_rules",
        ]
        read_only_fields = fields


class RebalanceMoveSerializer(serializers.Serializer):
    customer = CustomerRefSerializer()
    from_pool = PoolBriefSerializer()
    to_pool = PoolBriefSerializer()


# --- Input ---------------------------------------------------------------------------------


class _ScopedPeopleMixin:
    """Employees named in input must be visible to the caller; anyone else is answered like
    an id that does not exist."""

    people_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        for name in self.people_fields:
            self.fields[name].queryset = employees_visible_to(user=user)  # type: ignore[attr-defined]


def _person(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(queryset=Employee.objects.none(), **kwargs)


def _customer_id() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, help_text="Customer id.")


class ContactInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    wechat_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    is_primary = serializers.BooleanField(required=False, default=False)


class _CustomerFieldsSerializer(StrictSerializer):
    credit_code = serializers.CharField(
        max_length=32, required=False, allow_blank=True, help_text="统一社会信用代码 (18 characters)."
    )
    is_key_account = serializers.BooleanField(required=False)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    status = CustomerStatusField(required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=50)
    source: Any = serializers.CharField(max_length=100, required=False, allow_blank=True)


class CustomerCreateSerializer(_ScopedPeopleMixin, _CustomerFieldsSerializer):
    """A new customer of the caller's company; the assignment rules choose its pool."""

    people_fields = ("owner",)

    name = serializers.CharField(max_length=200)
    region = serializers.ChoiceField(choices=Region.choices)
    industry = serializers.ChoiceField(choices=Industry.choices)
    tier = serializers.ChoiceField(choices=Tier.choices)
    owner = _person(required=False, allow_null=True, help_text="Default: the caller.")
    contacts = ContactInputSerializer(many=True, required=False)


class CustomerUpdateSerializer(_CustomerFieldsSerializer):
    """The fields to change. Owner, team and pool change through claim, release and assign."""

    name = serializers.CharField(max_length=200, required=False)
    region = serializers.ChoiceField(choices=Region.choices, required=False)
    industry = serializers.ChoiceField(choices=Industry.choices, required=False)
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)


class ReleaseSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=300)


class AssignSerializer(_ScopedPeopleMixin, StrictSerializer):
    people_fields = ("owner",)

    owner = _person(help_text="A member of the customer's team.")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CollaboratorSetSerializer(_ScopedPeopleMixin, StrictSerializer):
    people_fields = ("employee",)

    employee = _person()
    team_role = serializers.ChoiceField(
        choices=TeamRole.choices, allow_null=True, help_text="null removes the collaborator."
    )


class ContactCreateSerializer(ContactInputSerializer):
    customer = _customer_id()


class ContactRemoveSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class InteractionCreateSerializer(StrictSerializer):
    customer = _customer_id()
    channel = serializers.ChoiceField(choices=InteractionChannel.choices)
    occurred_at = serializers.DateTimeField()
    content = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    contact = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Contact id.")
    next_step = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    direction = serializers.ChoiceField(
        choices=[("in", "in"), ("out", "out")], required=False, allow_blank=True, default=""
    )
    duration_seconds = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    source_ref = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Identifies an imported record; the same one on the same channel is recorded once.",
    )


class FactCorrectSerializer(StrictSerializer):
    text = serializers.CharField(max_length=300)


class OrderCreateSerializer(StrictSerializer):
    customer = _customer_id()
    number = serializers.CharField(max_length=40)
    order_date = serializers.DateField()
    route_from = serializers.CharField(max_length=50)
    route_to = serializers.CharField(max_length=50)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text='CNY, e.g. "12800.00".')
    cargo = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    vehicle_type = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    status = OrderStatusField(required=False, default=OrderStatus.OPEN)


class ComplaintCreateSerializer(StrictSerializer):
    customer = _customer_id()
    occurred_on = serializers.DateField()
    category = serializers.CharField(max_length=50)
    severity = ComplaintSeverityField()
    description = serializers.CharField(max_length=5000)
    order = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Order id.")


class ContractCreateSerializer(StrictSerializer):
    """Sent as multipart/form-data; ``scan`` is a PDF or image, checked by its content."""

    customer = _customer_id()
    number = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=200)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None, help_text="CNY."
    )
    scan = serializers.FileField(
        required=False, allow_null=True, default=None, help_text="PDF, PNG, JPEG or WebP, at most 20 MB."
    )


class ReceivableCreateSerializer(StrictSerializer):
    customer = _customer_id()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text='CNY, e.g. "12800.00".')
    due_on = serializers.DateField()
    order = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="Order id.")


class PaymentSerializer(StrictSerializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text='CNY, e.g. "400.00".')


class ComplaintResolveSerializer(StrictSerializer):
    resolution = serializers.CharField(max_length=5000)


class AttachmentUploadSerializer(StrictSerializer):
    """Sent as multipart/form-data."""

    file = serializers.FileField(
        help_text="A document, image, call recording (MP3, M4A, AMR) or text, at most 20 MB."
    )


class TaskCreateSerializer(_ScopedPeopleMixin, StrictSerializer):
    people_fields = ("assignee",)

    customer = _customer_id()
    title = serializers.CharField(max_length=200)
    due_at = serializers.DateTimeField()
    assignee = _person(required=False, allow_null=True, default=None, help_text="Default: the caller.")
    interaction = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Interaction id."
    )


class PoolUpdateSerializer(StrictSerializer):
    """Rules to change; ``tier_rules``, when given, replaces the per-tier overrides."""

    name = serializers.CharField(max_length=100, required=False)
    follow_up_days = serializers.IntegerField(min_value=1, required=False)
    deal_days = serializers.IntegerField(min_value=1, required=False)
    warn_days = serializers.IntegerField(min_value=0, required=False)
    claim_limit_per_day = serializers.IntegerField(min_value=0, required=False)
    max_holding = serializers.IntegerField(min_value=0, required=False)
    reclaim_block_days = serializers.IntegerField(min_value=0, required=False)
    tier_rules = TierRuleSerializer(many=True, required=False)


class AssignmentRuleDetailSerializer(AssignmentRuleSerializer):
    pool = serializers.IntegerField(source="pool_id", help_text="The team pool new customers go to.")


class AssignmentRuleInputSerializer(StrictSerializer):
    pool = serializers.IntegerField(help_text="Id of a team pool of the caller's company.")
    priority = serializers.IntegerField(required=False, default=100, help_text="Lower wins.")
    region = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Blank: any region."
    )
    industry = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Blank: any industry."
    )
    tier = serializers.CharField(required=False, allow_blank=True, default="", help_text="Blank: any tier.")


class AssignmentRuleUpdateSerializer(AssignmentRuleInputSerializer):
    pool = serializers.IntegerField(required=False)
    priority = serializers.IntegerField(required=False)
    region = serializers.CharField(required=False, allow_blank=True)
    industry = serializers.CharField(required=False, allow_blank=True)
    tier = serializers.CharField(required=False, allow_blank=True)
