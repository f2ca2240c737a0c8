"""R7's two ways of scoring agree: the PostgreSQL statement and the portable Python path give
every customer the same score and components, and find the same drops."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection

from baton.customers.models import Complaint, Customer, Interaction, Order, OrderStatus, Receivable
from baton.risk.models import HealthSnapshot
from baton.risk.rules.health import _part, health_drops_portable, health_score
from baton.risk.tests.helpers import neighbour_customer

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 18, 2, 0, tzinfo=dt.UTC)  # 10:00 on 18 November in Shanghai
TODAY = dt.date(2026, 11, 18)
DAY = dt.timedelta(days=1)


def test_parts_are_rounded_half_up_to_four_places():
    assert _part(Fraction(1, 3)) == Decimal("0.3333")
    assert _part(Fraction(2, 3)) == Decimal("0.6667")
    assert _part(Fraction(5, 100_000)) == Decimal("0.0001")  # 0.00005: half up
    assert _part(Fraction(20)) == Decimal("20.0000")


def test_a_score_on_the_half_point_rounds_up_whatever_the_repeating_decimals():
    # recency 30 × 85/90 = 28⅓ → 28.3333 and trend 20 × 6,100/12,000 = 10⅙ → 10.1667: with the
    # receivables' 15 the parts add up to 53.5000 (exactly 53½ too), which rounds up.
    figures = {
        "last_interaction_on": TODAY - 5 * DAY,
        "last_order_on": None,
        "orders_90": 0,
        "orders_year": 0,
        "revenue_year": Decimal("0"),
        "amount_recent": Decimal("6100.00"),
        "amount_previous": Decimal("12000.00"),
        "complaints_90": 3,  # 0 points
        "overdue": Decimal("0"),  # 15
    }
    score, parts = health_score(figures, today=TODAY)
    assert (parts["recency"], parts["trend"], parts["amount_recent"]) == ("28.3", "10.2", "6100.00")
    assert score == 54


_numbers = itertools.count(1)


def _random_history(customers: list[Customer], seed: int) -> None:
    rng = random.Random(seed)
    numbers = _numbers
    for c in customers:
        for _ in range(rng.choice((0, 0, 1, 3, 8, 20))):
            Order.objects.create(
                customer=c,
                number=f"H-{next(numbers):06d}",
                order_date=TODAY - rng.randrange(0, 400) * DAY,
                route_from="广州",
                route_to="上海",
                amount=Decimal(rng.choice(("1000.00", "333.33", "2500.50", "0.01", "12345.67"))),
                status=rng.choice((OrderStatus.CLOSED, OrderStatus.CLOSED, OrderStatus.CANCELLED)),
                created_at=NOW,
            )
        for _ in range(rng.choice((0, 1, 2))):
            # around midnight in Shanghai (16:00 UTC) so the local day matters
            moment = NOW - rng.randrange(0, 120) * DAY - dt.timedelta(hours=rng.choice((9, 10, 11)))
            Interaction.objects.create(customer=c, channel="call", occurred_at=moment, created_at=moment)
        for _ in range(rng.choice((0, 0, 1, 2, 4))):
            Complaint.objects.create(
                customer=c,
                occurred_on=TODAY - rng.randrange(0, 100) * DAY,
                category="货损",
                severity="low",
                description="x",
            )
        if rng.random() < 0.5:
            Receivable.objects.create(
                customer=c,
                amount=Decimal(rng.choice(("800.00", "5000.00", "99999.99"))),
                paid_amount=Decimal(rng.choice(("0", "100.00"))),
                due_on=TODAY + rng.randrange(-60, 20) * DAY,
            )
        HealthSnapshot.objects.create(
            customer=c, day=TODAY - rng.choice((5, 30, 31)) * DAY, score=rng.randrange(20, 101)
        )


def _neighbour() -> Customer:
    """Another company in the same database, with a customer that orders and talks."""
    customer = neighbour_customer(created_at=NOW - 500 * DAY)
    _random_history([customer], seed=7)
    return customer


@pytest.mark.postgres_only
@pytest.mark.parametrize("neighbour", [False, True], ids=["alone", "with another company"])
def test_the_postgresql_statement_scores_like_the_python_definition(crm, neighbour):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from baton.risk.rules.health_sql import health_drops

    other = _neighbour() if neighbour else None
    first = Customer.objects.filter(company=crm.org.company).order_by("pk").first()
    assert first is not None
    customers = [
        Customer.objects.create(
            company=crm.org.company,
            name=f"健康测试{i}有限公司",
            normalized_name=f"健康测试{i}",
            region="south",
            industry="trade",
            tier="small",
            pool=first.pool,
            team=first.team,
            owner=first.owner,
            created_at=NOW - 500 * DAY,
        )
        for i in range(60)
    ]
    _random_history(customers, seed=2026)
    company = crm.org.company

    def stored() -> dict[int, tuple[int, dict]]:
        return {s.customer_id: (s.score, s.components) for s in HealthSnapshot.objects.filter(day=TODAY)}

    HealthSnapshot.objects.filter(day=TODAY).delete()

    portable = health_drops_portable(company=company, now=NOW, days=30, drop=10)
    in_python = stored()
    in_sql = health_drops(company_id=company.pk, now=NOW, days=30, drop=10)
    assert stored() == in_python and len(in_python) == Customer.objects.filter(company=company).count()

    def essentials(rows: list[dict]) -> list[tuple]:
        return [(r["pk"], r["score"], r["components"], r["before_score"], r["before_day"]) for r in rows]

    assert portable and essentials(in_sql) == essentials(portable)
    if other is not None:  # the other company's customer is neither scored nor stored
        assert other.pk not in stored()
