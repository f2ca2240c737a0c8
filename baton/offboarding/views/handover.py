"""The leaver's own handover page and the forms that complete checklist items."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from baton.authz.selectors import user_can
from baton.core import clock
from baton.core.policy import AUTHENTICATED, get_in_scope
from baton.core.views import BatonTemplateView, ScopedObjectMixin, ServiceFormView
from baton.customers.models import Customer
from baton.offboarding.forms import FollowUpForm, ItemCompleteForm, SelectionForm
from baton.offboarding.models import (
    OPEN_CASE_STATUSES,
    CaseStatus,
    Evidence,
    HandoverItem,
    ItemStatus,
    OffboardingCase,
    SystemCheck,
)
from baton.offboarding.selectors import follow_up_missing, handover_items_for, open_orders_of
from baton.offboarding.services import (
    customers_confirm,
    follow_up_upload,
    handover_item_complete,
    orders_confirm,
)
from baton.offboarding.services.checklist import may_complete


def system_entries(item: HandoverItem) -> list[dict[str, Any]]:
    """The system-generated list of a system item: each entry with whether it is confirmed."""
    if item.system_check == SystemCheck.CUSTOMERS_CONFIRMED:
        confirmed = {c.customer_id for c in item.confirmations.all()}
        customers = Customer.objects.filter(owner_id=item.case.employee_id).order_by("name", "pk")
        return [{"pk": c.pk, "label": c.name, "done": c.pk in confirmed} for c in customers]
    if item.system_check == SystemCheck.OPEN_ORDERS_CONFIRMED:
        confirmed = {c.order_id for c in item.confirmations.all()}
        orders = open_orders_of(case=item.case).order_by("number", "pk")
        return [
            {
                "pk": o.pk,
                "label": f"{o.number} · {o.customer.name} · {o.get_status_display()}",
                "done": o.pk in confirmed,
            }
            for o in orders
        ]
    if item.system_check == SystemCheck.RECENT_FOLLOW_UPS:
        return [{"pk": c.pk, "label": c.name, "done": False} for c in follow_up_missing(item=item)]
    return []


def item_row(*, item: HandoverItem, may: bool, now: Any) -> dict[str, Any]:
    """One item as the handover page shows it, with the form its evidence needs (if the viewer
    completes it and the checklist is open)."""
    row: dict[str, Any] = {
        "item": item,
        "overdue": item.status != ItemStatus.DONE and item.due_at < now,
        "entries": [],
        "form": None,
    }
    if item.status == ItemStatus.DONE or item.case.status != CaseStatus.HANDOVER or not may:
        return row
    prefix = f"item{item.pk}-%s"
    if item.evidence == Evidence.SYSTEM:
        row["entries"] = system_entries(item)
        choices = [(e["pk"], e["label"]) for e in row["entries"] if not e["done"]]
        if item.system_check == SystemCheck.RECENT_FOLLOW_UPS:
            row["form"] = FollowUpForm(choices=choices, auto_id=prefix)
        else:
            row["form"] = SelectionForm(choices=choices, auto_id=prefix)
    else:
        row["form"] = ItemCompleteForm(item=item, auto_id=prefix)
    return row


class MyHandoverView(BatonTemplateView):
    """The leaver's own page: what is left, each item with its due time and its evidence form."""

    template_name = "offboarding/my_handover.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        employee = getattr(user, "employee", None)
        case = None
        if employee is not None:
            case = (
                OffboardingCase.objects.filter(employee=employee, status__in=OPEN_CASE_STATUSES)
                .select_related("employee")
                .prefetch_related(
                    Prefetch(
                        "items", queryset=HandoverItem.objects.prefetch_related("files", "confirmations")
                    ),
                    "approvals",
                )
                .first()
            )
        ctx["case"] = case
        if case is None:
            return ctx
        now, allowed = clock.now(), {}
        rows = []
        for item in case.items.all():
            item.case = case
            if item.verifier not in allowed:
                allowed[item.verifier] = may_complete(actor=user, item=item)
            rows.append(item_row(item=item, may=allowed[item.verifier], now=now))
        ctx["todo"] = [r for r in rows if r["item"].status != ItemStatus.DONE]
        ctx["done"] = [r for r in rows if r["item"].status == ItemStatus.DONE]
        ctx["can_download"] = user_can(user=user, resource="offboarding_case", action="view")
        ctx["rejections"] = [a for a in case.approvals.all() if a.comment and a.decided_at is None]
        return ctx


