"""Staff see issued documents in the admin and cannot change, add or delete them."""

from django.urls import reverse

from documents.tests.factories import make_vat_invoice


def test_staff_see_a_document_read_only(client, stella, alice_contract):
    invoice = make_vat_invoice(alice_contract)
    client.force_login(stella)
    assert "123" in client.get(reverse("admin:documents_document_changelist")).content.decode()
    page = client.get(reverse("admin:documents_document_change", args=[invoice.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "8427,50" in text.replace("\xa0", "")
    assert 'name="_save"' not in text
    assert client.get(reverse("admin:documents_document_add")).status_code == 403
    assert (
        client.get(reverse("admin:documents_document_delete", args=[invoice.pk])).status_code == 403
    )
