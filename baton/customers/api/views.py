from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from baton.core.api.serializers import StrictSerializer
from baton.core.api.viewsets import BatonAPIView, ScopedViewSet
from baton.core.errors import InvalidInput
from baton.core.policy import get_in_scope, requires
from baton.customers.api import filters as f
from baton.customers.api import serializers as s
from baton.customers.api.pagination import ScopedListPagination
from baton.customers.filters import CustomerFilterSet, ReceivableFilterSet
from baton.customers.models import Customer, FactStatus, Pool
from baton.customers.selectors import (
    assignment_rules_visible_to,
    attachments_visible_to,
    complaints_visible_to,
    contacts_visible_to,
    contracts_visible_to,
    customer_profile,
    customers_for_team_view,
    customers_visible_count,
    customers_visible_page,
    customers_visible_to,
    facts_visible_to,
    interactions_visible_to,
    orders_visible_to,
    pools_visible_to,
    public_pool_customers,
    receivables_visible_to,
    tasks_visible_to,
)
from baton.customers.services import (
    assignment_rule_create,
    assignment_rule_delete,
    assignment_rule_update,
    attachment_add,
    collaborator_set,
    complaint_record,
    complaint_resolve,
    contact_add,
    contact_remove,
    contact_reveal,
    contract_add,
    customer_assign,
    customer_claim,
    customer_create,
    customer_release,
    customer_update,
    fact_review,
    interaction_record,
    order_create,
    pool_update,
    rebalance_preview,
    receivable_add,
    receivable_payment,
    task_complete,
    task_create,
)
from baton.customers.views import document_response
from baton.risk.models import AccessKind
from baton.risk.services_access import access_count


def _valid(
    serializer_class: type[serializers.Serializer], request: Request, view: Any, **kwargs: Any
) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context=view.get_serializer_context(), **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _order_of(request: Request, customer: Customer, order_id: int | None) -> Any:
    """The customer's order named in the input (within the caller's order scope), or None."""
    if order_id is None:
        return None
    order = orders_visible_to(user=request.user).filter(customer=customer, pk=order_id).first()
    if order is None:
        raise InvalidInput(fields={"order": [_("This customer has no such order.")]})
    return order


def _customer_for(request: Request, pk: int, *, action: str) -> Customer:
    """The customer named in the input, inside the caller's ``customer.<action>`` scope; any
    other id answers 404 like a missing one (and an out-of-scope one is audited)."""
    return get_in_scope(
        customers_visible_to(user=request.user, action=action),
        user=request.user,
        resource="customer",
        action=action,
        pk=pk,
    )


def _company_of(user: Any) -> Any:
    employee = getattr(user, "employee", None)
    if employee is None:
        raise InvalidInput(
            _("This account has no employee record, so it belongs to no company."), code="no_employee"
        )
    return employee.company


class _CustomerDomainViewSet(ScopedViewSet):
    """Filters, search and ordering shape lists only, so an object is looked up by its id
    alone (within the scope) whatever the query string says."""

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if getattr(self, "detail", False):
            return queryset
        return super().filter_queryset(queryset)


class _DownloadMixin:
    """A download answers with the file whatever the client said it accepts."""

    download_actions: tuple[str, ...] = ()

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        force = force or getattr(self, "action", None) in self.download_actions
        return super().perform_content_negotiation(request, force=force)  # type: ignore[misc]


DOWNLOAD_RESPONSES: dict[Any, Any] = {
    (200, "application/octet-stream"): OpenApiResponse(
        OpenApiTypes.BINARY,
        description="The file as an attachment, in its stored content type; audited.",
    ),
}


# --- Customers -------------------------------------------------------------------------------


