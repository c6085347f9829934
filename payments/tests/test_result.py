"""The return page believes the gateway, never the browser."""

from decimal import Decimal

import httpx
import pytest

from billing.models import LedgerEntry
from gateway.models import Notification
from payments import client
from payments.models import Payment
from payments.tests.helpers import pay_on_gateway, start

pytestmark = pytest.mark.django_db


def result(client_, payment):
    return client_.get(f"/cabinet/payments/{payment.pk}/result/")


def test_success_is_shown_after_the_gateway_confirmed(alice_client, alice_contract):
    payment = start(alice_client)
    response = pay_on_gateway(payment)
    assert response["Location"].endswith(f"/cabinet/payments/{payment.pk}/result/")
    html = result(alice_client, payment).content.decode()
    assert "Оплата проведена успешно" in html and "1 500,00 руб." in html


def test_without_a_notification_the_return_page_asks_the_gateway(alice_client, alice_contract):
    payment = start(alice_client)

    def portal_down(request):
        raise httpx.ConnectError("down", request=request)

    from gateway import notifications

    notifications.TRANSPORT = httpx.MockTransport(portal_down)
    pay_on_gateway(payment)
    assert Notification.objects.get().delivered_at is None
    payment.refresh_from_db()
    assert payment.status == "pending"
    assert "Оплата проведена успешно" in result(alice_client, payment).content.decode()
    assert LedgerEntry.objects.get().credit == Decimal("1500.00")


def test_coming_back_without_paying_is_not_success(alice_client):
    payment = start(alice_client)
    html = result(alice_client, payment).content.decode()
    assert "Оплата проведена успешно" not in html
    assert "ожидает оплаты" in html


def test_a_declined_payment_is_shown_as_declined(alice_client):
    payment = start(alice_client)
    pay_on_gateway(payment, "5555 5555 5555 4444")
    html = result(alice_client, payment).content.decode()
    assert "Платеж отклонен банком: Недостаточно средств на карте" in html


def test_an_abandoned_payment_is_shown_as_canceled(alice_client):
    from django.test import Client

    payment = start(alice_client)
    Client().post(f"/gateway/pay/{payment.gateway_payment_id}/cancel/")
    assert "Платеж отменен" in result(alice_client, payment).content.decode()


def test_an_unreachable_gateway_leaves_the_payment_pending_with_a_message(alice_client):
    payment = start(alice_client)

    def refuse(request):
        raise httpx.ReadTimeout("slow", request=request)

    client.TRANSPORT = httpx.MockTransport(refuse)
    html = result(alice_client, payment).content.decode()
    assert "Платежный сервис временно недоступен" in html
    assert Payment.objects.get().status == "pending"


def test_another_customers_payment_is_404(alice_client, bob):
    payment = start(alice_client)
    alice_client.force_login(bob)
    assert result(alice_client, payment).status_code == 404
