"""Customer pages: the customer list, the team lead's view, the public pool (公海) and the 360°
profile with the forms that record what happens with a customer.

Customers and everything about them come only from the customers selectors, which apply the
viewer's data scope; a customer outside it answers 404 like a missing one. Each form calls one
service, and a service's refusal shows on the form (or as a message for the one-click actions).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from baton.authz.selectors import user_can
from baton.core import clock, uploads
from baton.core.errors import BatonError, InvalidInput
from baton.core.policy import Policy, requires
from baton.core.views import BatonTemplateView, BatonViewMixin, ScopedObjectMixin, ServiceFormView
from baton.customers.filters import CustomerFilterSet, ReceivableFilterSet
from baton.customers.forms import (
    AssignForm,
    AttachmentForm,
    ComplaintForm,
    ComplaintResolveForm,
    ContactForm,
    ContractForm,
    CustomerCreateForm,
    FactReviewForm,
    InteractionForm,
    OrderForm,
    PaymentForm,
    ReleaseForm,
)
from baton.customers.models import (
    Complaint,
    ComplaintStatus,
    Contact,
    Contract,
    Customer,
    CustomerFact,
    FactStatus,
    Interaction,
    InteractionAttachment,
    PoolKind,
    Receivable,
    ReceivableStatus,
)
from baton.customers.selectors import (
    attachments_visible_to,
    complaints_visible_to,
    contacts_visible_to,
    contracts_visible_to,
    customer_profile,
    customer_scope_at_least,
    customers_for_team_view,
    customers_visible_to,
    facts_visible_to,
    interactions_visible_to,
    public_pool_customers,
    receivables_visible_to,
)
from baton.customers.services import (
    attachment_add,
    complaint_record,
    complaint_resolve,
    contact_add,
    contact_reveal,
    contract_add,
    customer_assign,
    customer_claim,
    customer_create,
    customer_release,
    document_download_record,
    fact_review,
    interaction_record,
    order_create,
    receivable_payment,
)
from baton.org.models import TeamRole
from baton.org.selectors import teams_visible_to

CUSTOMERS_PER_PAGE = 50
LIST_FILTER_FIELDS = ("q", "region", "industry", "tier", "status", "is_key_account", "team")
POOL_FILTER_FIELDS = ("q", "region", "industry", "tier")

# What the fact extractor's kinds are called on the page; an unknown kind shows as it is.
FACT_KIND_LABELS = {
    "volume": gettext_lazy("Volume"),
    "vehicle_request": gettext_lazy("Vehicle requests"),
    "vehicle_type": gettext_lazy("Vehicle types"),
    "cargo_type": gettext_lazy("Cargo"),
    "time_window": gettext_lazy("Time windows"),
    "lead_time": gettext_lazy("Lead times"),
    "route": gettext_lazy("Routes"),
    "service_expectation": gettext_lazy("Service expectations"),
    "reporting": gettext_lazy("Reporting preferences"),
    "decision_maker": gettext_lazy("Decision makers"),
    "payment_terms": gettext_lazy("Payment terms"),
}


@dataclass(frozen=True)
class CustomerScopePolicy(Policy):
    """A customer grant held at ``min_scope`` or wider. "team" means team leads and above, by
    what their roles may see rather than by what the roles are called."""

    min_scope: str = "team"

    def allows(self, user: Any) -> bool:
        return super().allows(user) and customer_scope_at_least(
            user=user, scope=self.min_scope, action=self.action
        )


TEAM_WIDE_VIEW = CustomerScopePolicy("grant", "customer", "view", min_scope="team")
TEAM_WIDE_CHANGE = CustomerScopePolicy("grant", "customer", "change", min_scope="team")


def wants_partial(request: HttpRequest) -> bool:
    """An HTMX request for a fragment (not a history restore, which needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def error_text(exc: BatonError) -> str:
    """A service's refusal as one line, for a message."""
    problems = [str(m) for ms in exc.fields.values() for m in ms]
    return " ".join(problems) or str(exc.message)


_CONTENT_TYPE_BY_EXTENSION = {kind.extension: kind.content_type for kind in uploads.KINDS.values()}


def document_response(*, actor: Any, obj: Contract | InteractionAttachment) -> FileResponse:
    """A contract's scan or an interaction's attachment as a download the browser must neither
    sniff nor cache; the copy handed out is audited. A contract without a scan answers 404."""
    if isinstance(obj, Contract):
        if not obj.scan:
            raise Http404
        extension = os.path.splitext(obj.scan.name)[1].lower()
        stored, name = obj.scan, f"{obj.number}{extension}"
        content_type = _CONTENT_TYPE_BY_EXTENSION.get(extension, "application/octet-stream")
    else:
        stored, name, content_type = obj.file, obj.name, obj.content_type
    with contextlib.ExitStack() as stack:
        # Open before the audit event (a lost file is an error, not a download); close it again
        # if recording fails, otherwise hand it on to the response.
        handle = stack.enter_context(stored.open("rb"))
        document_download_record(actor=actor, obj=obj)
        stack.pop_all()
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


def _days_since(moment: dt.datetime | None, now: dt.datetime) -> int | None:
    return (now - moment).days if moment is not None else None


# --- Lists --------------------------------------------------------------------------------------


class CustomerTableView(BatonTemplateView):
    """A page whose table HTMX swaps alone (filters, sorting, paging)."""

    partial_template_name = ""

    def get_template_names(self) -> list[str]:
        return [self.partial_template_name if wants_partial(self.request) else self.template_name]  # type: ignore[list-item]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        patch_vary_headers(response, ("HX-Request",))
        return response

    def paginate(self, queryset: QuerySet[Customer]) -> Any:
        return Paginator(queryset, CUSTOMERS_PER_PAGE).get_page(self.request.GET.get("page"))


class CustomerListView(CustomerTableView):
    """The customers in the viewer's scope, filtered and searched."""

    policy = requires("customer", "view")
    template_name = "customers/customer_list.html"
    partial_template_name = "customers/_customer_table.html"

    def get_filterset(self) -> CustomerFilterSet:
        user = self.request.user
        filterset = CustomerFilterSet(
            self.request.GET, queryset=customers_visible_to(user=user), request=self.request
        )
        filterset.filters["team"].queryset = (
            teams_visible_to(user=user).filter(is_sales=True).order_by("name")
        )
        return filterset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        filterset = self.get_filterset()
        page = self.paginate(filterset.qs)
        ctx.update(
            filterset=filterset,
            filter_fields=[filterset.form[name] for name in LIST_FILTER_FIELDS],
            page_obj=page,
            customers=page.object_list,
            hx_target="#customer-table",
            can_create=user_can(user=self.request.user, resource="customer", action="create"),
            show_team_view=TEAM_WIDE_VIEW.allows(self.request.user),
        )
        return ctx


class TeamView(CustomerTableView):
    """The team lead's live view: last follow-up, latest next step, open orders and owner of every
    customer in scope; sorted oldest follow-up first by default, so neglect stands out."""

    policy = requires("customer", "view")
    template_name = "customers/team_view.html"
    partial_template_name = "customers/_team_table.html"
    sorts = {
        "follow_up": (F("last_follow_up_at").asc(nulls_first=True), "name", "id"),
        "-follow_up": (F("last_follow_up_at").desc(nulls_last=True), "name", "id"),
        "name": ("name", "id"),
    }
    default_sort = "follow_up"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        sort = self.request.GET.get("sort", self.default_sort)
        if sort not in self.sorts:
            sort = self.default_sort
        customers = customers_for_team_view(user=self.request.user).order_by(*self.sorts[sort])
        page = self.paginate(customers)
        now = clock.now()
        rows = []
        for customer in page.object_list:
            days = _days_since(customer.last_follow_up_at, now)
            # Neglected: never followed up, or inside the pool's warning period before a return.
            threshold = customer.pool.follow_up_days - customer.pool.warn_days
            rows.append(
                {
                    "customer": customer,
                    "days": days,
                    "neglected": customer.pool.kind == PoolKind.TEAM and (days is None or days >= threshold),
                }
            )
        ctx.update(page_obj=page, rows=rows, sort=sort, hx_target="#team-table")
        return ctx


class PublicPoolView(CustomerTableView):
    """The public pool (公海): the outline of each customer there, and a button to claim it."""

    policy = requires("customer", "claim")
    template_name = "customers/public_pool.html"
    partial_template_name = "customers/_pool_table.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        filterset = CustomerFilterSet(
            self.request.GET, queryset=public_pool_customers(user=self.request.user), request=self.request
        )
        page = self.paginate(filterset.qs)
        ctx.update(
            filterset=filterset,
            filter_fields=[filterset.form[name] for name in POOL_FILTER_FIELDS],
            page_obj=page,
            customers=page.object_list,
            hx_target="#pool-table",
            query=self.request.GET.urlencode(),
        )
        return ctx


