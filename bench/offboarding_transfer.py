"""Time a leaver's transfer: 10,000 customers with their open orders, receivables and tasks.

Run against a scratch PostgreSQL database (it writes test data; it refuses any other name):

    createdb -h 127.0.0.1 -U postgres baton_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/baton_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/baton_bench \
        .venv/bin/python manage.py shell -c "exec(open('bench/offboarding_transfer.py').read())"

The full benchmark suite (``make bench``, with hand-written SQL baselines) is the enterprise-scale
issue's; this script is the offboarding issue's own measurement.
"""

import time
from decimal import Decimal

from django.db import connection

from baton.core import clock
from baton.core.testing import build_small_org
from baton.customers.models import Customer, FollowUpTask, Order, Receivable
from baton.customers.testing import build_small_crm
from baton.offboarding.services import plan_execute, plan_preview, plan_save
from baton.offboarding.testing import open_case

if not connection.settings_dict["NAME"].startswith("baton_bench"):
    raise SystemExit("Point DATABASE_URL at a scratch database named baton_bench*.")

N = 10_000
org = build_small_org(with_mfa=False)
crm = build_small_crm(org)
leaver, pool, now = org.employees["S1101"], crm.pools["south1"], clock.now()
Customer.objects.bulk_create(
    [
        Customer(
            company=org.company,
            name=f"客户{i}",
            normalized_name=f"客户{i}",
            region="south",
            industry="manufacturing",
            tier="small",
            pool=pool,
            team=pool.team,
            owner=leaver,
            created_at=now,
        )
        for i in range(N)
    ],
    batch_size=2000,
)
ids = list(Customer.objects.filter(owner=leaver).values_list("pk", flat=True))
Order.objects.bulk_create(
    [
        Order(
            customer_id=c,
            number=f"B{c}",
            order_date=now.date(),
            route_from="广州",
            route_to="上海",
            amount=Decimal("1000"),
            status="open" if c % 3 == 0 else "closed",
            taken_by=leaver,
            receivable_owner=leaver,
            created_at=now,
        )
        for c in ids
    ],
    batch_size=2000,
)
Receivable.objects.bulk_create(
    [Receivable(customer_id=c, amount=Decimal("500"), due_on=now.date(), owner=leaver) for c in ids[::4]],
    batch_size=2000,
)
FollowUpTask.objects.bulk_create(
    [
        FollowUpTask(customer_id=c, assignee=leaver, title="回访", due_at=now, created_at=now)
        for c in ids[::5]
    ],
    batch_size=2000,
)
case = open_case(org)
plan_save(actor=org.users["H0001"], case=case, strategy="progress", successor=org.employees["S1102"].pk)
t0 = time.perf_counter()
lines = plan_preview(case=case)
t1 = time.perf_counter()
plan, executed = plan_execute(actor=org.users["H0001"], case=case)
t2 = time.perf_counter()
print(f"{connection.vendor}: {len(lines)} customers; preview {t1 - t0:.2f} s; execute {t2 - t1:.2f} s")  # noqa: T201 - a benchmark reports on stdout
print(plan.summary)  # noqa: T201 - a benchmark reports on stdout
