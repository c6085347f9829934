import datetime as dt
from decimal import Decimal

import pytest

from documents.wording import amount_in_words, file_slug, pdf_filename


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (
            "1234567.89",
            "Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 89 копеек",
        ),
        ("1.01", "Один рубль 01 копейка"),
        ("2.00", "Два рубля 00 копеек"),
        ("21.22", "Двадцать один рубль 22 копейки"),
        ("1000.50", "Одна тысяча рублей 50 копеек"),
        ("0.11", "Ноль рублей 11 копеек"),
    ],
)
def test_amount_in_words_declines_rubles_and_keeps_kopecks_in_digits(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_amount_in_words_rounds_to_the_kopeck_half_up():
    assert amount_in_words(Decimal("10.005")) == "Десять рублей 01 копейка"


def test_pdf_file_name_says_what_the_document_is():
    assert (
        pdf_filename("schet-faktura", "123", dt.date(2026, 10, 1))
        == "schet-faktura_123_2026-10.pdf"
    )
    assert (
        pdf_filename("akt-sverki", "0001с", dt.date(2026, 1, 1), dt.date(2026, 10, 31))
        == "akt-sverki_0001s_2026-01_2026-10.pdf"
    )


def test_file_slug_keeps_only_safe_characters():
    assert file_slug("К-1001/2026 №5") == "k-1001-2026-5"
