"""The receipt of a credited card payment: «в том числе НДС» and «Распечатать»."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from payments.models import Payment
from payments.tests.factories import make_payment

pytestmark = pytest.mark.django_db


def receipt(client, payment) -> str:
    return client.get(f"/cabinet/payments/{payment.pk}/receipt/").content.decode()


def test_the_receipt_shows_the_vat_inside_at_billings_rate(alice_client, alice_contract, alice):
    payment = make_payment(alice_contract, alice, amount=Decimal("1500.00"))
    html = receipt(alice_client, payment)
    # 1 500,00 × 22 / 122 = 270,49 (billing.vat: 22 % from 2026)
    assert '<dt>в том числе НДС 22 %</dt><dd data-testid="receipt-vat">270,49 руб.</dd>' in html


def test_a_2025_payment_is_at_20_percent(alice_client, alice_contract, alice):
    payment = make_payment(alice_contract, alice, amount=Decimal("1200.00"))
    Payment.objects.filter(pk=payment.pk).update(
        paid_at=dt.datetime(2025, 12, 20, 5, 0, tzinfo=dt.UTC)
    )
    html = receipt(alice_client, payment)
    assert '<dt>в том числе НДС 20 %</dt><dd data-testid="receipt-vat">200,00 руб.</dd>' in html


def test_a_penalty_payment_has_no_vat(alice_client, alice_contract, alice):
    payment = make_payment(alice_contract, alice, purpose="penalty")
    html = receipt(alice_client, payment)
    assert "Оплата пени" in html and "не облагается" in html
    assert "в том числе НДС" not in html


def test_print_is_a_button_of_a_static_script_no_inline_javascript(
    alice_client, alice_contract, alice
):
    html = receipt(alice_client, make_payment(alice_contract, alice))
    assert re.search(r"<button[^>]*data-print[^>]*>Распечатать</button>", html)
    assert '<script src="/static/payments/print.js" defer></script>' in html
    assert "onclick" not in html
    for script in re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S):
        assert script.strip() == ""
