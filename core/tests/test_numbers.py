from decimal import Decimal as D

import pytest

from core.numbers import parse_decimal


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("36 156,5", D("36156.5")),
        ("1\u00a0500,00", D("1500.00")),
        ("1\u202f500,00", D("1500.00")),  # Django's own Russian thousands separator
        (" 1500.00 ", D("1500.00")),
        ("-2,5", D("-2.5")),
        (",5", D("0.5")),
    ],
)
def test_it_reads_numbers_typed_the_russian_way(text, number):
    assert parse_decimal(text) == number


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "1e3", "1_000", "NaN", "Infinity", "1.2.3"])
def test_anything_else_is_a_value_error(text):
    with pytest.raises(ValueError):
        parse_decimal(text)


def test_latin_lookalikes_are_read_as_cyrillic():
    from core.numbers import cyrillic_lookalikes

    assert cyrillic_lookalikes("0001c") == "0001с"
    assert cyrillic_lookalikes("CH1") == "СН1"
    assert cyrillic_lookalikes("BH") == "ВН"
    assert cyrillic_lookalikes("1001/Д") == "1001/Д"
