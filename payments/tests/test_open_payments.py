"""«Неоконченные платежи» on «Мои платежи» and «Оплатить»: back to the bank's page, or cancel."""

import datetime as dt

import pytest
from django.utils import timezone

from payments.models import Payment
from payments.tests.factories import make_payment
from payments.tests.helpers import start

pytestmark = pytest.mark.django_db
HISTORY = "/cabinet/payments/history/"


def test_a_pending_payment_offers_its_banks_page_and_cancel(alice_client):
    payment = start(alice_client)
    for url in (HISTORY, "/cabinet/payments/pay/"):
        html = alice_client.get(url).content.decode()
        assert "Неоконченные платежи" in html
        assert f'href="{payment.payment_url}"' in html and "Продолжить оплату" in html
        assert f'action="/cabinet/payments/{payment.pk}/cancel/"' in html


def test_the_result_page_of_a_pending_payment_offers_the_same(alice_client):
    payment = start(alice_client)
    html = alice_client.get(f"/cabinet/payments/{payment.pk}/result/").content.decode()
    assert "Продолжить оплату" in html and "Отменить" in html
    assert "действует до" in html


def test_past_its_deadline_a_payment_leaves_the_open_list(alice_client):
    payment = start(alice_client)
    Payment.objects.filter(pk=payment.pk).update(pay_until=timezone.now() - dt.timedelta(minutes=1))
    html = alice_client.get(HISTORY).content.decode()
    assert "Неоконченные платежи" not in html and "Продолжить оплату" not in html
    # Until the bank says how it ended, the row asks it («Проверить»).
    assert f"/cabinet/payments/{payment.pk}/result/" in html


@pytest.mark.parametrize("status", ["paid", "rejected", "canceled", "expired", "failed"])
def test_an_ended_payment_is_not_open(alice_client, alice_contract, alice, status):
    make_payment(alice_contract, alice, status=status, payment_url="http://bank/pay/1/")
    html = alice_client.get(HISTORY).content.decode()
    assert "Неоконченные платежи" not in html


def test_another_customers_open_payment_is_not_shown(alice_client, bob_contract, bob):
    make_payment(bob_contract, bob, status="pending", payment_url="http://bank/pay/1/")
    assert "Неоконченные платежи" not in alice_client.get(HISTORY).content.decode()
