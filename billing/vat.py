import datetime as dt
from decimal import Decimal

from billing.models import VatRate
from core.formatting import round_money


def vat_rate_for(period: dt.date) -> Decimal:
    """The НДС rate (percent) for energy supplied in `period`'s month: 22 from 2026, 20 before."""
    rate = (
        VatRate.objects.filter(valid_from__lte=period)
        .order_by("-valid_from")
        .values_list("rate", flat=True)
        .first()
    )
    if rate is None:
        raise LookupError(f"Нет ставки НДС на {period:%d.%m.%Y}")
    return rate


def vat_amount(net: Decimal, rate_percent: Decimal) -> Decimal:
    """НДС on a net amount, rounded to the kopeck."""
    return round_money(net * rate_percent / Decimal(100))
