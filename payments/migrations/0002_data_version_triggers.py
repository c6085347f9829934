from django.db import migrations

from core import dataversion


class Migration(migrations.Migration):
    """A change here moves the contract's data_version (core/dataversion.py)."""

    dependencies = [("payments", "0001_initial"), ("billing", "0005_contract_data_version")]

    operations = [dataversion.operation("payments_payment")]
