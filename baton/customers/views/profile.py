"""The 360° profile, creating customers, and every form and action on the profile."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from baton.authz.selectors import user_can
from baton.core import clock
from baton.core.errors import BatonError, InvalidInput
from baton.core.policy import requires
from baton.core.views import BatonViewMixin, ScopedObjectMixin, ServiceFormView
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
    customers_visible_to,
    facts_visible_to,
    interactions_visible_to,
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
    customer_create,
    customer_release,
    fact_review,
    interaction_record,
    order_create,
    receivable_payment,
)
from baton.customers.views.common import (
    FACT_KIND_LABELS,
    TEAM_WIDE_CHANGE,
    document_response,
    wants_partial,
)
from baton.org.models import TeamRole
from baton.risk.models import AccessKind
from baton.risk.services_access import access_count

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
        access_count(user=user, kind=AccessKind.CUSTOMER_VIEW, company_id=customer.company_id)  # R8
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
