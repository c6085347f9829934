from django.db import migrations

# What the page cache's migrations installed (billing 0005, documents 0002, meters 0003,
# payments 0002): a trigger per watched table and event, one on the contract itself, and
# on PostgreSQL the functions they executed.
WATCHED = (
    "billing_ledgerentry",
    "billing_customer",
    "documents_document",
    "payments_payment",
    "meters_deliverypoint",
    "meters_meter",
)
EVENTS = ("insert", "update", "delete")


def drop_triggers(apps, schema_editor):
    """Drop the data-version triggers where they exist (a database migrated before the
    page cache was removed); a fresh database has none, and every drop is IF EXISTS."""
    postgresql = schema_editor.connection.vendor == "postgresql"
    triggers = [(f"eskk_dv_{t}_{e}", t) for t in WATCHED for e in EVENTS]
    triggers.append(("eskk_dv_contract_self", "billing_contract"))
    for name, table in triggers:
        on = f" ON {table}" if postgresql else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}{on}", params=None)
    if postgresql:
        for function in [f"eskk_dv_{t}" for t in WATCHED] + ["eskk_dv_contract_self"]:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()", params=None)


class Migration(migrations.Migration):
    """The page cache is gone: its data-version column and triggers with it."""

    dependencies = [
        ("billing", "0006_payment_purpose_consumer_kind_rate_confirmation"),
        ("documents", "0002_data_version_triggers"),
        ("meters", "0003_data_version_triggers"),
        ("payments", "0002_data_version_triggers"),
    ]

    operations = [
        # Before the column: SQLite refuses to drop a column a trigger names.
        migrations.RunPython(drop_triggers, migrations.RunPython.noop),
        migrations.RemoveField(model_name="contract", name="data_version"),
    ]
