"""Numbers as people in Russia type them."""

import re
from decimal import Decimal, InvalidOperation

# Digits with an optional fraction: no exponent, no «1_000», no «NaN».
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def parse_decimal(text: str) -> Decimal:
    """`36 156,5`, `1 500,00`, `1500.00` → Decimal; ValueError for anything else.

    A comma or a point separates the fraction; spaces of any kind between the
    thousands (the plain one, the no-break U+00A0 of Excel and the narrow U+202F
    of Django's Russian number format) are dropped. Blank text is not a number:
    callers that allow a blank check for it first.
    """
    cleaned = "".join(str(text).split()).replace(",", ".")
    if not _PLAIN.fullmatch(cleaned):
        raise ValueError(f"«{str(text).strip()}» — не число")
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        raise ValueError(f"«{str(text).strip()}» — не число") from None


# Latin letters that look like Cyrillic ones on a keyboard and in Excel.
_LATIN_LOOKALIKES = str.maketrans("AaBCcEeHKkMOoPpTXxYy", "АаВСсЕеНКкМОоРрТХхУу")


def cyrillic_lookalikes(text: str) -> str:
    """`0001c` → `0001с`, `BH` → `ВН`: Latin letters that look Cyrillic typed as Cyrillic.

    The billing system writes contract numbers and voltage levels in Cyrillic; people and
    spreadsheets often type the same-looking Latin letters. Every door that reads such a
    value (the login and registration forms, the importers) reads it through this.
    """
    return text.translate(_LATIN_LOOKALIKES)
