"""Reading customers. Every queryset comes through the customer or order data scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import reduce
from operator import and_
from typing import Any

from django.db import connection
from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth

from baton.authz.actor import actor_for
from baton.authz.models import SCOPE_ORDER, Scope
from baton.authz.selectors import restrict, scope_branches, user_can
from baton.core import clock
from baton.customers.models import (
    AssignmentRule,
    Complaint,
    Contact,
    Contract,
    Customer,
    CustomerFact,
    FactStatus,
    FollowUpTask,
    Interaction,
    InteractionAttachment,
    Order,
    OwnershipChange,
    Pool,
    PoolKind,
    Receivable,
    ReceivableStatus,
)
from baton.customers.models.commerce import OPEN_ORDER_STATUSES
from baton.customers.scopes import RECEIVABLE_SCOPES, team_branch_ids

PROFILE_TIMELINE = 50
PROFILE_ORDERS = 20


def customers_visible_to(*, user: Any, action: str = "view") -> QuerySet[Customer]:
    """Customers ``user`` may ``action``: own and collaborating (sales), the team's pool (team
    lead), the department's teams (department head), everything (management)."""
    base = Customer.objects.select_related("team", "owner", "pool")
    return restrict(base, user=user, resource="customer", action=action)


def customers_visible_count(
    *, user: Any, action: str = "view", narrowed: QuerySet[Customer] | None = None
) -> int:
    """How many customers ``user`` may ``action`` among ``narrowed`` (all customers with only the
    list's filters applied, no scope; by default all), exactly.

    The scope is counted branch by branch, each without the rows of the branches before it: the
    team pools, then what the person owns outside them, then what they collaborate on outside
    both. Counted as one OR, each of a department's tens of thousands of customers would be read
    from the table; the team branch alone is counted from an index.
    """
    branches = scope_branches(user=user, resource="customer", action=action) or []
    base = Customer.objects.all() if narrowed is None else narrowed
    total = 0
    for i, branch in enumerate(branches):
        only_here = reduce(and_, [~earlier for earlier in branches[:i]], branch)
        total += base.filter(only_here).count()
    return total


# Up to this many teams in a scope, a page is found team by team (see customers_visible_page).
PAGE_TEAM_BY_TEAM = 20


def customers_visible_page(
    *,
    queryset: QuerySet[Customer],
    user: Any,
    action: str = "view",
    narrowed: QuerySet[Customer] | None = None,
    bottom: int,
    top: int,
) -> QuerySet[Customer]:
    """Rows ``bottom`` to ``top`` of ``queryset``: the customers ``user`` may ``action`` among
    ``narrowed`` (all customers with only the list's filters and order applied), in that order.

    Found branch by branch of the scope, and team by team for a scope of up to
    ``PAGE_TEAM_BY_TEAM`` teams: each gives its first ``top`` ids in the list's order along its
    own index (a team's customers by name, filters read from the index too), and the page is cut
    from those few. As one OR, PostgreSQL walks the table in name order testing every row, and a
    department's customers, whose names start with their region's cities, lie far apart in that
    order: hundreds of thousands of rows read for fifty. Where the database cannot order inside
    a UNION (SQLite), or the scope has one branch, the page is cut from ``queryset`` directly.
    """
    branches = scope_branches(user=user, resource="customer", action=action) or []
    parts: list[Q] = []
    for branch in branches:
        teams = team_branch_ids(branch)
        if teams is not None and len(teams) <= PAGE_TEAM_BY_TEAM:
            parts.extend(Q(team_id=team) for team in teams)
        else:
            parts.append(branch)
    if len(parts) < 2 or top <= bottom or not connection.features.supports_slicing_ordering_in_compound:
        return queryset[bottom:top]
    base = Customer.objects.all() if narrowed is None else narrowed
    declared = list(base.query.order_by) or list(Customer._meta.ordering or [])
    ordering = [item for item in declared if isinstance(item, str) and "__" not in item]
    if len(ordering) < len(declared):  # an expression: the candidates' rows are sorted as they come
        firsts = [base.filter(part).values("pk")[:top] for part in parts]
        return queryset.filter(pk__in=firsts[0].union(*firsts[1:]))[bottom:top]
    # The page's ids first (cut from the candidates in the list's order), then its fifty rows.
    columns = dict.fromkeys(["pk", *(item.lstrip("-") for item in ordering)])
    firsts = [base.filter(part).values(*columns)[:top] for part in parts]
    page = firsts[0].union(*firsts[1:]).order_by(*ordering)[bottom:top]
    return queryset.filter(pk__in=[row["pk"] for row in page])


