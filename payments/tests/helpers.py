"""Steps of a card payment as the browser takes them, through Django's test client."""

from decimal import Decimal
from urllib.parse import urlsplit

from django.test import Client
from django.urls import reverse

from payments.models import Payment

CARD_SUCCESS = "4111 1111 1111 1111"
CARD_NO_FUNDS = "5555 5555 5555 4444"
CARD_3DS_FAILS = "4000 0000 0000 0002"


def start(client, amount="1500,00", purpose=None) -> Payment:
    """«Оплатить»: the portal registers the order and redirects to the gateway."""
    data = {"amount": amount, "agree": "on"}
    if purpose is not None:
        data["purpose"] = purpose
    response = client.post(reverse("payments:pay"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    payment = Payment.objects.latest("id")
    assert response["Location"] == payment.payment_url
    return payment


def card_page(payment: Payment) -> str:
    return urlsplit(payment.payment_url).path


def pay_on_gateway(payment: Payment, card=CARD_SUCCESS, *, confirm=True):
    """The holder types the card on the gateway's page and confirms 3-D Secure.

    Returns the gateway's last response (a redirect back to the portal when done)."""
    browser = Client()
    page = card_page(payment)
    assert browser.get(page).status_code == 200
    response = browser.post(
        page, {"card_number": card, "expiry": "12/30", "holder": "IVAN PETROV", "cvv": "123"}
    )
    assert response.status_code == 302
    if "/3ds/" in response["Location"] and confirm:
        response = browser.post(response["Location"])
    return response


def paid(client, amount="1500,00", card=CARD_SUCCESS, purpose=None) -> Payment:
    payment = start(client, amount, purpose)
    pay_on_gateway(payment, card)
    payment.refresh_from_db()
    return payment


def kopecks(amount: str) -> int:
    return int(Decimal(amount.replace(",", ".")) * 100)
