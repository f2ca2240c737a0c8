"""Customer data scopes: who sees which customers."""

import pytest

from baton.audit.models import AuditEvent
from baton.core.policy import get_in_scope
from baton.customers.selectors import customers_visible_to, orders_visible_to, public_pool_customers

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