class CustomerClaimView(ScopedObjectMixin):
    """Claim a customer from the public pool into one's own team pool. The answer is the pool
    table again (HTMX) or the pool page, with the result as a message."""

    policy = requires("customer", "claim")
    http_method_names = ["post"]
    object: Customer | None

    def get_scoped_queryset(self) -> QuerySet[Customer]:
        return public_pool_customers(user=self.request.user)

    def prepare(self) -> None:
        # Someone else may have claimed the customer a moment ago: say so instead of a bare
        # 404 that an HTMX swap would hide (the look-up is still audited like any other).
        try:
            super().prepare()
        except Http404:
            self.object = None

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.object is None:
            messages.error(request, _("This customer is no longer in the public pool."))
        else:
            self._claim(request, self.object)
        if wants_partial(request):
            # The claim URL carries the pool page's query string, so the table keeps its filters.
            pool = PublicPoolView()
            pool.setup(request)
            return render(request, pool.partial_template_name, pool.get_context_data())
        query = request.GET.urlencode()
        return redirect(reverse("customers:public_pool") + (f"?{query}" if query else ""))

    def _claim(self, request: HttpRequest, customer: Customer) -> None:
        try:
            customer_claim(actor=request.user, customer=customer)
        except BatonError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("%(name)s is now yours, in your team's pool.") % {"name": customer.name},
            )


