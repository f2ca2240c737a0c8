"""Checks on a generated dataset: every reference points at a row, and the facts the benchmark
looks up (the leaver, a typical team lead and department head, the stars) can be found by query.
"""

from __future__ import annotations

from typing import Any

from baton.demo.dataset.sql import BULK_TABLES

ORG_TABLES = ("org_department", "org_team", "org_employee", "authz_roleassignment", "customers_pool")


def orphans(cursor: Any, tables: tuple[str, ...] = BULK_TABLES + ORG_TABLES) -> dict[str, int]:
    """Foreign keys of ``tables`` whose value matches no row of the table they point at
    (constraint name -> count); empty when every reference holds."""
    cursor.execute(
        """
        SELECT c.conname, c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, af.attname
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
        WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND c.conrelid::regclass::text = ANY(%s)
        ORDER BY 1
        """,
        [list(tables)],
    )
    found = {}
    for name, child, column, parent, key in cursor.fetchall():
        cursor.execute(
            f"SELECT count(*) FROM {child} x WHERE x.{column} IS NOT NULL "  # noqa: S608 - catalogue names
            f"AND NOT EXISTS (SELECT 1 FROM {parent} y WHERE y.{key} = x.{column})"
        )
        count = int(cursor.fetchone()[0])
        if count:
            found[name] = count
    return found


LEAVER_SQL = """
SELECT e.id, e.employee_no, e.name,
  (SELECT count(*) FROM customers_customer c WHERE c.owner_id = e.id),
  (SELECT count(DISTINCT o.customer_id) FROM customers_order o
    JOIN customers_customer c ON c.id = o.customer_id
    WHERE c.owner_id = e.id AND o.taken_by_id = e.id AND o.status IN ('open', 'in_transit')),
  (SELECT count(DISTINCT r.customer_id) FROM customers_receivable r
    JOIN customers_customer c ON c.id = r.customer_id
    WHERE c.owner_id = e.id AND r.owner_id = e.id AND r.status = 'open'),
  (SELECT count(DISTINCT k.customer_id) FROM customers_contract k
    JOIN customers_customer c ON c.id = k.customer_id
    WHERE c.owner_id = e.id AND k.owner_id = e.id),
  (SELECT count(DISTINCT t.customer_id) FROM customers_followuptask t
    JOIN customers_customer c ON c.id = t.customer_id
    WHERE c.owner_id = e.id AND t.assignee_id = e.id AND t.done_at IS NULL)
FROM org_employee e WHERE e.employee_no = %s
"""


def leaver_facts(cursor: Any, employee_no: str) -> dict[str, Any]:
    """The leaver's customers, and how many of them carry each kind of the leaver's open work."""
    cursor.execute(LEAVER_SQL, [employee_no])
    row = cursor.fetchone()
    if row is None:
        return {}
    keys = ("id", "employee_no", "name", "customers", "with_open_orders", "with_open_receivables")
    return dict(zip((*keys, "with_contracts", "with_open_tasks"), row, strict=True))


def typical_people(cursor: Any) -> dict[str, Any]:
    """The lead of the team with the most customers, and the head of that team's department and
    of its region (what ``bench/facts.py`` looks up)."""
    cursor.execute(
        """
        SELECT t.id, t.name, lead.id, lead.employee_no, d.id, d.name, head.id, head.employee_no,
               r.id, r.name, rhead.id, rhead.employee_no, count(c.id)
        FROM customers_customer c
        JOIN org_team t ON t.id = c.team_id
        JOIN org_employee lead ON lead.id = t.lead_id
        JOIN org_department d ON d.id = t.department_id
        JOIN org_employee head ON head.id = d.head_id
        JOIN org_department r ON r.id = d.parent_id
        JOIN org_employee rhead ON rhead.id = r.head_id
        GROUP BY t.id, lead.id, d.id, head.id, r.id, rhead.id
        ORDER BY count(c.id) DESC, t.id LIMIT 1
        """
    )
    row = cursor.fetchone()
    keys = (
        "team_id",
        "team",
        "team_lead_id",
        "team_lead_no",
        "department_id",
        "department",
        "department_head_id",
        "department_head_no",
        "region_id",
        "region",
        "region_head_id",
        "region_head_no",
        "team_customers",
    )
    return dict(zip(keys, row, strict=True)) if row else {}