class ItemFormView(ScopedObjectMixin, ServiceFormView):
    """One form about one checklist item, posted from the handover page or the case page. Items
    come from the user's cases in scope and their own case; the service decides who completes."""

    policy = AUTHENTICATED
    template_name = "offboarding/item_form.html"
    context_object_name = "item"
    object: HandoverItem

    def get_scoped_queryset(self) -> QuerySet[HandoverItem]:
        return handover_items_for(user=self.request.user).prefetch_related("confirmations")

    def get_object(self) -> HandoverItem:
        return get_in_scope(
            self.get_scoped_queryset(),
            user=self.request.user,
            resource="offboarding_case",
            action="view",
            pk=self.kwargs["pk"],
        )

    def perform(self, form: Any) -> HttpResponse:
        messages.success(self.request, self.call_service(form))
        if self.object.case.employee_id == getattr(getattr(self.request.user, "employee", None), "pk", None):
            return redirect("offboarding:my_handover")
        return redirect("offboarding:case_detail", pk=self.object.case_id)

    def call_service(self, form: Any) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["case"] = self.object.case
        ctx["is_leaver"] = self.object.case.employee_id == getattr(
            getattr(self.request.user, "employee", None), "pk", None
        )
        return ctx

    def choices(self) -> list[tuple[int, str]]:
        return [(e["pk"], e["label"]) for e in system_entries(self.object) if not e["done"]]


class ItemCompleteView(ItemFormView):
    """Complete an item with a statement, files or a confirmation."""

    def get_form(self, data: Any = None) -> ItemCompleteForm:
        files = self.request.FILES if data is not None else None
        return ItemCompleteForm(data, files, item=self.object)

    def call_service(self, form: ItemCompleteForm) -> str:
        handover_item_complete(
            actor=self.request.user,
            item=self.object,
            statement=form.cleaned_data["statement"],
            files=form.cleaned_data.get("evidence_files") or [],
        )
        return _("%(title)s is done.") % {"title": self.object.title}


class ItemConfirmView(ItemFormView):
    """Confirm selected (or all) customers or open orders on a system item's list."""

    def get_form(self, data: Any = None) -> SelectionForm:
        return SelectionForm(data, choices=self.choices())

    def call_service(self, form: SelectionForm) -> str:
        chosen = form.chosen(everything="everything" in self.request.POST)
        confirm = (
            customers_confirm
            if self.object.system_check == SystemCheck.CUSTOMERS_CONFIRMED
            else orders_confirm
        )
        key = "customer_ids" if confirm is customers_confirm else "order_ids"
        result = confirm(
            actor=self.request.user, item=self.object, note=form.cleaned_data["note"], **{key: chosen}
        )
        return _result_message(self.object, result)


class FollowUpUploadView(ItemFormView):
    """Upload one follow-up record covering the selected customers."""

    def get_form(self, data: Any = None) -> FollowUpForm:
        files = self.request.FILES if data is not None else None
        return FollowUpForm(data, files, choices=self.choices())

    def call_service(self, form: FollowUpForm) -> str:
        result = follow_up_upload(
            actor=self.request.user,
            item=self.object,
            customer_ids=form.cleaned_data["customers"],
            upload=form.cleaned_data["file"],
        )
        return _result_message(self.object, result)


def _result_message(item: HandoverItem, result: dict[str, Any]) -> str:
    if result["ok"]:
        return _("%(title)s is done.") % {"title": item.title}
    return _("Saved. %(n)d still to go for %(title)s.") % {"n": result["missing_count"], "title": item.title}