# --- Creating a customer ------------------------------------------------------------------------


class ServiceMessageMixin:
    """Shows a service's own message on the form too when it also names fields, e.g. the
    duplicate refusal, which says which team holds the customer."""

    def run_service(self, form: Any, call: Any) -> Any:
        try:
            return call()
        except BatonError as exc:
            if exc.fields and exc.code != BatonError.default_code:
                form.add_error(None, exc.message)
            raise


class CustomerCreateView(ServiceMessageMixin, BatonViewMixin, ServiceFormView):
    """Add a customer, optionally with its first contact. The assignment rules choose its pool."""

    policy = requires("customer", "create")
    template_name = "customers/customer_create.html"

    def get_form(self, data: Any = None) -> CustomerCreateForm:
        return CustomerCreateForm(data)

    def perform(self, form: CustomerCreateForm) -> HttpResponse:
        user = self.request.user
        employee = getattr(user, "employee", None)
        if employee is None:
            raise InvalidInput(_("Only an employee of the company can add customers."), code="no_employee")
        customer = self.run_service(
            form,
            lambda: customer_create(
                actor=user, company=employee.company, contacts=form.contacts(), **form.customer_fields()
            ),
        )
        messages.success(self.request, _("%(name)s was added.") % {"name": customer.name})
        if customers_visible_to(user=user).filter(pk=customer.pk).exists():
            return redirect("customers:customer_detail", pk=customer.pk)
        return redirect("customers:customer_list")


# --- The 360° profile ---------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT, CHART_TOP, CHART_BOTTOM = 600, 190, 22, 162


def volume_chart(series: list[dict[str, Any]]) -> dict[str, Any]:
    """Bars for the orders per month, as SVG coordinates (drawn on the server, no script)."""
    peak = max((row["orders"] for row in series), default=0)
    slot = CHART_WIDTH / max(len(series), 1)
    bar_width = slot * 0.62
    span = CHART_BOTTOM - CHART_TOP
    bars = []
    for i, row in enumerate(series):
        height = span * row["orders"] / peak if peak else 0
        x = i * slot + (slot - bar_width) / 2
        bars.append(
            {
                "x": f"{x:.1f}",
                "y": f"{CHART_BOTTOM - height:.1f}",
                "width": f"{bar_width:.1f}",
                "height": f"{height:.1f}",
                "center": f"{x + bar_width / 2:.1f}",
                "value_y": f"{CHART_BOTTOM - height - 5:.1f}",
                "month": row["month"],
                "label": row["month"][5:],
                "orders": row["orders"],
                "amount": row["amount"],
            }
        )
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "baseline": CHART_BOTTOM,
        "label_y": CHART_BOTTOM + 18,
        "peak": peak,
        "total_orders": sum(row["orders"] for row in series),
        "first_month": series[0]["month"] if series else "",
        "last_month": series[-1]["month"] if series else "",
    }