def customer_scope_at_least(*, user: Any, scope: str, action: str = "view") -> bool:
    """Whether the user's ``customer`` grant for ``action`` reaches at least ``scope`` (own, team,
    department, company): "team" means team leads and above, whatever their roles are called."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    held = actor_for(user).scope_for("customer", action)
    return held is not None and SCOPE_ORDER.index(Scope(held)) >= SCOPE_ORDER.index(Scope(scope))


def customers_for_team_view(*, user: Any) -> QuerySet[Customer]:
    """The team lead's live view: each customer with last follow-up, the latest next step and
    its count of open orders, in one query."""
    latest_step = (
        Interaction.objects.filter(customer=OuterRef("pk"))
        .exclude(next_step="")
        .order_by("-occurred_at", "-id")
    )
    return customers_visible_to(user=user).annotate(
        next_step=Subquery(latest_step.values("next_step")[:1]),
        open_orders=Count("orders", filter=Q(orders__status__in=OPEN_ORDER_STATUSES), distinct=True),
    )


def public_pool_customers(*, user: Any) -> QuerySet[Customer]:
    """Customers in the public pool (公海) of the user's company, for those who may claim.

    Only the account's outline is shown here (name, region, industry, tier); details need
    the customer to be claimed first.
    """
    if not user_can(user=user, resource="customer", action="claim"):
        return Customer.objects.none()
    employee = getattr(user, "employee", None)
    qs = Customer.objects.filter(pool__kind=PoolKind.PUBLIC).select_related("pool")
    return qs.filter(company_id=employee.company_id) if employee is not None else qs


def orders_visible_to(*, user: Any, action: str = "view") -> QuerySet[Order]:
    """Orders of customers in scope, plus those the user took or collects (finance: all)."""
    base = Order.objects.select_related("customer", "taken_by", "receivable_owner")
    return restrict(base, user=user, resource="order", action=action)


def interactions_visible_to(*, user: Any, action: str = "view") -> QuerySet[Interaction]:
    """Interactions with customers the user may see (or ``action``)."""
    visible = customers_visible_to(user=user, action=action).values("pk")
    return Interaction.objects.filter(customer__in=visible).select_related("customer", "contact", "employee")


def contacts_visible_to(*, user: Any, action: str = "view") -> QuerySet[Contact]:
    visible = customers_visible_to(user=user, action=action).values("pk")
    return Contact.objects.filter(customer__in=visible).select_related("customer")


def complaints_visible_to(*, user: Any, action: str = "view") -> QuerySet[Complaint]:
    visible = customers_visible_to(user=user, action=action).values("pk")
    return Complaint.objects.filter(customer__in=visible).select_related("customer")


def tasks_visible_to(*, user: Any, action: str = "view") -> QuerySet[FollowUpTask]:
    """Follow-up tasks of the customers the user may see (or ``action``), whoever does them."""
    visible = customers_visible_to(user=user, action=action).values("pk")
    return FollowUpTask.objects.filter(customer__in=visible).select_related("customer", "assignee")


def contracts_visible_to(*, user: Any, action: str = "view") -> QuerySet[Contract]:
    """Contracts (and their scans) of the customers the user may see (or ``action``)."""
    visible = customers_visible_to(user=user, action=action).values("pk")
    return Contract.objects.filter(customer__in=visible).select_related("customer", "owner")


def receivables_visible_to(*, user: Any, action: str = "view") -> QuerySet[Receivable]:
    """Receivables under the user's ``order`` grant for ``action``: those of customers in scope
    and those the user collects (finance: the whole company)."""
    base = Receivable.objects.select_related("customer", "order", "owner")
    return restrict(base, user=user, resource="order", action=action, rule=RECEIVABLE_SCOPES)


def attachments_visible_to(*, user: Any, action: str = "view") -> QuerySet[InteractionAttachment]:
    """Files attached to interactions with customers the user may see (or ``action``)."""
    visible = customers_visible_to(user=user, action=action).values("pk")
    return InteractionAttachment.objects.filter(interaction__customer__in=visible).select_related(
        "interaction"
    )


def pools_visible_to(*, user: Any, action: str = "view") -> QuerySet[Pool]:
    """Customer pools with their return rules, tier rules and the assignment rules that feed
    them, for holders of the ``customer_pool`` grant."""
    base = Pool.objects.select_related("team").prefetch_related("tier_rules", "assignment_rules")
    return restrict(base, user=user, resource="customer_pool", action=action)


def facts_visible_to(*, user: Any, action: str = "view") -> QuerySet[CustomerFact]:
    visible = customers_visible_to(user=user, action=action).values("pk")
    return CustomerFact.objects.filter(customer__in=visible).select_related("interaction", "customer")


def monthly_volume(
    *, customer: Customer, months: int = 12, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Orders per month over the last ``months`` months: count and amount, empty months included."""
    today = today or clock.now().date()
    index = today.year * 12 + today.month - 1 - (months - 1)  # months since year 0, of the first month
    first = dt.date(index // 12, index % 12 + 1, 1)
    rows = (
        Order.objects.filter(customer=customer, order_date__gte=first)
        .annotate(month=TruncMonth("order_date"))
        .values("month")
        .annotate(orders=Count("id"), amount=Sum("amount"))
        .order_by("month")
    )
    by_month = {(r["month"].year, r["month"].month): r for r in rows}
    series = []
    year, month = first.year, first.month
    for _i in range(months):
        row = by_month.get((year, month))
        series.append(
            {
                "month": f"{year}-{month:02d}",
                "orders": row["orders"] if row else 0,
                "amount": row["amount"] if row else Decimal("0.00"),
            }
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return series


def customer_profile(*, customer: Customer) -> dict[str, Any]:
    """The 360° profile of one customer (the caller has loaded it through the scope).

    A fixed number of queries whatever the customer's history: each part is one query.
    """
    receivables = list(customer.receivables.select_related("owner", "order").order_by("due_on"))
    open_receivable = sum(
        (r.amount - r.paid_amount for r in receivables if r.status == ReceivableStatus.OPEN), Decimal("0.00")
    )
    revenue_12m = Order.objects.filter(
        customer=customer, order_date__gte=clock.now().date() - dt.timedelta(days=365)
    ).aggregate(total=Coalesce(Sum("amount"), Decimal("0.00"), output_field=DecimalField()))["total"]
    return {
        "customer": customer,
        "collaborators": list(customer.collaborators.select_related("employee")),
        "contacts": list(customer.contacts.filter(removed_at__isnull=True)),
        "ownership": list(
            OwnershipChange.objects.filter(customer=customer).select_related(
                "from_owner", "to_owner", "from_team", "to_team", "operator", "collaborator"
            )[:50]
        ),
        "orders": list(customer.orders.select_related("taken_by", "receivable_owner")[:PROFILE_ORDERS]),
        "monthly_volume": monthly_volume(customer=customer),
        "revenue_12m": revenue_12m,
        "contracts": list(customer.contracts.select_related("owner")),
        "receivables": receivables,
        "open_receivable": open_receivable,
        "complaints": list(customer.complaints.all()[:20]),
        "timeline": list(customer.interactions.select_related("contact", "employee")[:PROFILE_TIMELINE]),
        "facts": list(
            customer.facts.exclude(status=FactStatus.REJECTED).select_related("interaction", "reviewed_by")
        ),
        "open_tasks": list(customer.tasks.filter(done_at__isnull=True).select_related("assignee")),
    }


def assignment_rules_visible_to(*, user: Any, action: str = "view") -> QuerySet[AssignmentRule]:
    """Assignment rules of the user's company (and subsidiaries), for holders of ``customer_pool``."""
    base = restrict(
        AssignmentRule.objects.select_related("pool"), user=user, resource="customer_pool", action=action
    )
    companies = actor_for(user).company_ids if getattr(user, "is_authenticated", False) else []
    rules = base if companies is None else base.filter(company_id__in=companies)
    return rules.order_by("priority", "id")
