"""Customer lists: all customers in scope, the team view, the public pool, receivables."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from baton.authz.selectors import user_can
from baton.core import clock
from baton.core.errors import BatonError
from baton.core.policy import requires
from baton.core.views import BatonTemplateView, ScopedObjectMixin
from baton.customers.filters import CustomerFilterSet, ReceivableFilterSet
from baton.customers.models import (
    Customer,
    PoolKind,
    ReceivableStatus,
)
from baton.customers.pagination import ScopedPaginator
from baton.customers.selectors import (
    customers_for_team_view,
    customers_visible_count,
    customers_visible_page,
    customers_visible_to,
    public_pool_customers,
    receivables_visible_to,
)
from baton.customers.services import (
    customer_claim,
)
from baton.customers.views.common import (
    CUSTOMERS_PER_PAGE,
    LIST_FILTER_FIELDS,
    POOL_FILTER_FIELDS,
    TEAM_WIDE_VIEW,
    days_since,
    error_text,
    wants_partial,
)
from baton.org.selectors import teams_visible_to

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

    def get_filterset(self, queryset: QuerySet[Customer] | None = None) -> CustomerFilterSet:
        user = self.request.user
        if queryset is None:
            queryset = customers_visible_to(user=user)
        filterset = CustomerFilterSet(self.request.GET, queryset=queryset, request=self.request)
        filterset.filters["team"].queryset = (
            teams_visible_to(user=user).filter(is_sales=True).order_by("name")
        )
        return filterset

    def paginate_scoped(self, filterset: CustomerFilterSet) -> Any:
        """The page and the exact total found branch by branch of the scope, as the API does
        (``customers_visible_count``, ``customers_visible_page``): a department's list neither
        counts nor sorts its tens of thousands of rows from the table."""
        user = self.request.user
        narrowed = self.get_filterset(Customer.objects.all()).qs
        listed = filterset.qs
        paginator = ScopedPaginator(
            listed,
            CUSTOMERS_PER_PAGE,
            counter=lambda: customers_visible_count(user=user, narrowed=narrowed),
            slicer=lambda bottom, top: customers_visible_page(
                queryset=listed, user=user, narrowed=narrowed, bottom=bottom, top=top
            ),
        )
        return paginator.get_page(self.request.GET.get("page"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        filterset = self.get_filterset()
        page = self.paginate_scoped(filterset)
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
            days = days_since(customer.last_follow_up_at, now)
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
