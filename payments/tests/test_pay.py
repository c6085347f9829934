"""«Оплатить»: the amount and the consent, then off to the gateway."""

from decimal import Decimal

import httpx
import pytest
from django.urls import reverse

from billing.tests.factories import make_entry
from gateway.models import Order
from payments import client
from payments.models import Payment
from payments.tests.helpers import start

pytestmark = pytest.mark.django_db
URL = "/cabinet/payments/pay/"


def test_the_form_has_the_amount_the_consent_and_the_button(alice_client):
    html = alice_client.get(URL).content.decode()
    assert 'name="amount"' in html and 'name="agree"' in html
    assert "пользовательского соглашения" in html
    assert ">Оплатить</button>" in html


def test_the_amount_is_prefilled_with_the_debt(alice_client, alice_contract):
    make_entry(alice_contract, kind="accrual", debit=Decimal("12345.67"))
    form = alice_client.get(URL).context["form"]
    assert form.initial["amount"] == Decimal("12345.67")


def test_no_debt_no_prefill(alice_client, alice_contract):
    assert "amount" not in alice_client.get(URL).context["form"].initial


def test_the_portal_registers_the_order_and_redirects_to_the_gateway(alice_client, alice):
    payment = start(alice_client, "1500,00")
    order = Order.objects.get()
    assert (payment.status, payment.amount, payment.contract, payment.user) == (
        "pending", Decimal("1500.00"), alice.contract, alice,
    )  # fmt: skip
    assert order.amount == 150000 and order.order_id == str(payment.order_id)
    assert payment.gateway_payment_id == str(order.pk)
    assert "/gateway/pay/" in payment.payment_url
    assert order.notification_url.endswith("/cabinet/payments/notify/")
    assert order.success_url.endswith(reverse("payments:result", args=[payment.pk]))


@pytest.mark.parametrize(
    "amount,message",
    [
        ("99,99", "не менее 100,00 руб."),
        ("100,001", "Не более двух знаков"),
        ("10000000,01", "не может быть больше 10 000 000,00 руб."),
        ("много", "Введите сумму числом"),
        ("", "Укажите сумму оплаты"),
        ("NaN", "Введите сумму числом"),
    ],
)
def test_a_bad_amount_is_refused_next_to_the_field(alice_client, amount, message):
    response = alice_client.post(URL, {"amount": amount, "agree": "on"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Payment.objects.exists() and not Order.objects.exists()


def test_the_bounds_themselves_are_accepted(alice_client):
    for amount in ("100", "10 000 000,00", "2500.50"):
        response = alice_client.post(URL, {"amount": amount, "agree": "on"})
        assert response.status_code == 302, amount


def test_without_consent_there_is_no_payment(alice_client):
    response = alice_client.post(URL, {"amount": "1500,00"})
    assert "оплата невозможна" in response.content.decode()
    assert 'value="1500,00"' in response.content.decode()
    assert not Payment.objects.exists()


def test_an_unreachable_gateway_is_a_clear_message_and_nothing_is_charged(alice_client):
    def refuse(request):
        raise httpx.ConnectTimeout("timed out", request=request)

    client.TRANSPORT = httpx.MockTransport(refuse)
    response = alice_client.post(URL, {"amount": "1500,00", "agree": "on"})
    assert response.status_code == 200
    assert "Платежный сервис временно недоступен, попробуйте позже" in response.content.decode()
    payment = Payment.objects.get()
    assert payment.status == "failed" and payment.gateway_payment_id is None
    assert payment.error_message == "Платежный сервис был недоступен"
    assert not Order.objects.exists()


def test_the_payment_is_always_for_the_sessions_contract(alice_client, bob_contract):
    alice_client.post(URL, {"amount": "1500,00", "agree": "on", "contract": bob_contract.pk})
    assert Payment.objects.get().contract.number == "1001"


def test_in_development_the_gateway_and_the_callback_follow_the_servers_own_address(
    alice_client, settings
):
    """`make run PORT=8080`: no setting names a port, the request's address is used."""
    assert settings.PAYMENT_GATEWAY_URL == "" and settings.PAYMENT_NOTIFICATION_URL == ""
    asked = []
    in_process = client.TRANSPORT

    def record(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return in_process.handle_request(request)

    client.TRANSPORT = httpx.MockTransport(record)
    response = alice_client.post(
        URL, {"amount": "1500,00", "agree": "on"}, HTTP_HOST="127.0.0.1:8080"
    )
    assert response.status_code == 302
    assert asked == ["http://127.0.0.1:8080/gateway/v2/Init"]
    order = Order.objects.get()
    assert order.notification_url == "http://127.0.0.1:8080/cabinet/payments/notify/"


def test_a_configured_gateway_is_used_whatever_the_request(alice_client, settings):
    settings.PAYMENT_GATEWAY_URL = "https://bank.example/gateway/"
    settings.PAYMENT_NOTIFICATION_URL = "https://lk.example/cabinet/payments/notify/"
    asked = []
    in_process = client.TRANSPORT

    def record(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return in_process.handle_request(request)

    client.TRANSPORT = httpx.MockTransport(record)
    alice_client.post(URL, {"amount": "1500,00", "agree": "on"}, HTTP_HOST="127.0.0.1:8080")
    assert asked == ["https://bank.example/gateway/v2/Init"]
    assert Order.objects.get().notification_url == "https://lk.example/cabinet/payments/notify/"
