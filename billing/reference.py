"""Reference data the portal cannot run without: branches, НДС and key rates (with the
day they are confirmed to).

Loaded by migrations 0002 and 0004 and again after every `migrate` / `flush`
(post_migrate), so that a database emptied by `flush` (as the live-server
tests do) still has them. Existing rows are never changed: staff edit rates
in the admin.
"""

import datetime as dt
from decimal import Decimal

BRANCHES = (("kemerovo", "Кемерово"), ("berezovsky", "Березовский"))
# НДС: 20 % from 2019 (303-ФЗ), 22 % from 2026 (425-ФЗ of 28.11.2025).
VAT_RATES = ((dt.date(2019, 1, 1), Decimal("20")), (dt.date(2026, 1, 1), Decimal("22")))
# The Bank of Russia key rate, each from the day it took effect. Brought up to
# date on 28.11.2026 with the decisions known then (the last: 13.02.2026, 15.50 %
# from 16.02.2026); staff add later decisions in the admin.
KEY_RATES = (
    (dt.date(2022, 9, 19), Decimal("7.50")),
    (dt.date(2023, 7, 24), Decimal("8.50")),
    (dt.date(2023, 8, 15), Decimal("12.00")),
    (dt.date(2023, 9, 18), Decimal("13.00")),
    (dt.date(2023, 10, 30), Decimal("15.00")),
    (dt.date(2023, 12, 18), Decimal("16.00")),
    (dt.date(2024, 7, 29), Decimal("18.00")),
    (dt.date(2024, 9, 16), Decimal("19.00")),
    (dt.date(2024, 10, 28), Decimal("21.00")),
    (dt.date(2025, 6, 9), Decimal("20.00")),
    (dt.date(2025, 7, 28), Decimal("18.00")),
    (dt.date(2025, 9, 15), Decimal("17.00")),
    (dt.date(2025, 10, 27), Decimal("16.50")),
    (dt.date(2025, 12, 22), Decimal("16.00")),
    (dt.date(2026, 2, 16), Decimal("15.50")),
)
# The day the table above was checked against the Bank of Russia's decisions: penalties
# are computed up to it; operators confirm later days (import_key_rates, admin).
KEY_RATES_CONFIRMED_TO = dt.date(2026, 11, 28)


def load(apps) -> None:
    """Create what is missing, through the given app registry (a migration's or the live one)."""
    try:
        Branch = apps.get_model("billing", "Branch")
        VatRate = apps.get_model("billing", "VatRate")
        KeyRate = apps.get_model("billing", "KeyRate")
    except LookupError:
        return  # migrated back to before these models existed
    if not Branch.objects.exists():
        for code, name in BRANCHES:
            Branch.objects.get_or_create(code=code, defaults={"name": name})
    if not VatRate.objects.exists():
        for valid_from, rate in VAT_RATES:
            VatRate.objects.get_or_create(valid_from=valid_from, defaults={"rate": rate})
    if not KeyRate.objects.exists():
        for valid_from, rate in KEY_RATES:
            KeyRate.objects.get_or_create(valid_from=valid_from, defaults={"rate": rate})
    try:
        Confirmation = apps.get_model("billing", "KeyRateConfirmation")
    except LookupError:
        return
    if not Confirmation.objects.exists():
        Confirmation.objects.create(
            confirmed_to=KEY_RATES_CONFIRMED_TO, source="справочник портала (billing/reference.py)"
        )


def load_after_migrate(sender, apps=None, using="default", **kwargs) -> None:
    from django.apps import apps as live_apps

    load(apps or live_apps)