def fact_groups(facts: list[CustomerFact]) -> list[dict[str, Any]]:
    """Facts grouped by what they are about, in the order of the kinds."""
    groups: dict[str, list[CustomerFact]] = {}
    for fact in facts:
        groups.setdefault(fact.kind, []).append(fact)
    return [
        {"kind": kind, "label": FACT_KIND_LABELS.get(kind, kind), "facts": items}
        for kind, items in groups.items()
    ]


class CustomerDetailView(ScopedObjectMixin, TemplateView):
    """The 360° profile: who serves the customer, its contacts, business, complaints, what was
    said, what we learned from it, and what is still to do."""

    policy = requires("customer", "view")
    template_name = "customers/customer_detail.html"
    context_object_name = "customer"
    object: Customer

    def get_scoped_queryset(self) -> QuerySet[Customer]:
        return customers_visible_to(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user, customer = self.request.user, self.object
        profile = customer_profile(customer=customer)
        ctx.update(profile)
        ctx["chart"] = volume_chart(profile["monthly_volume"])
        ctx["fact_groups"] = fact_groups(profile["facts"])
        ctx["suggested_count"] = sum(1 for f in profile["facts"] if f.status == FactStatus.SUGGESTED)
        roles = dict(TeamRole.choices)
        ctx["collaborator_rows"] = [
            {"collaborator": c, "role": roles.get(c.team_role, c.team_role)} for c in profile["collaborators"]
        ]
        ctx["now"] = clock.now()
        may = {
            action: customers_visible_to(user=user, action=action).filter(pk=customer.pk).exists()
            for action in ("change", "reveal")
        }
        in_team_pool = customer.pool.kind == PoolKind.TEAM
        ctx["can_change"] = may["change"]
        ctx["can_reveal"] = may["reveal"]
        ctx["can_order"] = user_can(user=user, resource="order", action="create")
        ctx["can_release"] = may["change"] and in_team_pool
        ctx["can_assign"] = may["change"] and in_team_pool and TEAM_WIDE_CHANGE.allows(user)
        if may["change"]:
            ctx["interaction_form"] = InteractionForm(user=user, customer=customer, auto_id="interaction-%s")
            ctx["contact_form"] = ContactForm(auto_id="contact-%s")
            ctx["complaint_form"] = ComplaintForm(user=user, customer=customer, auto_id="complaint-%s")
        if ctx["can_release"]:
            ctx["release_form"] = ReleaseForm(auto_id="release-%s")
        if ctx["can_assign"]:
            ctx["assign_form"] = AssignForm(user=user, customer=customer, auto_id="assign-%s")
        if ctx["can_order"]:
            ctx["order_form"] = OrderForm(auto_id="order-%s")
        if may["change"]:
            ctx["contract_form"] = ContractForm(auto_id="contract-%s")
        ctx["timeline_rows"] = self._timeline_rows(profile["timeline"])
        ctx["payable_ids"] = self._payable_ids(profile["receivables"])
        ctx["open_complaint_status"] = ComplaintStatus.OPEN
        return ctx

    def _timeline_rows(self, timeline: list[Interaction]) -> list[dict[str, Any]]:
        """Each interaction with its attachments (one query for the whole timeline)."""
        attached: dict[int, list[InteractionAttachment]] = {}
        if timeline:
            files = attachments_visible_to(user=self.request.user).filter(
                interaction__in=[i.pk for i in timeline]
            )
            for attachment in files.order_by("id"):
                attached.setdefault(attachment.interaction_id, []).append(attachment)
        return [{"interaction": i, "attachments": attached.get(i.pk, [])} for i in timeline]

    def _payable_ids(self, receivables: list[Receivable]) -> set[int]:
        """Open receivables the viewer may record a payment on (``order.change``)."""
        open_ids = [r.pk for r in receivables if r.status == ReceivableStatus.OPEN]
        if not open_ids or not user_can(user=self.request.user, resource="order", action="change"):
            return set()
        payable = receivables_visible_to(user=self.request.user, action="change").filter(pk__in=open_ids)
        return set(payable.values_list("pk", flat=True))


class CustomerFormView(ServiceMessageMixin, ScopedObjectMixin, ServiceFormView):
    """One form about one customer, reached from its profile. A success goes back to the
    profile with a message; a refusal shows on this form's own page."""

    policy = requires("customer", "change")
    scoped_action = "change"
    template_name = "customers/customer_form.html"
    context_object_name = "customer"
    title: Any = ""
    object: Customer

    def get_scoped_queryset(self) -> QuerySet[Customer]:
        return customers_visible_to(user=self.request.user, action=self.scoped_action)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(title=self.title, **kwargs)

    def perform(self, form: Any) -> HttpResponse:
        message = self.run_service(form, lambda: self.call_service(form))
        messages.success(self.request, message)
        return self.success_response()

    def call_service(self, form: Any) -> str:
        """Call the one service; return the success message."""
        raise NotImplementedError

    def success_response(self) -> HttpResponse:
        return redirect("customers:customer_detail", pk=self.object.pk)


class InteractionRecordView(CustomerFormView):
    title = gettext_lazy("Record an interaction")

    def get_form(self, data: Any = None) -> InteractionForm:
        return InteractionForm(data, user=self.request.user, customer=self.object)

    def call_service(self, form: InteractionForm) -> str:
        data = form.cleaned_data
        interaction_record(
            actor=self.request.user,
            customer=self.object,
            channel=data["channel"],
            occurred_at=data["occurred_at"],
            contact=data["contact"],
            content=data["content"],
            next_step=data["next_step"],
        )
        return _("The interaction was recorded.")


class ContactAddView(CustomerFormView):
    title = gettext_lazy("Add a contact")

    def get_form(self, data: Any = None) -> ContactForm:
        return ContactForm(data)

    def call_service(self, form: ContactForm) -> str:
        contact = contact_add(actor=self.request.user, customer=self.object, **form.cleaned_data)
        return _("%(name)s was added as a contact.") % {"name": contact.name}


class CustomerReleaseView(CustomerFormView):
    """Give the customer back to the public pool; it then leaves the releaser's list."""

    title = gettext_lazy("Release to the public pool")

    def get_form(self, data: Any = None) -> ReleaseForm:
        return ReleaseForm(data)

    def call_service(self, form: ReleaseForm) -> str:
        customer_release(actor=self.request.user, customer=self.object, reason=form.cleaned_data["reason"])
        return _("%(name)s was released to the public pool.") % {"name": self.object.name}

    def success_response(self) -> HttpResponse:
        return redirect("customers:customer_list")


class CustomerAssignView(CustomerFormView):
    """A team lead (or anyone who may change the team's customers) gives the customer to a member."""

    policy = TEAM_WIDE_CHANGE
    title = gettext_lazy("Assign to a team member")

    def get_form(self, data: Any = None) -> AssignForm:
        return AssignForm(data, user=self.request.user, customer=self.object)

    def call_service(self, form: AssignForm) -> str:
        owner = form.cleaned_data["owner"]
        customer_assign(
            actor=self.request.user, customer=self.object, owner=owner, reason=form.cleaned_data["reason"]
        )
        return _("%(name)s is now the owner.") % {"name": owner.name}


class OrderCreateView(CustomerFormView):
    policy = requires("order", "create")
    scoped_action = "view"
    title = gettext_lazy("Add an order")

    def get_form(self, data: Any = None) -> OrderForm:
        return OrderForm(data)

    def call_service(self, form: OrderForm) -> str:
        order = order_create(actor=self.request.user, customer=self.object, **form.cleaned_data)
        return _("Order %(number)s was added.") % {"number": order.number}


class ComplaintRecordView(CustomerFormView):
    title = gettext_lazy("Record a complaint")

    def get_form(self, data: Any = None) -> ComplaintForm:
        return ComplaintForm(data, user=self.request.user, customer=self.object)

    def call_service(self, form: ComplaintForm) -> str:
        data = form.cleaned_data
        complaint_record(
            actor=self.request.user,
            customer=self.object,
            occurred_on=data["occurred_on"],
            category=data["category"],
            severity=data["severity"],
            description=data["description"],
            order=data["order_number"],
        )
        return _("The complaint was recorded.")


class ContractAddView(CustomerFormView):
    """Record a contract with its scan; the file is checked by its content, not its name."""

    title = gettext_lazy("Add a contract")

    def get_form(self, data: Any = None) -> ContractForm:
        return ContractForm(data, self.request.FILES if data is not None else None)

    def call_service(self, form: ContractForm) -> str:
        contract = contract_add(actor=self.request.user, customer=self.object, **form.cleaned_data)
        return _("Contract %(number)s was added.") % {"number": contract.number}


class ProfileItemFormView(ServiceMessageMixin, ScopedObjectMixin, ServiceFormView):
    """One form about one item on a customer's profile (a complaint, an interaction, a
    receivable), loaded through its scoped selector. A success goes back to the profile."""

    template_name = "customers/customer_form.html"
    title: Any = ""
    anchor = ""

    def customer(self) -> Customer:
        raise NotImplementedError

    def summary(self) -> str:
        return ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            title=self.title, customer=self.customer(), summary=self.summary(), **kwargs
        )

    def perform(self, form: Any) -> HttpResponse:
        message = self.run_service(form, lambda: self.call_service(form))
        messages.success(self.request, message)
        return redirect(reverse("customers:customer_detail", args=[self.customer().pk]) + self.anchor)

    def call_service(self, form: Any) -> str:
        raise NotImplementedError


