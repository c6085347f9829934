from django.db import migrations, models

import billing.models


def give_each_contract_its_own_code(apps, schema_editor):
    Contract = apps.get_model("billing", "Contract")
    for contract in Contract.objects.only("pk").iterator():
        Contract.objects.filter(pk=contract.pk).update(
            registration_code=billing.models.new_registration_code()
        )


class Migration(migrations.Migration):
    dependencies = [("billing", "0007_remove_contract_data_version")]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="email",
            field=models.EmailField(
                blank=True,
                help_text="сюда уходит ссылка подтверждения регистрации в личном кабинете",
                max_length=254,
                verbose_name="e-mail по данным биллинга",
            ),
        ),
        # Added empty, filled row by row (a callable default runs once for all rows), then defaulted.
        migrations.AddField(
            model_name="contract",
            name="registration_code",
            field=models.CharField(default="", max_length=16, verbose_name="код регистрации"),
            preserve_default=False,
        ),
        migrations.RunPython(give_each_contract_its_own_code, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="contract",
            name="registration_code",
            field=models.CharField(
                default=billing.models.new_registration_code,
                help_text="печатается на «Счете на оплату»; подтверждает регистрацию без e-mail биллинга",
                max_length=16,
                verbose_name="код регистрации",
            ),
        ),
    ]
