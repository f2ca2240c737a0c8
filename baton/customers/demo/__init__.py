"""The demo company's customers: about 3,000 accounts of 顺达物流 and a year of business with them.

``seed_customers(ctx)`` runs after the organisation and login seeders. It adds the team pools and
the public pool (公海), the assignment and tier rules, customers with contacts, collaborators and
ownership history, and, for the 12 months up to the seeding moment (``baton.core.clock``),
interactions, orders, monthly statements (receivables), framework contracts and complaints.

The story the product exists for is built in, and the tests in ``tests/test_demo_story.py``
measure it:

- S1101 张伟 (华南区工业客户团队, ten years with the firm) holds about 15% of the company's
  revenue of the last 12 months. His customers' order amounts are scaled once, after all orders
  are drawn, so that the share lands in 14.7–15.3% whatever the draw.
- Several of his large accounts order less in each of the last three calendar months (count
  and amount strictly lower each month): they are moving to a competitor.
- He logs about five customer interactions a week until two weeks ago, one a week since, and
  his visit notes of the last two months say little (走过场). One of his last WeChat messages
  asks a customer to 以后直接加我私人微信联系.
- The follow-up specialists of his team keep his customers followed up, so none of them is
  due back to the public pool; the company still has the history and the learned facts.

Determinism: every part draws from its own ``random.Random`` derived from ``ctx.seed`` and a
part name (never from ``ctx.rng``), so the same seed gives the same customers, names and history
(for the same seeding day), and seeders after this one see ``ctx.rng`` untouched. Phone numbers
are encrypted with a random nonce, so only their ciphertext differs between runs.

Writes and the audit trail. Historic customers cannot go through ``customer_create`` (it stamps
"now" as the creation time and checks duplicates with three queries per customer), so they are
built in memory, consistent with the assignment rules (``pool_for``), and bulk-inserted. The
audit trail gets, through ``audit_record_many``:

- one event per created record for what has an identity of its own and a history page:
  pools and rules, customers (``customers.customer_created``, the same fields as
  ``customer_create`` writes) and contacts (``customers.contact_added``, phone masked);
- one event per batch, with counts, id range and period, for the bulk history: interactions,
  orders, receivables, contracts, complaints, collaborators and ownership changes.

The dozen leads that arrive on the seeding day go through ``customer_create`` (with their
contacts through ``contact_add``), so the demo also shows customers made by the real path, and
the duplicate check proves the bulk data clean. Facts are learned by ``facts_extract`` (which
audits each fact) for every interaction of the key accounts and of S1101's customers, when the
fact extractor (``baton.customers.facts``) is present in this tree.
"""

from baton.customers.demo.data import FACTS_AVAILABLE, NEW_LEADS, PRIVATE_WECHAT
from baton.customers.demo.generators import company_identities, names_digest
from baton.customers.demo.seed import seed_customers

__all__ = [
    "FACTS_AVAILABLE",
    "NEW_LEADS",
    "PRIVATE_WECHAT",
    "company_identities",
    "names_digest",
    "seed_customers",
]
