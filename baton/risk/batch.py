"""Settings for the risk domain's few big set-based statements (R7's daily scores, the
concentration report's figures), which read a million customers at once on PostgreSQL."""

from __future__ import annotations

from typing import Any

# Enough to hash a million customers' aggregates in one batch instead of spilling to disk.
BATCH_WORK_MEM = "256MB"


def batch_settings(cursor: Any) -> None:
    """Give the rest of the current transaction's statements ``BATCH_WORK_MEM`` of working memory
    and no JIT compilation (on these statements compiling costs more than it saves). Call inside
    ``transaction.atomic()``: the settings end with the transaction. Nothing on other databases."""
    if cursor.db.vendor == "postgresql":
        cursor.execute(
            "SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)", [BATCH_WORK_MEM]
        )


def shares_the_database(company_id: int) -> bool:
    """Whether other companies (a group's subsidiaries, say) live in the same database.

    A statement that aggregates a whole table per customer and then joins the company's
    customers needs no company filter on the aggregate when the company is alone (every row is
    its own): the filter would only cost a semi-join over millions of rows. With other companies
    it keeps each company's statement to its own rows."""
    from baton.org.models import Company

    return Company.objects.exclude(pk=company_id).exists()
