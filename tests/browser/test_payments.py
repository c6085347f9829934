"""The whole card payment path in a real browser, with each test card: the portal
and the mock gateway both served by the live server, talking real HTTP."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from billing.tests.factories import make_entry
from conftest import ALICE_PASSWORD, browser_login

pytestmark = pytest.mark.browser


@pytest.fixture
def real_http(settings, live_server):
    """The portal reaches the gateway, and the gateway the portal, over HTTP, on the
    live server's own (random, never 8000) port: no PAYMENT_* URL is set, as with
    `make run PORT=8080`."""
    from gateway import notifications
    from payments import client

    client.TRANSPORT, notifications.TRANSPORT = None, None
    assert not live_server.url.endswith(":8000")
    assert settings.PAYMENT_GATEWAY_URL == "" and settings.PAYMENT_NOTIFICATION_URL == ""


@pytest.fixture
def indebted_alice(alice):
    make_entry(alice.contract, debit=Decimal("5000.00"), amount_net=None, vat=None)
    return alice


def pay(page, card: str) -> None:
    browser_login(page, "г. Кемерово", "1001", ALICE_PASSWORD)
    page.get_by_role("link", name="Оплатить").first.click()
    expect(page.get_by_label("Сумма оплаты, руб.")).to_have_value("5000,00")
    page.get_by_label("Сумма оплаты, руб.").fill("1500,00")
    page.get_by_label("Я согласен с условиями оплаты пользовательского соглашения").check()
    page.get_by_role("button", name="Оплатить").click()
    # The gateway's own page, on its own prefix.
    expect(page.get_by_role("heading", name="Оплата банковской картой")).to_be_visible()
    assert "/gateway/pay/" in page.url
    expect(page.get_by_text("К оплате: 1\u00a0500,00 руб.")).to_be_visible()
    page.get_by_label("Номер карты").fill(card)
    page.get_by_label("Срок действия (ММ/ГГ)").fill("12/30")
    page.get_by_label("Владелец карты").fill("IVAN PETROV")
    page.get_by_label("CVV/CVC2").fill("123")
    page.get_by_role("button", name="Оплатить").click()


def test_the_success_card_pays_and_lowers_the_debt(page, real_http, indebted_alice):
    pay(page, "4111 1111 1111 1111")
    expect(page.get_by_role("heading", name="Подтверждение платежа")).to_be_visible()
    page.get_by_role("button", name="Подтвердить").click()
    expect(page.get_by_text("Оплата проведена успешно")).to_be_visible()
    assert "/cabinet/payments/" in page.url
    page.get_by_role("link", name="Мои платежи").first.click()
    row = page.locator("table.payments tbody tr").first
    expect(row).to_contain_text("1 500,00 руб.")
    expect(row).to_contain_text("оплачен")
    page.get_by_role("link", name="Чек").click()
    expect(page.get_by_text("Кассовый чек №")).to_be_visible()
    page.get_by_role("link", name="Лицевой счет").first.click()
    expect(page.get_by_test_id("energy")).to_have_text("3 500,00 руб.")


def test_the_no_funds_card_is_declined_and_the_debt_stays(page, real_http, indebted_alice):
    pay(page, "5555 5555 5555 4444")
    expect(
        page.get_by_text("Платеж отклонен банком: Недостаточно средств на карте")
    ).to_be_visible()
    page.get_by_role("link", name="Мои платежи").first.click()
    expect(page.locator("table.payments tbody tr").first).to_contain_text("отклонен")
    page.get_by_role("link", name="Лицевой счет").first.click()
    expect(page.get_by_test_id("energy")).to_have_text("5 000,00 руб.")


def test_the_3ds_card_fails_at_confirmation_and_the_debt_stays(page, real_http, indebted_alice):
    pay(page, "4000 0000 0000 0002")
    page.get_by_role("button", name="Подтвердить").click()
    expect(page.get_by_text("Не пройдена аутентификация 3-D Secure")).to_be_visible()
    page.get_by_role("link", name="Лицевой счет").first.click()
    expect(page.get_by_test_id("energy")).to_have_text("5 000,00 руб.")
