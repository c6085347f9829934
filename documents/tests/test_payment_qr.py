"""«Счет на оплату» carries the payment QR code of ГОСТ Р 56042-2014."""

from django.conf import settings
from django.urls import reverse

from documents.qr import payment_payload
from documents.tests.factories import make_invoice


def test_the_payload_holds_the_required_and_the_payment_fields(alice_contract):
    invoice = make_invoice(alice_contract)  # 1 000 kWh × 8,4275 = 8 427,50 + НДС 20 %
    payload = payment_payload(invoice)
    bank = settings.SUPPLIER_BANK
    assert payload.startswith("ST00012|Name=Общество с ограниченной ответственностью")
    fields = dict(pair.split("=", 1) for pair in payload.split("|")[1:])
    assert fields["PersonalAcc"] == bank["account"] == "40702810926020100733"
    assert (fields["BIC"], fields["CorrespAcc"]) == (bank["bik"], bank["corr_account"])
    assert fields["BankName"] == bank["bank"]
    assert (fields["PayeeINN"], fields["KPP"]) == ("4205109750", "420501001")
    assert fields["Sum"] == str(int(invoice.amount * 100))
    assert fields["Purpose"].startswith("Оплата по счету № А-1 от 01.10.2026")


def test_the_invoice_page_and_its_pdf_show_the_code(alice_client, alice_contract):
    invoice = make_invoice(alice_contract)
    html = alice_client.get(reverse("documents:invoices_detail", args=[invoice.pk])).content
    assert b'data-testid="payment-qr"' in html and b'src="data:image/svg+xml' in html
    pdf = alice_client.get(reverse("documents:invoices_pdf", args=[invoice.pk]))
    assert pdf.status_code == 200
