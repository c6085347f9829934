import datetime as dt
from decimal import Decimal

from core.formatting import group_digits, money, month_label, round_money


def test_money_groups_thousands_with_a_decimal_comma():
    assert money(Decimal("1234.56")) == "1 234,56 руб."
    assert money(Decimal("1234567.8")) == "1 234 567,80 руб."
    assert money(Decimal("0")) == "0,00 руб."


def test_money_keeps_the_sign_of_a_negative_amount():
    assert money(Decimal("-1500")) == "-1 500,00 руб."


def test_rounding_is_half_up_to_the_kopeck():
    assert round_money(Decimal("0.005")) == Decimal("0.01")
    assert round_money(Decimal("2.675")) == Decimal("2.68")
    assert round_money(Decimal("-2.675")) == Decimal("-2.68")


def test_group_digits_without_fraction():
    assert group_digits(Decimal("36156"), 0) == "36 156"


def test_month_label_is_russian():
    assert month_label(dt.date(2026, 10, 1)) == "октябрь 2026"
