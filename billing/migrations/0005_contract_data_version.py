from django.db import migrations, models


class Migration(migrations.Migration):
    """Once also installed the page cache's data-version triggers; the column and the
    triggers are gone (0007), so a fresh database only gets the column 0007 drops."""

    dependencies = [("billing", "0004_key_rate_history")]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="data_version",
            field=models.BigIntegerField(default=0, editable=False, verbose_name="версия данных"),
        ),
    ]
