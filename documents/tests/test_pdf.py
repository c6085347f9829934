"""PDFs of issued documents: they parse, say what matters, and are rendered only once."""

import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from documents import pdf
from documents.pdf import stored_name
from documents.tests.factories import make_correction, make_invoice, make_vat_invoice


def pdf_pages(response):
    """The PDF of a response and the text of each page, its whitespace made single spaces."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(io.BytesIO(content))
    return reader, [" ".join(page.extract_text().split()) for page in reader.pages]


def pdf_of(response):
    reader, pages = pdf_pages(response)
    return reader, " ".join(pages)


def embedded_fonts(reader):
    """The base names of the fonts whose files are inside the PDF."""
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant["/FontDescriptor"].get_object()
            if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font["/BaseFont"]))
    return names


@pytest.mark.parametrize(
    ("factory", "url_name", "file_name"),
    [
        (make_vat_invoice, "documents:vat_invoices_pdf", "schet-faktura_123_2026-10.pdf"),
        (make_invoice, "documents:invoices_pdf", "schet_a-1_2026-10.pdf"),
    ],
)
def test_pdf_holds_the_inn_the_number_and_the_total(
    alice_client, alice_contract, factory, url_name, file_name
):
    document = factory(alice_contract)
    response = alice_client.get(reverse(url_name, args=[document.pk]))
    assert f'filename="{file_name}"' in response["Content-Disposition"]
    reader, text = pdf_of(response)
    assert "4205000016" in text  # the buyer's ИНН
    assert "4205109750" in text  # the seller's ИНН
    assert f"№ {document.number}" in text
    assert "10 281,55" in text
    assert "Страница 1 из" in text


def test_pdf_embeds_the_bundled_dejavu_fonts(alice_client, alice_contract):
    invoice = make_vat_invoice(alice_contract)
    reader, text = pdf_of(
        alice_client.get(reverse("documents:vat_invoices_pdf", args=[invoice.pk]))
    )
    # «Doc Sans» is the @font-face family of the bundled DejaVu files: no system font is used.
    fonts = embedded_fonts(reader)
    assert any(name.endswith("+Doc-Sans") for name in fonts)
    assert any(name.endswith("+Doc-Sans-Bold") for name in fonts)
    assert "Российский рубль, 643" in text


def test_stylesheets_and_fonts_are_loaded_once_per_thread_and_every_pdf_embeds_the_fonts(
    alice_contract, monkeypatch
):
    """The second rendering reuses the first's parsed stylesheets and font configuration
    (a tenth of each rendering), and its PDF still carries the bundled fonts."""
    import threading

    from weasyprint import CSS

    from documents.services import SECTIONS, document_context

    monkeypatch.setattr(pdf, "_styles", threading.local())
    parsed = []
    monkeypatch.setattr("weasyprint.CSS", lambda *a, **kw: parsed.append(1) or CSS(*a, **kw))
    invoices = [make_vat_invoice(alice_contract, number=n) for n in ("1", "2")]
    for invoice in invoices:
        content = pdf.render_pdf(SECTIONS[invoice.kind].fragment, document_context(invoice))
        reader = PdfReader(io.BytesIO(content))
        assert any(name.endswith("+Doc-Sans-Bold") for name in embedded_fonts(reader))
        assert f"№ {invoice.number}" in " ".join(reader.pages[0].extract_text().split())
    assert len(parsed) == 1 + len(pdf.EXTRA_STYLESHEETS)
    other = []
    thread = threading.Thread(target=lambda: other.append(pdf._page_styles()))
    thread.start()
    thread.join()
    assert other[0][1] is not pdf._page_styles()[1]  # another thread, its own fonts


def test_correction_pdf_names_the_corrected_invoice_and_the_change(alice_client, alice_contract):
    invoice = make_vat_invoice(alice_contract, number="123")
    correction = make_correction(alice_contract, invoice, number="К-5")
    response = alice_client.get(reverse("documents:corrections_pdf", args=[correction.pk]))
    assert "korrektirovochnyj-schet-faktura_k-5_2026-10.pdf" in response["Content-Disposition"]
    _, text = pdf_of(response)
    assert "Корректировочный счет-фактура № К-5 от 10.11.2026" in text
    assert "к счету-фактуре № 123 от 31.10.2026" in text
    assert "4205000016" in text and "1 233,79" in text  # 120 kWh more: 1 011,30 + 222,49


def test_an_issued_documents_pdf_is_rendered_once_then_served_from_storage(
    alice_client, alice_contract, monkeypatch
):
    invoice = make_vat_invoice(alice_contract)
    url = reverse("documents:vat_invoices_pdf", args=[invoice.pk])
    first = b"".join(alice_client.get(url).streaming_content)
    name = stored_name(invoice, "schet-faktura_123_2026-10.pdf")
    assert default_storage.exists(name)

    def must_not_render(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(pdf, "render_pdf", must_not_render)
    second = b"".join(alice_client.get(url).streaming_content)
    assert second == first


def test_the_pdf_of_a_january_document_for_december_supply_says_20_percent(
    alice_client, alice_contract
):
    invoice = make_vat_invoice(
        alice_contract, number="7", date=dt.date(2026, 1, 20), period=dt.date(2025, 12, 1)
    )
    _, text = pdf_of(alice_client.get(reverse("documents:vat_invoices_pdf", args=[invoice.pk])))
    assert "20%" in text and "22%" not in text
    assert "10 113,00" in text  # 8 427,50 + 1 685,50


def test_rendering_never_fetches_from_the_network(monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(socket, "create_connection", no_network)
    content = pdf.render_pdf(
        "documents/fragment_reconciliation.html", {"statement": None, "seller": {}}
    )
    assert content.startswith(b"%PDF")


def test_with_a_worker_the_pdf_is_rendered_when_the_document_is_issued(
    alice_client, alice_contract, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.DOCUMENTS_PDF_AT_ISSUE = True
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invoice = make_vat_invoice(alice_contract)
    assert len(callbacks) == 1
    name = stored_name(invoice, "schet-faktura_123_2026-10.pdf")
    assert default_storage.exists(name)

    def must_not_render(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(pdf, "render_pdf", must_not_render)
    from documents import tasks

    assert tasks.render_issued_pdf(invoice.pk) == name  # a second delivery renders nothing
    url = reverse("documents:vat_invoices_pdf", args=[invoice.pk])
    assert b"".join(alice_client.get(url).streaming_content).startswith(b"%PDF")


def test_without_a_worker_issuing_queues_no_rendering(
    alice_contract, settings, django_capture_on_commit_callbacks
):
    assert settings.DOCUMENTS_PDF_AT_ISSUE is False
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_vat_invoice(alice_contract)
    assert callbacks == []


@pytest.mark.parametrize(
    ("factory", "url_name"),
    [(make_vat_invoice, "documents:vat_invoices_pdf"), (make_invoice, "documents:invoices_pdf")],
)
def test_the_pdfs_are_tagged_for_screen_readers(alice_client, alice_contract, factory, url_name):
    """PDF/UA-1 (every PDF goes through pdf.render_pdf): a structure tree, marked content,
    the document's language and the PDF/UA mark in its metadata."""
    document = factory(alice_contract)
    reader, _ = pdf_of(alice_client.get(reverse(url_name, args=[document.pk])))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "ru"
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()
