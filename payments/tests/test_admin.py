"""Staff see every payment with its raw gateway messages and its status changes."""

import pytest

from payments.models import Payment
from payments.tests.helpers import paid

pytestmark = pytest.mark.django_db


def test_staff_see_the_payment_its_messages_and_status_changes(client, alice_client, stella):
    payment = paid(alice_client)
    client.force_login(stella)
    listing = client.get("/admin/payments/payment/").content.decode()
    assert payment.gateway_payment_id in listing
    page = client.get(f"/admin/payments/payment/{payment.pk}/change/").content.decode()
    for text in ("регистрация в шлюзе", "уведомление шлюза", "запрос статуса", "смена статуса",
                 "CONFIRMED", "PaymentURL"):  # fmt: skip
        assert text in page, text
    assert client.get("/admin/payments/paymentevent/").status_code == 200


def test_payments_cannot_be_added_or_deleted_in_the_admin(client, stella, alice_client):
    payment = paid(alice_client)
    client.force_login(stella)
    assert client.get("/admin/payments/payment/add/").status_code == 403
    assert client.get(f"/admin/payments/payment/{payment.pk}/delete/").status_code == 403
    assert Payment.objects.count() == 1


def test_customers_do_not_reach_the_admin(alice_client):
    assert alice_client.get("/admin/payments/payment/").status_code == 302
