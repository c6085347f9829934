import datetime as dt
from decimal import Decimal

from billing.models import VatRate
from core.formatting import KOPECK, group_digits, round_money


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
    """НДС on a net amount, rounded to the kopeck half up (НК РФ, ст. 166, 168)."""
    return round_money(net * rate_percent / Decimal(100))


def rate_text(rate_percent: Decimal) -> str:
    """`22.00` → `22`, `10.50` → `10,5`."""
    return format(rate_percent.normalize(), "f").replace(".", ",")


def vat_error(
    net: Decimal,
    vat: Decimal,
    rate_percent: Decimal,
    *,
    of_lines: bool = False,
    period: dt.date | None = None,
) -> str:
    """Why `vat` is not the НДС of `net` at `rate_percent`, or "" when it is.

    The decision (issue 16), the way the billing system and an accountant count: НДС
    is computed per document line and rounded to the kopeck half up, so one line
    (an imported document line) must match to the kopeck; the calculator prices its
    estimate as one line. A total of several lines (`of_lines`: an accrual, the sum
    of an invoice's energy and transmission lines) carries each line's rounding and
    may differ from the НДС of its net total by one kopeck, never more: more is
    another rate or a typo.
    """
    expected = vat_amount(net, rate_percent)
    allowed = KOPECK if of_lines else Decimal(0)
    if abs(vat - expected) <= allowed:
        return ""
    during = f" за {period:%m.%Y}" if period is not None else ""
    return (
        f"{group_digits(vat, 2)}, а НДС {rate_text(rate_percent)} %{during} "
        f"от {group_digits(net, 2)} — {group_digits(expected, 2)}"
    )


def vat_included(gross: Decimal, rate_percent: Decimal) -> Decimal:
    """НДС inside an amount that includes it (an advance): gross × rate / (100 + rate)."""
    return round_money(gross * rate_percent / (Decimal(100) + rate_percent))
