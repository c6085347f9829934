"""Migrations that alter a table on SQLite keep the database's triggers.

SQLite alters a table by building a new one and renaming it: the old table's
triggers go with it, and a trigger of another table naming it makes the rename
fail. `parked()` wraps such operations: the triggers are dropped first and
created again, as they were, after. PostgreSQL alters in place: nothing to do.
"""

from django.db import migrations

_parked: list[str] = []


def _park(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        triggers = cursor.fetchall()
    for name, sql in triggers:
        _parked.append(sql)
        schema_editor.execute(f'DROP TRIGGER "{name}"', params=None)


def _restore(apps, schema_editor) -> None:
    while _parked:
        schema_editor.execute(_parked.pop(0), params=None)


def parked(*operations) -> list:
    """`operations` run with the SQLite triggers set aside (reversible)."""
    return [
        migrations.RunPython(_park, _restore),
        *operations,
        migrations.RunPython(_restore, _park),
    ]
