"""Writes of the customers domain, one module per concern."""

from baton.customers.services.activity import (
    attachment_add,
    fact_review,
    facts_extract,
    interaction_record,
    task_complete,
    task_create,
)
from baton.customers.services.commerce import (
    complaint_record,
    complaint_resolve,
    contract_add,
    money,
    order_create,
    receivable_add,
    receivable_payment,
)
from baton.customers.services.customers import (
    contact_add,
    contact_remove,
    contact_reveal,
    customer_create,
    customer_duplicates,
    customer_update,
    pool_for,
    public_pool_of,
)
from baton.customers.services.pools import (
    collaborator_set,
    customer_assign,
    customer_claim,
    customer_release,
    pool_returns_run,
    pool_update,
    rebalance_preview,
)

__all__ = [
    "attachment_add",
    "collaborator_set",
    "complaint_record",
    "complaint_resolve",
    "contact_add",
    "contact_remove",
    "contact_reveal",
    "contract_add",
    "customer_assign",
    "customer_claim",
    "customer_create",
    "customer_duplicates",
    "customer_release",
    "customer_update",
    "fact_review",
    "facts_extract",
    "interaction_record",
    "money",
    "order_create",
    "pool_for",
    "pool_returns_run",
    "pool_update",
    "public_pool_of",
    "rebalance_preview",
    "receivable_add",
    "receivable_payment",
    "task_complete",
    "task_create",
]
