"""Finance finds receivables on a page of its own; sales see only what they collect."""

import datetime as dt

import pytest

from baton.core.testing import MatrixCase, assert_matrix
from baton.customers.services import receivable_add

pytestmark = pytest.mark.django_db

URL = "/customers/receivables/"


@pytest.fixture
def receivables(crm):
    return [
        receivable_add(actor=None, customer=crm.customers["c1"], amount="1000", due_on=dt.date(2020, 1, 1)),
        receivable_add(actor=None, customer=crm.customers["c3"], amount="2500", due_on=dt.date(2099, 1, 1)),
    ]


def test_matrix(crm, receivables):
    assert_matrix(crm.org, MatrixCase(url=URL, permitted="F0001", no_permission="H0001"))


def test_finance_sees_all_open_receivables_with_payment_links(crm, receivables):
    response = crm.org.client_for("F0001").get(URL)
    assert [r.pk for r in response.context["receivables"]] == [r.pk for r in receivables]
    body = response.content.decode()
    assert f"/customers/receivables/{receivables[0].pk}/payment/" in body and "overdue" in body


def test_overdue_filter(crm, receivables):
    response = crm.org.client_for("F0001").get(URL, {"overdue": "true"})
    assert [r.pk for r in response.context["receivables"]] == [receivables[0].pk]


def test_sales_see_only_their_customers_receivables(crm, receivables):
    response = crm.org.client_for("S1201").get(URL)
    assert [r.pk for r in response.context["receivables"]] == [receivables[1].pk]


def test_query_count_does_not_grow(crm, receivables, django_assert_max_num_queries):
    client = crm.org.client_for("F0001")
    with django_assert_max_num_queries(15):
        client.get(URL)
    for i in range(20):
        receivable_add(
            actor=None, customer=crm.customers["c2"], amount=str(100 + i), due_on=dt.date(2026, 12, 1)
        )
    with django_assert_max_num_queries(15):
        client.get(URL)
