from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

AUDIT_TABLES = ("audit_auditevent", "audit_auditcheckpoint")


class Command(BaseCommand):
    help = (
        "PostgreSQL: grant the application's database role what it needs: full DML on Baton's "
        "tables, but only SELECT and INSERT on the audit tables (no UPDATE, DELETE or TRUNCATE)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("role", help="the role the web and worker processes connect as")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("db_grant_app_role applies to PostgreSQL only.")
        role = sql.Identifier(options["role"])
        tables = [t for t in connection.introspection.table_names() if t not in AUDIT_TABLES]
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role))
            for table in tables:
                cursor.execute(
                    sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {}").format(
                        sql.Identifier(table), role
                    )
                )
            for table in AUDIT_TABLES:
                cursor.execute(sql.SQL("REVOKE ALL ON {} FROM {}").format(sql.Identifier(table), role))
                cursor.execute(
                    sql.SQL("GRANT SELECT, INSERT ON {} TO {}").format(sql.Identifier(table), role)
                )
            cursor.execute(
                sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(role)
            )
        self.stdout.write(f"granted {len(tables)} tables; audit tables are append-only for {options['role']}")
