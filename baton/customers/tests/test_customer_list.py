"""The customer list at scale (API and page): exact totals and pages found branch by branch of
the scope, and the planned serializer output, which must be exactly DRF's."""

import pytest
from rest_framework import serializers

from baton.customers.api.serializers import CustomerSerializer, CustomerTeamViewSerializer
from baton.customers.models import Customer, CustomerCollaborator
from baton.customers.selectors import customers_for_team_view, customers_visible_to
from baton.customers.services import customer_create, interaction_record
from baton.customers.tests.test_api_customers import CUSTOMERS, NOW, credit_code, listed, new_customer

pytestmark = pytest.mark.django_db


def _head_reaches_beyond_his_teams(crm):
    head = crm.org.employees["S1000"]
    Customer.objects.filter(pk=crm.customers["c4"].pk).update(owner=head)
    for key in ("c1", "c5"):
        CustomerCollaborator.objects.create(customer=crm.customers[key], employee=head, team_role="follow_up")


@pytest.mark.parametrize(
    "query", [{}, {"region": "south"}, {"q": "有限"}, {"search": "前海"}, {"tier": "large"}]
)
def test_the_total_counts_every_customer_in_scope_once(crm, query):
    # S1000 heads the South; he also owns c4 in the East and works on c1 (a South customer) and c5
    # (the public pool), so the scope's branches overlap and reach beyond his teams.
    _head_reaches_beyond_his_teams(crm)
    client = crm.org.client_for("S1000")

    everything = client.get(CUSTOMERS, {**query, "page_size": 500}).json()
    first = client.get(CUSTOMERS, {**query, "page_size": 2}).json()

    assert first["count"] == everything["count"] == len({r["id"] for r in everything["results"]})
    assert [r["id"] for r in first["results"]] == [r["id"] for r in everything["results"]][:2]
    if not query:
        assert listed(crm, client.get(CUSTOMERS, {"page_size": 500})) == {"c1", "c2", "c3", "c4", "c5"}


def test_planned_output_is_drf_output(crm):
    c1, c2 = crm.customers["c1"], crm.customers["c2"]
    interaction_record(
        actor=None, customer=c1, channel="call", occurred_at=NOW, content="要车", next_step="确认"
    )
    Customer.objects.filter(pk=c2.pk).update(tags=["重点", "冷链"], credit_code=credit_code())
    manager = crm.org.user("M0001")
    rows = list(customers_visible_to(user=manager))
    team_rows = list(customers_for_team_view(user=manager))
    created = customer_create(actor=None, company=crm.org.company, **new_customer())  # enum members still
    assert None in {c.team_id for c in rows}  # the public pool's customer has no team and no owner

    for serializer_class, customers in (
        (CustomerSerializer, [*rows, created]),
        (CustomerTeamViewSerializer, team_rows),
    ):
        for customer in customers:
            planned = serializer_class(customer).data
            drf = serializers.ModelSerializer.to_representation(serializer_class(customer), customer)
            assert planned == drf
            assert [type(v) for v in planned.values()] == [type(v) for v in drf.values()]


@pytest.mark.parametrize("query", [{}, {"region": "south"}, {"q": "有限"}])
def test_the_list_page_counts_and_pages_the_scope_like_the_api(crm, query):
    _head_reaches_beyond_his_teams(crm)
    client = crm.org.client_for("S1000")

    page = client.get("/customers/", query).context["page_obj"]
    api = client.get(CUSTOMERS, {**query, "page_size": 500}).json()

    assert page.paginator.count == api["count"]
    assert [c.pk for c in page.object_list] == [r["id"] for r in api["results"]][: len(page.object_list)]