class AttachmentAddView(ProfileItemFormView):
    """Attach a file to an interaction (``customer.change`` on its customer)."""

    policy = requires("customer", "change")
    context_object_name = "interaction"
    title = gettext_lazy("Attach a file")
    anchor = "#timeline"
    object: Interaction

    def get_scoped_queryset(self) -> QuerySet[Interaction]:
        return interactions_visible_to(user=self.request.user, action="change")

    def customer(self) -> Customer:
        return self.object.customer

    def summary(self) -> str:
        return _("%(channel)s on %(time)s") % {
            "channel": self.object.get_channel_display(),
            "time": timezone.localtime(self.object.occurred_at).strftime("%Y-%m-%d %H:%M"),
        }

    def get_form(self, data: Any = None) -> AttachmentForm:
        return AttachmentForm(data, self.request.FILES if data is not None else None)

    def call_service(self, form: AttachmentForm) -> str:
        attachment = attachment_add(
            actor=self.request.user, interaction=self.object, upload=form.cleaned_data["file"]
        )
        return _("%(name)s was attached.") % {"name": attachment.name}


class ComplaintResolveView(ProfileItemFormView):
    """Close an open complaint with what was done about it."""

    policy = requires("customer", "change")
    context_object_name = "complaint"
    title = gettext_lazy("Resolve a complaint")
    anchor = "#complaints"
    object: Complaint

    def get_scoped_queryset(self) -> QuerySet[Complaint]:
        return complaints_visible_to(user=self.request.user, action="change")

    def customer(self) -> Customer:
        return self.object.customer

    def summary(self) -> str:
        return f"{self.object.occurred_on:%Y-%m-%d} · {self.object.category} · {self.object.description}"

    def get_form(self, data: Any = None) -> ComplaintResolveForm:
        return ComplaintResolveForm(data)

    def call_service(self, form: ComplaintResolveForm) -> str:
        complaint_resolve(
            actor=self.request.user, complaint=self.object, resolution=form.cleaned_data["resolution"]
        )
        return _("The complaint was resolved.")