@extend_schema(tags=["customers"])
class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _CustomerDomainViewSet):
    """Customers within the caller's data scope (``customer`` grants): own and collaborating
    (sales), the team's pool (team lead), the department's teams, the whole company.

    The public pool (公海) is reached through ``public-pool/`` and ``{id}/claim/`` (``customer.claim``),
    which see only customers in the pool of the caller's company.
    """

    resource = "customer"
    selector = customers_visible_to
    action_policies = {
        "profile": "view",
        "team_view": "view",
        "public_pool": "claim",
        "claim": "claim",
        "release": "change",
        "assign": "change",
        "collaborators": "change",
    }
    serializer_class = s.CustomerSerializer
    pagination_class = ScopedListPagination
    filterset_class = CustomerFilterSet
    search_fields = ["name"]
    ordering_fields = ["name", "last_follow_up_at", "created_at"]
    ordering = ["name", "id"]

    def count_rows(self, queryset: QuerySet[Customer]) -> int:
        """The list's exact total, counted branch by branch of the scope from indexes."""
        if self.action != "list":
            return queryset.count()
        return customers_visible_count(
            user=self.request.user, action=self.grant_action, narrowed=self._narrowed()
        )

    def page_rows(self, queryset: QuerySet[Customer], bottom: int, top: int) -> QuerySet[Customer]:
        """Rows ``bottom`` to ``top`` of the list, found branch by branch of the scope."""
        if self.action != "list":
            return queryset[bottom:top]
        return customers_visible_page(
            queryset=queryset,
            user=self.request.user,
            action=self.grant_action,
            narrowed=self._narrowed(),
            bottom=bottom,
            top=top,
        )

    def _narrowed(self) -> QuerySet[Customer]:
        """All customers with the request's filters, search and order, before the scope."""
        if not hasattr(self, "_narrowed_all"):
            self._narrowed_all = self.filter_queryset(Customer.objects.all())
        return self._narrowed_all

    def get_queryset(self) -> QuerySet[Customer]:
        user = self.request.user
        if self.action in ("public_pool", "claim"):
            # Pool customers lie outside every salesperson's view scope until claimed.
            return public_pool_customers(user=user)
        if self.action == "team_view":
            return customers_for_team_view(user=user)
        queryset: QuerySet[Customer] = super().get_queryset()
        return queryset

    @extend_schema(request=s.CustomerCreateSerializer, responses={201: s.CustomerSerializer})
    def create(self, request: Request) -> Response:
        """Add a customer to the caller's company, optionally with contacts. The assignment
        rules choose its pool; a likely duplicate is refused (``duplicate_customer``), naming
        only the team that holds it."""
        data = _valid(s.CustomerCreateSerializer, request, self)
        customer = customer_create(actor=request.user, company=_company_of(request.user), **data)
        return Response(self.get_serializer(customer).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        customer = self.get_object()
        access_count(user=request.user, kind=AccessKind.CUSTOMER_VIEW, company_id=customer.company_id)  # R8
        return Response(self.get_serializer(customer).data)

    @extend_schema(request=s.CustomerUpdateSerializer, responses=s.CustomerSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        customer = self.get_object()
        data = _valid(s.CustomerUpdateSerializer, request, self)
        customer = customer_update(actor=request.user, customer=customer, **data)
        return Response(self.get_serializer(customer).data)

    @extend_schema(responses=s.CustomerProfileSerializer)
    @action(detail=True, methods=["get"])
    def profile(self, request: Request, pk: str) -> Response:
        """The 360° profile: contacts (masked), collaborators, ownership history, orders with
        the monthly trend, contracts, receivables, complaints, timeline, facts and open tasks."""
        customer = self.get_object()
        access_count(user=request.user, kind=AccessKind.CUSTOMER_VIEW, company_id=customer.company_id)  # R8
        return Response(s.CustomerProfileSerializer(customer_profile(customer=customer)).data)

    @extend_schema(request=None, responses=s.CustomerSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk: str) -> Response:
        """Take a customer from the public pool into the caller's team pool, within the daily
        claim limit (``claim_limit_reached``), the holding limit (``holding_limit_reached``) and
        the former owner's waiting time (``reclaim_blocked``). Not in the pool → 404."""
        customer = self.get_object()
        _valid(StrictSerializer, request, self)  # no fields are accepted
        customer = customer_claim(actor=request.user, customer=customer)
        return Response(self.get_serializer(customer).data)

    @extend_schema(request=s.ReleaseSerializer, responses=s.CustomerSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str) -> Response:
        """Give the customer back to the public pool, with a reason."""
        customer = self.get_object()
        data = _valid(s.ReleaseSerializer, request, self)
        customer = customer_release(actor=request.user, customer=customer, reason=data["reason"])
        return Response(self.get_serializer(customer).data)

    @extend_schema(request=s.AssignSerializer, responses=s.CustomerSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        """Give a team-pool customer to another member of its team."""
        customer = self.get_object()
        data = _valid(s.AssignSerializer, request, self)
        customer = customer_assign(
            actor=request.user, customer=customer, owner=data["owner"], reason=data["reason"]
        )
        return Response(self.get_serializer(customer).data)

    @extend_schema(request=s.CollaboratorSetSerializer, responses=s.CollaboratorSerializer(many=True))
    @action(detail=True, methods=["put"], pagination_class=None, filter_backends=[])
    def collaborators(self, request: Request, pk: str) -> Response:
        """Add a collaborator in a team role, change the role, or remove them
        (``"team_role": null``). Answers the customer's collaborators."""
        customer = self.get_object()
        data = _valid(s.CollaboratorSetSerializer, request, self)
        collaborator_set(
            actor=request.user, customer=customer, employee=data["employee"], team_role=data["team_role"]
        )
        current = customer.collaborators.select_related("employee").order_by("employee__employee_no")
        return Response(s.CollaboratorSerializer(current, many=True).data)

    @extend_schema(responses=s.CustomerOutlineSerializer(many=True))
    @action(
        detail=False, methods=["get"], url_path="public-pool", serializer_class=s.CustomerOutlineSerializer
    )
    def public_pool(self, request: Request) -> Response:
        """Customers in the public pool (公海) of the caller's company: the outline only."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.CustomerOutlineSerializer(page, many=True).data)

    @extend_schema(responses=s.CustomerTeamViewSerializer(many=True))
    @action(
        detail=False, methods=["get"], url_path="team-view", serializer_class=s.CustomerTeamViewSerializer
    )
    def team_view(self, request: Request) -> Response:
        """The team lead's live view: customers in scope with the latest next step and the
        number of open orders."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.CustomerTeamViewSerializer(page, many=True).data)


@extend_schema(tags=["customers"])
class RebalancePreviewView(BatonAPIView):
    """Customers of the caller's company whose team pool differs from what the assignment
    rules say today (``customer_pool.change``). Nothing is moved."""

    policy = requires("customer_pool", "change")

    @extend_schema(responses=s.RebalanceMoveSerializer(many=True))
    def get(self, request: Request) -> Response:
        moves = rebalance_preview(company=_company_of(request.user))
        return Response(s.RebalanceMoveSerializer(moves, many=True).data)


# --- Contacts --------------------------------------------------------------------------------


@extend_schema(tags=["customers"])
class ContactViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _CustomerDomainViewSet):
    """People at customers in scope. Phones are masked; ``POST {id}/reveal/`` shows one in
    clear (``customer.reveal``) and is audited. Adding and removing needs ``customer.change``;
    a removed contact is kept with its removal date (list them with ``removed=true``)."""

    resource = "customer"
    selector = contacts_visible_to
    action_policies = {"create": "change", "destroy": "change", "reveal": "reveal"}
    serializer_class = s.ContactSerializer
    filterset_class = f.ContactFilterSet
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]

    @extend_schema(request=s.ContactCreateSerializer, responses={201: s.ContactSerializer})
    def create(self, request: Request) -> Response:
        data = _valid(s.ContactCreateSerializer, request, self)
        customer = _customer_for(request, data.pop("customer"), action="change")
        contact = contact_add(actor=request.user, customer=customer, **data)
        return Response(self.get_serializer(contact).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[s.ContactRemoveSerializer],
        responses={204: OpenApiResponse(description="Removed; the contact stays in the history.")},
    )
    def destroy(self, request: Request, pk: str) -> Response:
        """Remove the contact (``?reason=`` optional). It is kept, with its removal date."""
        contact = self.get_object()
        query = s.ContactRemoveSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        contact_remove(actor=request.user, contact=contact, reason=query.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=s.ContactPhoneSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str) -> Response:
        """The phone number in clear; every reveal is audited."""
        contact = self.get_object()
        _valid(StrictSerializer, request, self)  # no fields are accepted
        return Response(s.ContactPhoneSerializer(contact_reveal(actor=request.user, contact=contact)).data)


# --- Interactions and facts ------------------------------------------------------------------


@extend_schema(tags=["customers"])
class InteractionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _CustomerDomainViewSet):
    """Calls, WeChat, e-mails, visits, meetings and notes with customers in scope. Recording
    one needs ``customer.change`` on the customer and moves its last follow-up forward."""

    resource = "customer"
    selector = interactions_visible_to
    action_policies = {"create": "change", "attachments": "change"}
    serializer_class = s.InteractionSerializer
    filterset_class = f.InteractionFilterSet
    search_fields = ["content", "next_step"]
    ordering_fields = ["occurred_at"]
    ordering = ["-occurred_at", "-id"]

    @extend_schema(
        request=s.InteractionCreateSerializer,
        responses={
            201: s.InteractionSerializer,
            200: OpenApiResponse(s.InteractionSerializer, description="Recorded before (same source_ref)."),
        },
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.InteractionCreateSerializer, request, self)
        customer = _customer_for(request, data.pop("customer"), action="change")
        contact_id = data.pop("contact")
        contact = None
        if contact_id is not None:
            contact = (
                contacts_visible_to(user=request.user, action="change")
                .filter(customer=customer, pk=contact_id)
                .first()
            )
            if contact is None:
                raise InvalidInput(fields={"contact": [_("This customer has no such contact.")]})
        interaction, created = interaction_record(
            actor=request.user, customer=customer, contact=contact, **data
        )
        if not created and interaction.customer_id != customer.pk:
            # The record was imported for another customer; say no more about it.
            raise InvalidInput(fields={"source_ref": [_("This record has been recorded already.")]})
        return Response(
            self.get_serializer(interaction).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer},
    )
    @action(detail=True, methods=["post"])
    def attachments(self, request: Request, pk: str) -> Response:
        """Attach a file (multipart/form-data ``file``): a document, image, call recording or
        text, accepted by its content (``file_type_refused``, ``macros_refused``,
        ``file_too_large``); needs ``customer.change`` on the interaction's customer."""
        interaction = self.get_object()
        data = _valid(s.AttachmentUploadSerializer, request, self)
        attachment = attachment_add(actor=request.user, interaction=interaction, upload=data["file"])
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["customers"])
class FactViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _CustomerDomainViewSet):
    """Facts learned from interactions with customers in scope, each with its source. The
    team confirms, corrects or rejects them (``customer.change``)."""

    resource = "customer"
    selector = facts_visible_to
    action_policies = {"confirm": "change", "correct": "change", "reject": "change"}
    serializer_class = s.FactSerializer
    filterset_class = f.FactFilterSet
    search_fields = ["text", "evidence"]
    ordering_fields = ["created_at", "confidence"]

    def get_queryset(self) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset()
        return queryset.select_related("reviewed_by")

    def _review(self, request: Request, status_value: str, text: str = "") -> Response:
        fact = fact_review(actor=request.user, fact=self.get_object(), status=status_value, text=text)
        return Response(self.get_serializer(fact).data)

    @extend_schema(request=None, responses=s.FactSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        _valid(StrictSerializer, request, self)  # no fields are accepted
        return self._review(request, FactStatus.CONFIRMED)

    @extend_schema(request=s.FactCorrectSerializer, responses=s.FactSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        """Replace the fact's wording with what is right."""
        data = _valid(s.FactCorrectSerializer, request, self)
        return self._review(request, FactStatus.CORRECTED, data["text"])

    @extend_schema(request=None, responses=s.FactSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        _valid(StrictSerializer, request, self)  # no fields are accepted
        return self._review(request, FactStatus.REJECTED)


# --- Orders and complaints -------------------------------------------------------------------


@extend_schema(tags=["customers"])
class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _CustomerDomainViewSet):
    """Orders within the caller's ``order`` scope: those of customers in scope, plus those the
    caller took or collects (finance: all). ``amount`` is a string in CNY.

    Recording one needs ``order.create`` and the customer inside the caller's customer view
    scope; the caller takes the order, so it falls inside their order scope too.
    """

    resource = "order"
    selector = orders_visible_to
    serializer_class = s.OrderSerializer
    filterset_class = f.OrderFilterSet
    search_fields = ["number"]
    ordering_fields = ["order_date", "amount", "created_at"]
    ordering = ["-order_date", "-id"]

    @extend_schema(request=s.OrderCreateSerializer, responses={201: s.OrderSerializer})
    def create(self, request: Request) -> Response:
        data = _valid(s.OrderCreateSerializer, request, self)
        customer = _customer_for(request, data.pop("customer"), action="view")
        order = order_create(actor=request.user, customer=customer, **data)
        return Response(self.get_serializer(order).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["customers"])
class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _CustomerDomainViewSet):
    """Complaints of customers in scope; recording one needs ``customer.change``."""

    resource = "customer"
    selector = complaints_visible_to
    action_policies = {"create": "change", "resolve": "change"}
    serializer_class = s.ComplaintSerializer
    filterset_class = f.ComplaintFilterSet
    search_fields = ["category", "description"]
    ordering_fields = ["occurred_on"]
    ordering = ["-occurred_on", "-id"]

    @extend_schema(request=s.ComplaintCreateSerializer, responses={201: s.ComplaintSerializer})
    def create(self, request: Request) -> Response:
        data = _valid(s.ComplaintCreateSerializer, request, self)
        customer = _customer_for(request, data.pop("customer"), action="change")
        order = _order_of(request, customer, data.pop("order"))
        complaint = complaint_record(actor=request.user, customer=customer, order=order, **data)
        return Response(self.get_serializer(complaint).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ComplaintResolveSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        """Close the complaint with what was done about it (``complaint_resolved`` when it is
        closed already)."""
        complaint = self.get_object()
        data = _valid(s.ComplaintResolveSerializer, request, self)
        complaint = complaint_resolve(actor=request.user, complaint=complaint, resolution=data["resolution"])
        return Response(self.get_serializer(complaint).data)


# --- Contracts and receivables ---------------------------------------------------------------


@extend_schema(tags=["customers"])
class ContractViewSet(
    _DownloadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, _CustomerDomainViewSet
):
    """Contracts of customers in scope. Adding one (multipart/form-data, with an optional
    ``scan``) needs ``customer.change`` on the customer; the scan is accepted by its content
    (PDF or image), never by its name (``file_type_refused``)."""

    resource = "customer"
    selector = contracts_visible_to
    action_policies = {"create": "change", "scan": "view"}
    download_actions = ("scan",)
    serializer_class = s.ContractDetailSerializer
    filterset_class = f.ContractFilterSet
    search_fields = ["number", "title"]
    ordering_fields = ["starts_on", "ends_on"]
    ordering = ["-starts_on", "-id"]

    @extend_schema(
        request={"multipart/form-data": s.ContractCreateSerializer},
        responses={201: s.ContractDetailSerializer},
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.ContractCreateSerializer, request, self)
        customer = _customer_for(request, data.pop("customer"), action="change")
        contract = contract_add(actor=request.user, customer=customer, **data)
        return Response(self.get_serializer(contract).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=DOWNLOAD_RESPONSES)
    @action(detail=True, methods=["get"], filter_backends=[])
    def scan(self, request: Request, pk: str) -> Any:
        """The contract's scan as an attachment (404 when it has none); every download is audited."""
        return document_response(actor=request.user, obj=self.get_object())


@extend_schema(tags=["customers"])
class ReceivableViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _CustomerDomainViewSet):
    """Receivables within the caller's ``order`` scope: those of customers in scope and those
    the caller collects (finance: the whole company). Recording one needs ``order.create`` and
    the customer inside the caller's customer view scope; a payment needs ``order.change``."""

    resource = "order"
    selector = receivables_visible_to
    action_policies = {"payments": "change"}
    serializer_class = s.ReceivableDetailSerializer
    filterset_class = ReceivableFilterSet
    ordering_fields = ["due_on", "amount"]
    ordering = ["due_on", "id"]

    @extend_schema(request=s.ReceivableCreateSerializer, responses={201: s.ReceivableDetailSerializer})
    def create(self, request: Request) -> Response:
        data = _valid(s.ReceivableCreateSerializer, request, self)
        customer = _customer_for(request, data.pop("customer"), action="view")
        order = _order_of(request, customer, data.pop("order"))
        receivable = receivable_add(actor=request.user, customer=customer, order=order, **data)
        return Response(self.get_serializer(receivable).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.PaymentSerializer, responses=s.ReceivableDetailSerializer)
    @action(detail=True, methods=["post"])
    def payments(self, request: Request, pk: str) -> Response:
        """Record money received; the receivable is paid when nothing is left open. Paying more
        than is open is refused; a closed one answers ``receivable_closed``."""
        receivable = self.get_object()
        data = _valid(s.PaymentSerializer, request, self)
        receivable = receivable_payment(actor=request.user, receivable=receivable, amount=data["amount"])
        return Response(self.get_serializer(self.get_queryset().get(pk=receivable.pk)).data)


@extend_schema(tags=["customers"])
class AttachmentViewSet(
    _DownloadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, _CustomerDomainViewSet
):
    """Files attached to interactions with customers in scope (``POST interactions/{id}/attachments/``
    adds one); ``{id}/download/`` hands out the file, audited."""

    resource = "customer"
    selector = attachments_visible_to
    action_policies = {"download": "view"}
    download_actions = ("download",)
    serializer_class = s.AttachmentSerializer
    filterset_class = f.AttachmentFilterSet
    ordering_fields = ["id"]
    ordering = ["id"]

    @extend_schema(responses=DOWNLOAD_RESPONSES)
    @action(detail=True, methods=["get"], filter_backends=[])
    def download(self, request: Request, pk: str) -> Any:
        """The file as an attachment; every download is audited."""
        return document_response(actor=request.user, obj=self.get_object())


# --- Follow-up tasks -------------------------------------------------------------------------


@extend_schema(tags=["customers"])
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _CustomerDomainViewSet):
    """Follow-up tasks of customers in scope (``done=false`` for the open ones). Creating and
    completing one needs ``customer.change``."""

    resource = "customer"
    selector = tasks_visible_to
    action_policies = {"create": "change", "complete": "change"}
    serializer_class = s.TaskSerializer
    filterset_class = f.TaskFilterSet
    search_fields = ["title"]
    ordering_fields = ["due_at", "created_at"]
    ordering = ["due_at", "id"]

    @extend_schema(request=s.TaskCreateSerializer, responses={201: s.TaskSerializer})
    def create(self, request: Request) -> Response:
        data = _valid(s.TaskCreateSerializer, request, self)
        customer = _customer_for(request, data.pop("customer"), action="change")
        assignee = data.pop("assignee") or getattr(request.user, "employee", None)
        if assignee is None:
            raise InvalidInput(fields={"assignee": [_("This field is required.")]})
        interaction_id = data.pop("interaction")
        interaction = None
        if interaction_id is not None:
            interaction = (
                interactions_visible_to(user=request.user)
                .filter(customer=customer, pk=interaction_id)
                .first()
            )
            if interaction is None:
                raise InvalidInput(fields={"interaction": [_("This customer has no such interaction.")]})
        task = task_create(
            actor=request.user, customer=customer, assignee=assignee, interaction=interaction, **data
        )
        return Response(self.get_serializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.TaskSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        """Mark the task done (doing it twice changes nothing)."""
        task = self.get_object()
        _valid(StrictSerializer, request, self)  # no fields are accepted
        return Response(self.get_serializer(task_complete(actor=request.user, task=task)).data)


# --- Pools -----------------------------------------------------------------------------------


@extend_schema(tags=["customers"])
class PoolViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _CustomerDomainViewSet):
    """Team pools and the public pool (公海) with their return and claim rules, per-tier rules
    and the assignment rules that feed them (``customer_pool`` grants)."""

    resource = "customer_pool"
    selector = pools_visible_to
    serializer_class = s.PoolSerializer
    filterset_fields = ["kind", "company"]
    search_fields = ["name"]
    ordering_fields = ["name"]

    @extend_schema(request=s.PoolUpdateSerializer, responses=s.PoolSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        """Change the rules; they apply from the pool job's next run. ``tier_rules`` replaces
        the per-tier overrides."""
        pool = self.get_object()
        data = _valid(s.PoolUpdateSerializer, request, self)
        pool = pool_update(actor=request.user, pool=pool, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=pool.pk)).data)


