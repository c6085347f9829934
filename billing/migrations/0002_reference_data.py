import datetime as dt
from decimal import Decimal

from django.db import migrations

BRANCHES = (("kemerovo", "Кемерово"), ("berezovsky", "Березовский"))
# НДС: 20 % from 2019 (303-ФЗ), 22 % from 2026 (425-ФЗ of 28.11.2025).
VAT_RATES = ((dt.date(2019, 1, 1), Decimal("20")), (dt.date(2026, 1, 1), Decimal("22")))


def load(apps, schema_editor):
    Branch = apps.get_model("billing", "Branch")
    VatRate = apps.get_model("billing", "VatRate")
    for code, name in BRANCHES:
        Branch.objects.get_or_create(code=code, defaults={"name": name})
    for valid_from, rate in VAT_RATES:
        VatRate.objects.get_or_create(valid_from=valid_from, defaults={"rate": rate})


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
