"""PostgreSQL plumbing for the dataset: COPY, secondary indexes, sequences, session settings.

Rows of the big tables are formatted by the generators as lines of PostgreSQL's COPY text format
(tab-separated, ``\\N`` for NULL, backslash escapes) and written in blocks; the small tables go
through psycopg's ``write_row``. Everything runs on Django's own connection, inside the caller's
transaction, so a failure leaves the database as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

NULL = "\\N"
_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})

# The tables generate_dataset fills in bulk; their non-unique indexes are dropped while the rows
# go in and built again afterwards (from their own definitions, read from pg_indexes).
BULK_TABLES = (
    "customers_customer",
    "customers_contact",
    "customers_customercollaborator",
    "customers_ownershipchange",
    "customers_interaction",
    "customers_followuptask",
    "customers_order",
    "customers_receivable",
    "customers_contract",
    "customers_complaint",
    "audit_auditevent",
)


def escape(text: str) -> str:
    """A value for a COPY text-format field."""
    return text.translate(_ESCAPES) if _SPECIAL.search(text) else text


def copy_lines(cursor: Any, table: str, columns: Sequence[str], chunks: Iterable[list[str]]) -> int:
    """COPY pre-formatted lines (each ending in a newline), given in chunks; returns the row count."""
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for chunk in chunks:
            if chunk:
                copy.write("".join(chunk).encode())
                count += len(chunk)
    return count


def chunked(lines: list[str], size: int = 20_000) -> Iterator[list[str]]:
    """Lines collected in memory, in blocks for ``copy_lines``."""
    for start in range(0, len(lines), size):
        yield lines[start : start + size]


def copy_rows(cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY rows of Python values (psycopg adapts them); for the small tables."""
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def next_id(cursor: Any, table: str) -> int:
    """The first id to give a new row of ``table``."""
    cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # noqa: S608 - table names are ours
    return int(cursor.fetchone()[0])


def sequence_reset(cursor: Any, table: str) -> None:
    """Point the id sequence past the rows given explicit ids, so the app's next insert fits."""
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 1), max(id) IS NOT NULL) "  # noqa: S608
        f"FROM {table}"
    )


def secondary_indexes_drop(cursor: Any, tables: Sequence[str]) -> list[str]:
    """Drop the non-unique indexes of ``tables``; returns their CREATE INDEX statements."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef
        FROM pg_indexes i
        JOIN pg_class c ON c.relname = i.indexname
        JOIN pg_index x ON x.indexrelid = c.oid
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
          AND NOT x.indisunique AND NOT x.indisprimary
        ORDER BY i.tablename, i.indexname
        """,
        [list(tables)],
    )
    rows = cursor.fetchall()
    for name, _definition in rows:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def indexes_create(cursor: Any, statements: Sequence[str]) -> None:
    for statement in statements:
        cursor.execute(statement)


def is_superuser(cursor: Any) -> bool:
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = cursor.fetchone()
    return bool(row and row[0])


def setting(cursor: Any, name: str) -> str:
    cursor.execute("SELECT current_setting(%s)", [name])
    return str(cursor.fetchone()[0])


def set_local(cursor: Any, name: str, value: str) -> None:
    """A setting for the rest of the transaction (``SET LOCAL``)."""
    cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


class BulkSession:
    """Settings for the load, put back when it ends.

    - ``synchronous_commit = off``: nothing waits for a WAL flush;
    - ``maintenance_work_mem = 1GB``: the indexes are built afterwards in one sort each;
    - ``session_replication_role = replica`` (superusers only, as ``pg_restore
      --disable-triggers`` does): the foreign-key triggers stay quiet, because every id is
      assigned by the generator and points at a row it writes. Without it the checks run at
      commit, correct but much slower. ``integrity.orphans`` proves the references afterwards.
    """

    NAMES = ("synchronous_commit", "maintenance_work_mem", "session_replication_role")

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor
        self.before: dict[str, str] = {}
        self.triggers_off = False

    def __enter__(self) -> BulkSession:
        self.before = {name: setting(self.cursor, name) for name in self.NAMES}
        set_local(self.cursor, "synchronous_commit", "off")
        set_local(self.cursor, "maintenance_work_mem", "1GB")
        if is_superuser(self.cursor):
            set_local(self.cursor, "session_replication_role", "replica")
            self.triggers_off = True
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:
            return  # the transaction is being rolled back and takes the settings with it
        for name, value in self.before.items():
            set_local(self.cursor, name, value)
