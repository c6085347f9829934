from django.db import migrations


class Migration(migrations.Migration):
    """Once installed the page cache's data-version triggers; they are gone
    (billing 0007 drops them where they exist), so this step does nothing now."""

    dependencies = [("documents", "0001_initial"), ("billing", "0005_contract_data_version")]

    operations = []
