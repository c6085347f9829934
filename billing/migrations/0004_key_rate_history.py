from decimal import Decimal

from django.db import migrations

from billing.reference import KEY_RATES


def load(apps, schema_editor):
    KeyRate = apps.get_model("billing", "KeyRate")
    for valid_from, rate in KEY_RATES:
        KeyRate.objects.get_or_create(valid_from=valid_from, defaults={"rate": Decimal(rate)})


class Migration(migrations.Migration):
    dependencies = [("billing", "0003_ledger_audit_keys_key_rates")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
