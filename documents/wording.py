"""How documents say things: the amount in words and the names of their files."""

import datetime as dt
import re
from decimal import Decimal

from num2words import num2words

from core.formatting import round_money

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i j k l m n o p r s t u f h c ch sh shch - y - e yu ya".split(),
        strict=True,
    )
)


def amount_in_words(amount: Decimal) -> str:
    """`1234567.89` → «Один миллион … пятьсот шестьдесят семь рублей 89 копеек»."""
    amount = round_money(amount)
    if amount < 0:
        positive = amount_in_words(-amount)
        return "Минус " + positive[0].lower() + positive[1:]
    # num2words declines «рубль» and «копейка» itself; kopecks stay in digits, as accountants write.
    text = num2words(amount, lang="ru", to="currency", currency="RUB", cents=False, separator="")
    return text[0].upper() + text[1:]


def file_slug(text: str) -> str:
    """A document number as a safe file-name part: Latin letters, digits and dashes."""
    latin = "".join(_TRANSLIT.get(ch, ch) for ch in str(text).lower())
    return re.sub(r"[^a-z0-9]+", "-", latin).strip("-") or "bez-nomera"


def pdf_filename(kind_slug: str, number: str, period: dt.date, until: dt.date | None = None) -> str:
    """`schet-faktura_123_2026-10.pdf`; a range of months gives `…_2026-01_2026-10.pdf`."""
    months = f"{period:%Y-%m}"
    if until and f"{until:%Y-%m}" != months:
        months += f"_{until:%Y-%m}"
    return f"{kind_slug}_{file_slug(number)}_{months}.pdf"
