"""How money, volumes and dates read on screen and in documents."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

KOPECK = Decimal("0.01")

MONTHS_NOMINATIVE = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip


def round_money(value: Decimal) -> Decimal:
    """Round to the kopeck the way an accountant does (half up)."""
    return Decimal(value).quantize(KOPECK, rounding=ROUND_HALF_UP)


def group_digits(value: Decimal, places: int) -> str:
    """`1234567.891` with 2 places → `1 234 567,89`."""
    quantum = Decimal(1).scaleb(-places)
    value = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):.{places}f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = sign + " ".join(groups)
    return f"{text},{fraction}" if places else text


def money(value: Decimal | None) -> str:
    """`1234.5` → `1 234,50 руб.`"""
    if value is None:
        return ""
    return f"{group_digits(value, 2)} руб."


def month_label(period: date) -> str:
    """`2026-10-01` → `октябрь 2026`."""
    return f"{MONTHS_NOMINATIVE[period.month - 1]} {period.year}"