class ReceivablePaymentView(ProfileItemFormView):
    """Record money received on an open receivable (``order.change``: finance company-wide).
    Finance cannot open customer profiles, so a success comes back to this page for them."""

    policy = requires("order", "change")
    context_object_name = "receivable"
    title = gettext_lazy("Record a payment")
    anchor = "#receivables"
    object: Receivable

    def get_scoped_queryset(self) -> QuerySet[Receivable]:
        return receivables_visible_to(user=self.request.user, action="change")

    def customer(self) -> Customer:
        return self.object.customer

    def summary(self) -> str:
        r = self.object
        return _("Amount ¥%(amount)s, paid ¥%(paid)s, due on %(due)s") % {
            "amount": f"{r.amount:,.2f}",
            "paid": f"{r.paid_amount:,.2f}",
            "due": f"{r.due_on:%Y-%m-%d}",
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["hide_profile"] = not self._may_see_profile()
        return ctx

    def _may_see_profile(self) -> bool:
        return customers_visible_to(user=self.request.user).filter(pk=self.object.customer_id).exists()

    def get_form(self, data: Any = None) -> PaymentForm:
        return PaymentForm(data)

    def call_service(self, form: PaymentForm) -> str:
        receivable = receivable_payment(
            actor=self.request.user, receivable=self.object, amount=form.cleaned_data["amount"]
        )
        if receivable.status == ReceivableStatus.PAID:
            return _("The payment was recorded; the receivable is paid.")
        return _("The payment was recorded.")

    def perform(self, form: Any) -> HttpResponse:
        response = super().perform(form)
        if self._may_see_profile():
            return response
        return redirect("customers:receivable_payment", pk=self.object.pk)


class ContractScanView(ScopedObjectMixin):
    """A contract's scan, as a download (audited)."""

    policy = requires("customer", "view")
    http_method_names = ["get"]
    object: Contract

    def get_scoped_queryset(self) -> QuerySet[Contract]:
        return contracts_visible_to(user=self.request.user)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return document_response(actor=request.user, obj=self.object)


class AttachmentDownloadView(ScopedObjectMixin):
    """An interaction's attachment, as a download (audited)."""

    policy = requires("customer", "view")
    http_method_names = ["get"]
    object: InteractionAttachment

    def get_scoped_queryset(self) -> QuerySet[InteractionAttachment]:
        return attachments_visible_to(user=self.request.user)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return document_response(actor=request.user, obj=self.object)


# --- HTMX actions on the profile ----------------------------------------------------------------


class ContactRevealView(ScopedObjectMixin):
    """Show a contact's phone number in clear (audited). Answers the phone fragment."""

    policy = requires("customer", "reveal")
    http_method_names = ["post"]
    context_object_name = "contact"
    object: Contact

    def get_scoped_queryset(self) -> QuerySet[Contact]:
        return contacts_visible_to(user=self.request.user, action="reveal")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        revealed = contact_reveal(actor=request.user, contact=self.object)
        ctx = {"contact": self.object, "phone": revealed["phone"], "revealed": True}
        if wants_partial(request):
            return render(request, "customers/_contact_phone.html", ctx)
        # Without JavaScript: a small page with the number, and the way back.
        return render(request, "customers/contact_reveal.html", ctx | {"view": self})


class FactReviewView(ScopedObjectMixin, ServiceFormView):
    """Confirm, correct or reject a learned fact. Answers the fact's fragment."""

    policy = requires("customer", "change")
    http_method_names = ["post"]
    context_object_name = "fact"
    object: CustomerFact

    def get_scoped_queryset(self) -> QuerySet[CustomerFact]:
        return facts_visible_to(user=self.request.user, action="change").select_related("reviewed_by")

    def get_template_names(self) -> list[str]:
        return ["customers/_fact.html" if wants_partial(self.request) else "customers/fact_review.html"]

    def get_form(self, data: Any = None) -> FactReviewForm:
        return FactReviewForm(data)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx.update(can_change=True, customer=self.object.customer)
        return ctx

    def perform(self, form: FactReviewForm) -> HttpResponse:
        self.object = fact_review(
            actor=self.request.user,
            fact=self.object,
            status=form.cleaned_data["status"],
            text=form.cleaned_data["text"],
        )
        if wants_partial(self.request):
            return self.render_to_response(self.get_context_data(just_reviewed=True))
        messages.success(self.request, _("The fact was reviewed."))
        return redirect(reverse("customers:customer_detail", args=[self.object.customer_id]) + "#facts")


# --- Receivables (finance) ------------------------------------------------------------------------


class ReceivableListView(BatonTemplateView):
    """Receivables under the ``order`` grant: finance company-wide, sales those they collect.
    Open ones by default, the overdue filter for collection rounds."""

    policy = requires("order", "view")
    template_name = "customers/receivable_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        data = self.request.GET.copy()
        data.setdefault("status", ReceivableStatus.OPEN)
        filterset = ReceivableFilterSet(
            data, queryset=receivables_visible_to(user=user).order_by("due_on", "id")
        )
        page = Paginator(filterset.qs, 50).get_page(self.request.GET.get("page"))
        ctx.update(
            filterset=filterset,
            page_obj=page,
            receivables=page.object_list,
            today=timezone.localdate(clock.now()),
            can_record_payment=user_can(user=user, resource="order", action="change"),
        )
        return ctx
