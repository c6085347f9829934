"""Every character of a rendered document lies inside its page: nothing of the table is cut
(«Счет-фактура» in landscape A4 with all columns up to 13, «Акт сверки» with both halves)."""

import io

import pdfplumber
from django.urls import reverse

from documents.tests.factories import make_vat_invoice


def _pdf_bytes(response) -> bytes:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content) if response.streaming else response.content


def _outside(content: bytes) -> list[str]:
    """The characters (with their page) whose box reaches past the page's box."""
    found = []
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for char in page.chars:
                if (
                    char["x0"] < 0
                    or char["x1"] > page.width
                    or char["top"] < 0
                    or char["bottom"] > page.height
                ):
                    found.append(f"{number}: {char['text']!r} at x1={char['x1']:.1f}")
    return found


def test_the_vat_invoice_is_landscape_and_holds_column_13_inside_the_page(
    alice_client, alice_contract
):
    invoice = make_vat_invoice(alice_contract, quantities=[("310463", "8.4275")] * 3)
    content = _pdf_bytes(alice_client.get(reverse("documents:vat_invoices_pdf", args=[invoice.pk])))
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        first = pdf.pages[0]
        assert first.width > first.height  # landscape
        words = " ".join(page.extract_text() for page in pdf.pages)
    assert "13" in words and "подле" in words  # the traceability columns are there
    assert _outside(content) == []


def test_the_reconciliation_statement_with_the_buyers_half_stays_inside_the_page(
    alice_client, alice_contract
):
    url = reverse("documents:reconciliation_pdf")
    content = _pdf_bytes(alice_client.get(url, {"date_from": "2026-08", "date_to": "2026-10"}))
    assert _outside(content) == []


def test_row_5_names_the_payment_documents_of_the_periods_advances(alice_client, alice_contract):
    import datetime as dt
    from decimal import Decimal

    from billing.models import LedgerEntry

    for day, number in ((10, "п/п 101"), (24, "п/п 102")):
        LedgerEntry.objects.create(
            contract=alice_contract, kind="payment", date=dt.date(2026, 10, day),
            doc_number=number, doc_date=dt.date(2026, 10, day), credit=Decimal("3000.00"),
        )  # fmt: skip
    LedgerEntry.objects.create(  # paid for penalties: not an advance for energy
        contract=alice_contract, kind="payment", purpose="penalty", date=dt.date(2026, 10, 12),
        doc_number="п/п 103", credit=Decimal("100.00"),
    )  # fmt: skip
    invoice = make_vat_invoice(alice_contract)
    assert invoice.payment_document == "№ 101 от 10.10.2026, № 102 от 24.10.2026"
    html = alice_client.get(reverse("documents:vat_invoices_detail", args=[invoice.pk]))
    assert "№ 101 от 10.10.2026, № 102 от 24.10.2026" in html.content.decode()
