"""Database-level guards shared by apps: PostgreSQL triggers installed by migrations.

The embedded SQLite database used for local runs skips them (the model layer
still refuses); deployments and the test suite run on PostgreSQL, where they hold
against any client, raw SQL included.
"""

from django.db import migrations


def postgres_sql(sql: str, reverse_sql: str) -> migrations.RunPython:
    """A migration operation that runs ``sql`` on PostgreSQL only."""

    def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, None)

    def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql, None)

    return migrations.RunPython(forward, backward)


def append_only(table: str) -> migrations.RunPython:
    """Refuse UPDATE and DELETE of any row of ``table`` from any client.

    TRUNCATE is left to database privileges (the application's role in
    production is not granted it; see README) because the test suite empties
    tables with it between transactional tests.
    """
    fn = f"{table}_append_only"
    sql = f"""
        CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{table} is append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END $$;
        CREATE TRIGGER {fn}_row BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {fn}();
    """
    reverse = f"""
        DROP TRIGGER IF EXISTS {fn}_row ON {table};
        DROP FUNCTION IF EXISTS {fn}();
    """
    return postgres_sql(sql, reverse)
