"""Customer data scopes: who sees which customers."""

import pytest

from baton.audit.models import AuditEvent
from baton.authz.selectors import scope_branches
from baton.core.policy import get_in_scope
from baton.core.testing import _department
from baton.customers import scopes
from baton.customers.models import Customer, CustomerCollaborator
from baton.customers.selectors import (
    customers_visible_count,
    customers_visible_page,
    customers_visible_to,
    orders_visible_to,
    public_pool_customers,
)
from baton.org.models import Team

pytestmark = pytest.mark.django_db


def visible(crm, no, action="view"):
    keys = {c.pk: k for k, c in crm.customers.items()}
    return {
        keys[pk]
        for pk in customers_visible_to(user=crm.org.user(no), action=action).values_list("pk", flat=True)
    }


def test_salesperson_sees_own_and_collaborating_customers(crm):
    assert visible(crm, "S1101") == {"c1", "c2"}


def test_salesperson_without_collaboration_sees_only_own(crm):
    assert visible(crm, "S1102") == {"c2"}


def test_team_lead_sees_the_team_pool(crm):
    assert visible(crm, "S1100") == {"c1", "c2"}


def test_department_head_sees_the_department_teams(crm):
    assert visible(crm, "S1000") == {"c1", "c2", "c3"}


def test_management_sees_everything_including_the_public_pool(crm):
    assert visible(crm, "M0001") == {"c1", "c2", "c3", "c4", "c5"}


@pytest.mark.parametrize("no", ["H0001", "F0001", "X0001"])
def test_hr_finance_and_roleless_see_no_customers(crm, no):
    assert visible(crm, no) == set()


def test_finance_sees_orders_but_not_customers(crm):
    assert orders_visible_to(user=crm.org.user("F0001")).count() == 1
    assert orders_visible_to(user=crm.org.user("S1201")).count() == 0


def test_order_taker_sees_the_order(crm):
    assert orders_visible_to(user=crm.org.user("S1101")).count() == 1


def test_public_pool_is_listed_to_those_who_may_claim(crm):
    assert list(public_pool_customers(user=crm.org.user("S1201"))) == [crm.customer("c5")]
    assert not public_pool_customers(user=crm.org.user("H0001")).exists()


def test_out_of_scope_customer_is_not_found_and_the_attempt_is_audited(crm):
    from django.http import Http404

    user = crm.org.user("S1101")
    with pytest.raises(Http404):
        get_in_scope(
            customers_visible_to(user=user),
            user=user,
            resource="customer",
            action="view",
            pk=crm.customers["c3"].pk,
        )
    event = AuditEvent.objects.filter(action="access.denied", actor_label="S1101").latest("seq")
    assert event.object_id == str(crm.customers["c3"].pk) and event.changes["reason"] == "out_of_scope"


def _reach_beyond_the_teams(crm):
    """S1000 (head of the South) also owns c4 in the East and works on c5 and c1 as a collaborator:
    the scope's branches overlap (c1 is in a South team too) and reach outside the teams."""
    head = crm.org.employees["S1000"]
    Customer.objects.filter(pk=crm.customers["c4"].pk).update(owner=head)
    for key in ("c5", "c1"):
        CustomerCollaborator.objects.create(customer=crm.customers[key], employee=head, team_role="follow_up")


def test_department_head_also_sees_what_they_own_or_work_on_elsewhere(crm):
    _reach_beyond_the_teams(crm)
    assert visible(crm, "S1000") == {"c1", "c2", "c3", "c4", "c5"}


def test_department_scope_covers_teams_of_sub_departments(crm):
    below = _department(crm.org.company, "深圳分部", crm.org.departments["south"])
    team = Team.objects.create(department=below, name="深圳客户团队", is_sales=True)
    Customer.objects.filter(pk=crm.customers["c4"].pk).update(team=team)

    assert visible(crm, "S1000") == {"c1", "c2", "c3", "c4"}


@pytest.mark.parametrize("no", ["S1101", "S1102", "S1100", "S1000", "E2001", "M0001", "H0001"])
@pytest.mark.parametrize("filters", [{}, {"region": "south"}, {"tier": "small"}, {"name__contains": "公司"}])
def test_counting_branch_by_branch_gives_the_count_of_the_list(crm, no, filters):
    _reach_beyond_the_teams(crm)
    user = crm.org.user(no)
    expected = customers_visible_to(user=user).filter(**filters).count()

    assert customers_visible_count(user=user, narrowed=Customer.objects.filter(**filters)) == expected


@pytest.mark.parametrize("no", ["S1101", "S1100", "S1000", "M0001", "H0001"])
@pytest.mark.parametrize("order", [("name", "id"), ("-name", "id"), ("-created_at", "-id")])
def test_a_page_found_branch_by_branch_is_the_slice_of_the_list(crm, no, order):
    _reach_beyond_the_teams(crm)
    user = crm.org.user(no)
    listed = customers_visible_to(user=user).filter(region="south").order_by(*order)
    narrowed = Customer.objects.filter(region="south").order_by(*order)
    everything = list(listed.values_list("pk", flat=True))

    for bottom, top in ((0, 1), (0, 2), (1, 3), (2, 10), (0, 0)):
        page = customers_visible_page(queryset=listed, user=user, narrowed=narrowed, bottom=bottom, top=top)
        assert [c.pk for c in page] == everything[bottom:top]


def test_many_collaborations_are_read_by_the_database_itself(crm, monkeypatch):
    monkeypatch.setattr(scopes, "COLLABORATION_IDS_INLINE", 0)
    assert visible(crm, "S1101") == {"c1", "c2"}
    assert customers_visible_count(user=crm.org.user("S1101")) == 2


def test_the_team_branch_is_known_by_its_teams(crm):
    _reach_beyond_the_teams(crm)
    head = scope_branches(user=crm.org.user("S1000"), resource="customer", action="view")
    south = {crm.org.teams["south1"].pk, crm.org.teams["south2"].pk}

    assert set(scopes.team_branch_ids(head[0]) or []) == south
    assert [scopes.team_branch_ids(branch) for branch in head[1:]] == [None, None]  # owned, collaborating
