"""«Корректировочный счет-фактура» in the form of ПП 1137 прил. 2 (ред. ПП 534): rows А … Г
per line, columns 1 … 12, inside landscape A4.

The correction below changes two lines of a VAT invoice for October 2026 (НДС 22 %):
  line 1: 1 000 kWh → 1 120 kWh at 8,4275 руб./kWh (more energy);
  line 2: 500 kWh at 9,10 → 480 kWh at 9,35 (less energy, a higher price).
Figures worked out by hand:
  line 1  А: 1 000 × 8,4275 = 8 427,50; НДС 8 427,50 × 0,22 = 1 854,05; 10 281,55
          Б: 1 120 × 8,4275 = 9 438,80; НДС 2 076,536 → 2 076,54; 11 515,34
          В: 120,000; 1 011,30; 222,49; 1 233,79      Г: —
  line 2  А: 500 × 9,10 = 4 550,00; НДС 1 001,00; 5 551,00
          Б: 480 × 9,35 = 4 488,00; НДС 987,36; 5 475,36
          В: price 0,25000                             Г: 20,000; 62,00; 13,64; 75,64
  Всего увеличение 1 011,30 / 222,49 / 1 233,79; Всего уменьшение 62,00 / 13,64 / 75,64;
  к доплате 1 233,79 − 75,64 = 1 158,15, НДС 222,49 − 13,64 = 208,85.
"""

import datetime as dt
import io
from decimal import Decimal
from html.parser import HTMLParser

import pdfplumber
import pytest
from django.urls import reverse

from documents.models import Document
from documents.tests.factories import make_document, make_vat_invoice
from documents.tests.test_pdf_page_box import _outside, _pdf_bytes

OCTOBER = dt.date(2026, 10, 1)


@pytest.fixture
def correction(alice_contract):
    invoice = make_vat_invoice(
        alice_contract, number="123", quantities=[("1000", "8.4275"), ("500", "9.10")]
    )
    return make_document(
        alice_contract, Document.Kind.CORRECTION, "К-7", dt.date(2026, 11, 10), OCTOBER,
        quantities=[("1120", "8.4275", ("1000", "8.4275")), ("480", "9.35", ("500", "9.10"))],
        corrects=invoice,
    )  # fmt: skip


class _Cells(HTMLParser):
    """The correction table's figures: {(line, row): {column: text}} from data-row/data-col."""

    def __init__(self):
        super().__init__()
        self.rows: dict[tuple[int, str], dict[str, str]] = {}
        self.line = 0
        self.row = None
        self.col = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tbody" and "correction-line" in (attrs.get("class") or ""):
            self.line += 1
        elif tag == "tr" and "data-row" in attrs:
            self.row = (self.line if "Всего" not in attrs["data-row"] else 0, attrs["data-row"])
            self.rows[self.row] = {}
        elif tag == "td" and self.row and "data-col" in attrs:
            self.col = attrs["data-col"]
            self.rows[self.row][self.col] = ""

    def handle_endtag(self, tag):
        if tag == "td":
            self.col = None
        elif tag == "tr":
            self.row = None

    def handle_data(self, data):
        if self.col is not None:
            self.rows[self.row][self.col] += data.strip()


def _cells(html: str) -> dict[tuple[int, str], dict[str, str]]:
    parser = _Cells()
    parser.feed(html)
    return parser.rows


def _number(text: str) -> Decimal:
    return (
        Decimal(text.replace("\xa0", "").replace(" ", "").replace(",", "."))
        if text not in ("", "—")
        else Decimal(0)
    )


