import datetime as dt
from decimal import Decimal

from django.db import migrations

# The Bank of Russia key rate, each from the day it took effect. Brought up to
# date on 28.11.2026 with the decisions known then (the last: 13.02.2026, 15.50 %
# from 16.02.2026); staff add later decisions in the admin.
KEY_RATES = (
    (dt.date(2022, 9, 19), "7.50"),
    (dt.date(2023, 7, 24), "8.50"),
    (dt.date(2023, 8, 15), "12.00"),
    (dt.date(2023, 9, 18), "13.00"),
    (dt.date(2023, 10, 30), "15.00"),
    (dt.date(2023, 12, 18), "16.00"),
    (dt.date(2024, 7, 29), "18.00"),
    (dt.date(2024, 9, 16), "19.00"),
    (dt.date(2024, 10, 28), "21.00"),
    (dt.date(2025, 6, 9), "20.00"),
    (dt.date(2025, 7, 28), "18.00"),
    (dt.date(2025, 9, 15), "17.00"),
    (dt.date(2025, 10, 27), "16.50"),
    (dt.date(2025, 12, 22), "16.00"),
    (dt.date(2026, 2, 16), "15.50"),
)


def load(apps, schema_editor):
    KeyRate = apps.get_model("billing", "KeyRate")
    for valid_from, rate in KEY_RATES:
        KeyRate.objects.get_or_create(valid_from=valid_from, defaults={"rate": Decimal(rate)})


class Migration(migrations.Migration):
    dependencies = [("billing", "0003_ledger_audit_keys_key_rates")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