@extend_schema(tags=["customers"])
class AssignmentRuleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, _CustomerDomainViewSet
):
    """The rules that send new customers to team pools by region, industry and tier (lowest
    priority number wins; blank criteria match anything). Reading needs ``customer_pool.view``,
    changing ``customer_pool.change``; changes apply to customers created from then on."""

    resource = "customer_pool"
    selector = assignment_rules_visible_to
    serializer_class = s.AssignmentRuleDetailSerializer
    action_policies = {"create": "change", "partial_update": "change", "destroy": "change"}

    def _pool(self, request: Request, pk: int) -> Pool:
        return get_in_scope(
            pools_visible_to(user=request.user, action="change"),
            user=request.user,
            resource="customer_pool",
            action="change",
            pk=pk,
        )

    @extend_schema(request=s.AssignmentRuleInputSerializer, responses={201: s.AssignmentRuleDetailSerializer})
    def create(self, request: Request) -> Response:
        data = _valid(s.AssignmentRuleInputSerializer, request, self)
        pool = self._pool(request, data.pop("pool"))
        rule = assignment_rule_create(actor=request.user, company=pool.company, pool=pool, **data)
        return Response(self.get_serializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AssignmentRuleUpdateSerializer, responses=s.AssignmentRuleDetailSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        rule = self.get_object()
        data = _valid(s.AssignmentRuleUpdateSerializer, request, self)
        if "pool" in data:
            data["pool"] = self._pool(request, data["pool"])
        rule = assignment_rule_update(actor=request.user, rule=rule, **data)
        return Response(self.get_serializer(rule).data)

    def perform_destroy(self, instance: Any) -> None:
        assignment_rule_delete(actor=self.request.user, rule=instance)
