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


#: How a stamp trigger reads the rows of its statement: event -> transition tables.
_TRANSITIONS = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
}


def stamp_triggers(name: str, stamp_table: str, key: str, sources: dict[str, str], shared: tuple[str, ...] = ()
                   ) -> tuple[str, str]:
    """SQL (and its reverse) giving rows of ``stamp_table`` (``key``, ``stamp`` uuid) a new random
    stamp whenever a statement changes rows behind them, in the same transaction, whatever the
    client: ``sources`` maps each watched table to the SELECT of the keys its rows name
    (``{rows}`` stands for the statement's transition table, old and new rows alike); a change
    to a ``shared`` table (reference data every key's rows name) gives every key a new stamp.
    Statement-level triggers: one bulk write is one stamp per key, not one per row. ``name``
    (a short word) names the functions and triggers, ``<table>_<name>_stamp``."""

    def stamp(select: str) -> str:
        # Keys in order, so concurrent statements lock their stamps in the same order.
        return f"""
        INSERT INTO {stamp_table} AS s ({key}, stamp)
        SELECT k, gen_random_uuid() FROM ({select}) AS changed(k) GROUP BY k ORDER BY k
        ON CONFLICT ({key}) DO UPDATE SET stamp = EXCLUDED.stamp;"""  # noqa: S608 - names of migrations, no input

    sql, reverse = [], []
    for table, source in sources.items():
        fn = f"{table}_{name}_stamp"
        new, old = source.format(rows="new_rows"), source.format(rows="old_rows")
        sql.append(f"""
CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN{stamp(new)}
    ELSIF TG_OP = 'DELETE' THEN{stamp(old)}
    ELSE{stamp(f"{new} UNION ALL {old}")}
    END IF;
    RETURN NULL;
END $$;""")
        for event, transitions in _TRANSITIONS.items():
            sql.append(f"CREATE TRIGGER {fn}_{event} AFTER {event.upper()} ON {table} {transitions} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {fn}();")
            reverse.append(f"DROP TRIGGER IF EXISTS {fn}_{event} ON {table};")
        reverse.append(f"DROP FUNCTION IF EXISTS {fn}();")
    for table in shared:
        fn = f"{table}_{name}_stamp"
        sql.append(f"""
CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {stamp_table} SET stamp = gen_random_uuid();
    RETURN NULL;
END $$;
CREATE TRIGGER {fn}_change AFTER INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {fn}();""")  # noqa: S608 - names of migrations, no input
        reverse += [f"DROP TRIGGER IF EXISTS {fn}_change ON {table};", f"DROP FUNCTION IF EXISTS {fn}();"]
    return "\n".join(sql), "\n".join(reverse)


def backfill_stamps(stamp_table: str, key: str, sources: dict[str, str]) -> tuple[str, str]:
    """SQL (and its reverse) giving a stamp to every key the rows of ``sources`` already name."""
    select = " UNION ALL ".join(source.format(rows=table) for table, source in sources.items())
    insert = (f"INSERT INTO {stamp_table} ({key}, stamp) SELECT k, gen_random_uuid() "  # noqa: S608
              f"FROM ({select}) AS named(k) GROUP BY k ORDER BY k ON CONFLICT ({key}) DO NOTHING;")
    return insert, f"DELETE FROM {stamp_table};"  # noqa: S608
