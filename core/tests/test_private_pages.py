"""Issue 23 (Low 10): cabinet pages, PDFs and receipts are never kept by a cache."""

from django.urls import reverse

from documents.tests.factories import make_invoice


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def test_a_cabinet_page_is_private_and_not_stored(alice_client):
    response = alice_client.get(reverse("billing:account"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_a_document_pdf_is_private_and_not_stored(alice_client, alice_contract):
    invoice = make_invoice(alice_contract, number="СЧЕТ-1")
    response = alice_client.get(reverse("documents:invoices_pdf", args=[invoice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert {"private", "no-store"} <= directives(response)


def test_the_public_home_page_may_be_cached(client, db):
    assert "no-store" not in directives(client.get("/"))