def test_each_line_has_rows_a_to_g_with_the_hand_computed_figures(alice_client, correction):
    html = alice_client.get(
        reverse("documents:corrections_detail", args=[correction.pk])
    ).content.decode()
    cells = _cells(html)
    a1, b1, v1, g1 = (cells[(1, row)] for row in "АБВГ")
    assert (a1["3"], a1["4"], a1["5"], a1["8"], a1["9"]) == (
        "1 000,000", "8,42750", "8 427,50", "1 854,05", "10 281,55")  # fmt: skip
    assert (b1["3"], b1["5"], b1["8"], b1["9"]) == (
        "1 120,000",
        "9 438,80",
        "2 076,54",
        "11 515,34",
    )
    assert (v1["3"], v1["4"], v1["5"], v1["8"], v1["9"]) == (
        "120,000", "—", "1 011,30", "222,49", "1 233,79")  # fmt: skip
    assert set(g1.values()) == {"—"}
    a2, b2, v2, g2 = (cells[(2, row)] for row in "АБВГ")
    assert (a2["3"], a2["4"], a2["5"], a2["8"], a2["9"]) == (
        "500,000", "9,10000", "4 550,00", "1 001,00", "5 551,00")  # fmt: skip
    assert (b2["3"], b2["4"], b2["5"], b2["8"], b2["9"]) == (
        "480,000", "9,35000", "4 488,00", "987,36", "5 475,36")  # fmt: skip
    assert (v2["3"], v2["4"], v2["5"]) == ("—", "0,25000", "—")
    assert (g2["3"], g2["4"], g2["5"], g2["8"], g2["9"]) == (
        "20,000", "—", "62,00", "13,64", "75,64")  # fmt: skip
    assert (cells[(0, "Всего В")]["5"], cells[(0, "Всего В")]["8"], cells[(0, "Всего В")]["9"]) == (
        "1 011,30", "222,49", "1 233,79")  # fmt: skip
    assert (cells[(0, "Всего Г")]["5"], cells[(0, "Всего Г")]["8"], cells[(0, "Всего Г")]["9"]) == (
        "62,00", "13,64", "75,64")  # fmt: skip
    assert "1 158,15" in html and "208,85" in html and "Всего к доплате" in html


def test_increase_minus_decrease_equals_after_minus_before_in_every_column(
    alice_client, correction
):
    html = alice_client.get(
        reverse("documents:corrections_detail", args=[correction.pk])
    ).content.decode()
    cells = _cells(html)
    for line in (1, 2):
        a, b, v, g = (cells[(line, row)] for row in "АБВГ")
        for column in ("3", "4", "5", "8", "9"):
            assert _number(v[column]) - _number(g[column]) == (
                _number(b[column]) - _number(a[column])
            ), (line, column)


def test_the_form_has_todays_header_rows_and_columns(alice_client, correction):
    html = alice_client.get(
        reverse("documents:corrections_detail", args=[correction.pk])
    ).content.decode()
    for expected in (
        "от 2 апреля 2021 г. № 534", "Корректировочный счет-фактура № К-7 от 10.11.2026",
        "к счету-фактуре № 123 от 31.10.2026, с учетом исправления № — от —", "(1а)", "(1б)",
        "ИНН/КПП продавца", "ИНН/КПП покупателя", "Российский рубль, 643",
        "Идентификатор государственного контракта", "Код вида товара",
        "Регистра&shy;ционный номер партии товара", "<th>11а</th><th>12</th>",
        '<td rowspan="4" data-col="6">без акциза</td>', "22%",
    ):  # fmt: skip
        assert expected in html, expected
    cells = _cells(html)
    for column in ("1а", "10", "11", "11а", "12"):
        assert cells[(1, "А")][column] == "—", column


def test_the_correction_pdf_is_landscape_and_every_character_inside_the_page(
    alice_client, correction
):
    content = _pdf_bytes(
        alice_client.get(reverse("documents:corrections_pdf", args=[correction.pk]))
    )
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        first = pdf.pages[0]
        assert first.width > first.height
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert _outside(content) == []
    for expected in (
        "А (до", "Б (после", "В (увели", "Г (умень", "11а", "12",
        "8 427,50", "9 438,80", "1 011,30", "222,49", "1 233,79",
        "4 550,00", "4 488,00", "0,25000", "20,000", "62,00", "13,64", "75,64", "1 158,15",
    ):  # fmt: skip
        assert expected in text, expected
