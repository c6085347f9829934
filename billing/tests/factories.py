"""Objects of the billing app for other apps' tests (e.g. the URL walk of tests/test_url_access.py)."""

import datetime as dt
from decimal import Decimal

from billing.models import LedgerEntry


def make_entry(contract, **fields) -> LedgerEntry:
    """An October charge of the contract; fields override."""
    values = dict(
        kind=LedgerEntry.Kind.ACCRUAL,
        date=dt.date(2026, 10, 31),
        period=dt.date(2026, 10, 1),
        doc_number=f"Р-{contract.number}-10",
        doc_date=dt.date(2026, 10, 31),
        volume_kwh=Decimal("1000.000"),
        amount_net=Decimal("8427.50"),
        vat=Decimal("1854.05"),
        debit=Decimal("10281.55"),
    )
    values.update(fields)
    return LedgerEntry.objects.create(contract=contract, **values)
