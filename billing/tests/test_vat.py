"""billing.vat.vat_error: the one НДС check of the imports."""

import datetime as dt
from decimal import Decimal as D

from billing.vat import vat_amount, vat_error


def test_one_line_must_match_to_the_kopeck():
    assert vat_amount(D("8427.50"), D("22")) == D("1854.05")
    assert vat_error(D("8427.50"), D("1854.05"), D("22")) == ""
    assert vat_error(D("8427.50"), D("1854.04"), D("22")) == (
        "1 854,04, а НДС 22 % от 8 427,50 — 1 854,05"
    )


def test_a_total_of_lines_may_carry_one_kopeck_of_their_rounding_not_two():
    # Two lines of 0.03 at 22 %: 0.01 each (0.0066 up), 0.02 together; on 0.06 it is 0.01.
    assert vat_error(D("0.06"), D("0.02"), D("22"), of_lines=True) == ""
    assert vat_error(D("0.06"), D("0.03"), D("22"), of_lines=True) != ""


def test_a_rate_of_twenty_percent_reads_as_twenty():
    message = vat_error(D("100.00"), D("22.00"), D("20.00"), period=dt.date(2025, 12, 1))
    assert message == "22,00, а НДС 20 % за 12.2025 от 100,00 — 20,00"
