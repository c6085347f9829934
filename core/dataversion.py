"""`Contract.data_version`: a number that changes whenever anything a cabinet page shows
for the contract changes, kept by database triggers.

Cabinet pages cache their rendered content under the contract's `data_version`
(`core/pagecache.py`). The number must therefore move with every write, whatever
writes it: a form, the admin, `bulk_create`, an import's `COPY` + `INSERT … SELECT`,
or an operator's SQL. Only the database sees all of them, so the triggers live there:

- a change to a row of a watched table (the ledger, documents, payments, delivery
  points, meters) bumps the version of every contract the changed rows belong to,
  before and after the change (a row moved to another contract bumps both);
- a change to a customer bumps the versions of its contracts;
- any update of a contract row bumps its own version, whatever the statement wrote
  into the column: a stale model instance saved from the admin cannot set it back.

PostgreSQL bumps once per statement and contract (statement-level triggers with
transition tables: an import of 100,000 ledger rows costs one join, not 100,000
updates); SQLite, the zero-setup development database, once per row.

Readings are not watched: no cached fragment shows them (the readings page caches
only its chooser of meters), and an import of a million readings must not pay for it.
"""

from dataclasses import dataclass

from django.db.backends.base.schema import BaseDatabaseSchemaEditor


@dataclass(frozen=True)
class Watched:
    table: str
    columns: tuple[str, ...]  # of the changed rows, used by `contracts`
    contracts: str  # a WHERE clause on billing_contract; {rows} is the changed rows


WATCHED = {
    "billing_ledgerentry": Watched(
        "billing_ledgerentry", ("contract_id",), "id IN (SELECT contract_id FROM {rows})"
    ),
    "billing_customer": Watched(
        "billing_customer", ("id",), "customer_id IN (SELECT id FROM {rows})"
    ),
    "documents_document": Watched(
        "documents_document", ("contract_id",), "id IN (SELECT contract_id FROM {rows})"
    ),
    "payments_payment": Watched(
        "payments_payment", ("contract_id",), "id IN (SELECT contract_id FROM {rows})"
    ),
    "meters_deliverypoint": Watched(
        "meters_deliverypoint", ("contract_id",), "id IN (SELECT contract_id FROM {rows})"
    ),
    "meters_meter": Watched(
        "meters_meter",
        ("delivery_point_id",),
        "id IN (SELECT p.contract_id FROM {rows} AS r"
        " JOIN meters_deliverypoint AS p ON p.id = r.delivery_point_id)",
    ),
}

EVENTS = ("INSERT", "UPDATE", "DELETE")
BUMP = "UPDATE billing_contract SET data_version = data_version + 1 WHERE "


def _name(table: str, event: str = "") -> str:
    return f"eskk_dv_{table}{'_' + event.lower() if event else ''}"


def _postgresql_install(watched: Watched) -> list[str]:
    new, old = (watched.contracts.format(rows=rows) for rows in ("new_rows", "old_rows"))
    function = _name(watched.table)
    statements = [
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN {BUMP}{new}; END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN {BUMP}{old}; END IF;
    RETURN NULL;
END $$"""
    ]
    for event in EVENTS:
        # PostgreSQL allows transition tables only on a trigger of a single event.
        referencing = {
            "INSERT": "NEW TABLE AS new_rows",
            "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            "DELETE": "OLD TABLE AS old_rows",
        }[event]
        statements.append(
            f"CREATE TRIGGER {_name(watched.table, event)} AFTER {event} ON {watched.table} "
            f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    return statements


def _sqlite_install(watched: Watched) -> list[str]:
    statements = []
    for event in EVENTS:
        sides = {"INSERT": ("NEW",), "UPDATE": ("NEW", "OLD"), "DELETE": ("OLD",)}[event]
        bumps = " ".join(
            BUMP
            + watched.contracts.format(
                rows="(SELECT " + ", ".join(f"{side}.{c} AS {c}" for c in watched.columns) + ")"
            )
            + ";"
            for side in sides
        )
        statements.append(
            f"CREATE TRIGGER {_name(watched.table, event)} AFTER {event} ON {watched.table} "
            f"FOR EACH ROW BEGIN {bumps} END"
        )
    return statements


CONTRACT_SELF = {
    # Whatever an UPDATE writes into data_version, the row ends one above its old value.
    "postgresql": [
        """CREATE OR REPLACE FUNCTION eskk_dv_contract_self() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.data_version := OLD.data_version + 1;
    RETURN NEW;
END $$""",
        "CREATE TRIGGER eskk_dv_contract_self BEFORE UPDATE ON billing_contract "
        "FOR EACH ROW EXECUTE FUNCTION eskk_dv_contract_self()",
    ],
    # SQLite cannot assign NEW: the row is put right after the update instead (its
    # recursive triggers are off, so this UPDATE does not fire the trigger again).
    "sqlite": [
        "CREATE TRIGGER eskk_dv_contract_self AFTER UPDATE ON billing_contract "
        "FOR EACH ROW WHEN NEW.data_version <= OLD.data_version BEGIN "
        "UPDATE billing_contract SET data_version = OLD.data_version + 1 WHERE id = NEW.id; END"
    ],
}


def install(schema_editor: BaseDatabaseSchemaEditor, *tables: str) -> None:
    """Create the triggers of `tables` (keys of WATCHED, or "billing_contract")."""
    vendor = schema_editor.connection.vendor
    for table in tables:
        if table == "billing_contract":
            statements = CONTRACT_SELF[vendor]
        elif vendor == "postgresql":
            statements = _postgresql_install(WATCHED[table])
        else:
            statements = _sqlite_install(WATCHED[table])
        for statement in statements:
            schema_editor.execute(statement, params=None)


def uninstall(schema_editor: BaseDatabaseSchemaEditor, *tables: str) -> None:
    vendor = schema_editor.connection.vendor
    for table in tables:
        if table == "billing_contract":
            names = [_name("contract_self")]
            functions = names
        else:
            names = [_name(table, event) for event in EVENTS]
            functions = [_name(table)]
        for name in names:
            on = f" ON {table}" if vendor == "postgresql" else ""
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}{on}", params=None)
        if vendor == "postgresql":
            for function in functions:
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()", params=None)


def operation(*tables: str):
    """A migration operation installing the triggers of `tables` (reversible)."""
    from django.db import migrations

    return migrations.RunPython(
        lambda apps, schema_editor: install(schema_editor, *tables),
        lambda apps, schema_editor: uninstall(schema_editor, *tables),
    )


def _stash_sqlite_triggers(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'eskk_dv_%'"
        )
        connection.eskk_stashed_triggers = cursor.fetchall()
    for name, _ in connection.eskk_stashed_triggers:
        schema_editor.execute(f'DROP TRIGGER "{name}"', params=None)


def _restore_sqlite_triggers(apps, schema_editor) -> None:
    connection = schema_editor.connection
    for _, sql in getattr(connection, "eskk_stashed_triggers", ()):
        schema_editor.execute(sql, params=None)
    connection.eskk_stashed_triggers = ()


def keeping_triggers(*operations) -> list:
    """`operations` that rebuild a table on SQLite (most column changes do), triggers kept.

    SQLite rebuilds a table by copying it under a new name; a trigger of another
    table that names it stops the rename. The triggers are dropped first and
    created again from their own SQL afterwards; PostgreSQL needs neither.
    """
    from django.db import migrations

    return [
        migrations.RunPython(_stash_sqlite_triggers, _restore_sqlite_triggers),
        *operations,
        migrations.RunPython(_restore_sqlite_triggers, _stash_sqlite_triggers),
    ]
