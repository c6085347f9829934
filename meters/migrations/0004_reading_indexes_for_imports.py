import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Fewer indexes to keep up on a million imported readings, none that a query needs.

    The FK's own index on meter repeats the first column of the unique (meter,
    date, zone) index, and (meter, -date) is that index scanned backward; imported
    readings have no submitted_by, so its index is partial. The indexes are
    dropped by SQL so that the foreign keys are not dropped and re-validated over
    the whole table, as AlterField would.
    """

    dependencies = [
        ("meters", "0003_data_version_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="reading", name="reading_meter_date"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="reading",
                    name="meter",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="readings",
                        to="meters.meter",
                        verbose_name="прибор учета",
                    ),
                ),
                migrations.AlterField(
                    model_name="reading",
                    name="submitted_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="кем передано",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "meters_reading_meter_id_0cf9d6a8"',
                    'CREATE INDEX "meters_reading_meter_id_0cf9d6a8" ON "meters_reading" ("meter_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "meters_reading_submitted_by_id_065a0525"',
                    'CREATE INDEX "meters_reading_submitted_by_id_065a0525" '
                    'ON "meters_reading" ("submitted_by_id")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="reading",
            index=models.Index(
                condition=models.Q(("submitted_by__isnull", False)),
                fields=["submitted_by"],
                name="reading_submitted_by",
            ),
        ),
    ]
