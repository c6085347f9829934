from django.db import migrations, models

from core import dataversion


class Migration(migrations.Migration):
    dependencies = [("billing", "0004_key_rate_history")]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="data_version",
            field=models.BigIntegerField(default=0, editable=False, verbose_name="версия данных"),
        ),
        dataversion.operation("billing_contract", "billing_customer", "billing_ledgerentry"),
    ]
