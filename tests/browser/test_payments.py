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
    expect(row).to_contain_text("зачислен")
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


def fill_card(page, card: str = "4111 1111 1111 1111") -> None:
    page.get_by_label("Номер карты").fill(card)
    page.get_by_label("Срок действия (ММ/ГГ)").fill("12/30")
    page.get_by_label("Владелец карты").fill("IVAN PETROV")
    page.get_by_label("CVV/CVC2").fill("123")
    page.get_by_role("button", name="Оплатить").click()


def start_and_close_the_banks_page(page):
    """«Оплатить» → the bank's page, then the tab is closed; a new tab of the same
    browser (the session lives on) is returned, at «Мои платежи»."""
    browser_login(page, "г. Кемерово", "1001", ALICE_PASSWORD)
    page.get_by_role("link", name="Оплатить").first.click()
    page.get_by_label("Сумма оплаты, руб.").fill("1500,00")
    page.get_by_label("Я согласен с условиями оплаты пользовательского соглашения").check()
    page.get_by_role("button", name="Оплатить").click()
    expect(page.get_by_role("heading", name="Оплата банковской картой")).to_be_visible()
    context = page.context
    page.close()
    tab = context.new_page()
    tab.goto("/cabinet/payments/history/")
    return tab


def test_a_payment_whose_bank_page_was_closed_is_continued_and_credited(
    page, real_http, indebted_alice
):
    from tests.browser.axe import serious_violations

    tab = start_and_close_the_banks_page(page)
    open_list = tab.get_by_role("region", name="Неоконченные платежи")
    expect(open_list).to_contain_text("1 500,00 руб.")
    expect(tab.locator("table.payments tbody tr").first).to_contain_text("ожидает оплаты")
    assert serious_violations(tab) == []
    open_list.get_by_role("link", name="Продолжить оплату").click()
    expect(tab.get_by_text("К оплате: 1\u00a0500,00 руб.")).to_be_visible()
    assert "/gateway/pay/" in tab.url
    fill_card(tab)
    tab.get_by_role("button", name="Подтвердить").click()
    expect(tab.get_by_text("Оплата проведена успешно")).to_be_visible()
    tab.get_by_role("link", name="Мои платежи").first.click()
    expect(tab.get_by_role("region", name="Неоконченные платежи")).to_have_count(0)
    row = tab.locator("table.payments tbody tr").first
    expect(row).to_contain_text("1 500,00 руб.")
    expect(row).to_contain_text("зачислен")
    row.get_by_role("link", name="Чек").click()
    expect(tab.get_by_test_id("receipt-vat")).to_have_text("270,49 руб.")
    expect(tab.get_by_role("button", name="Распечатать")).to_be_visible()
    tab.get_by_role("link", name="Лицевой счет").first.click()
    expect(tab.get_by_test_id("energy")).to_have_text("3 500,00 руб.")


def test_a_payment_whose_bank_page_was_closed_is_canceled(page, real_http, indebted_alice):
    from gateway.models import Order

    tab = start_and_close_the_banks_page(page)
    open_list = tab.get_by_role("region", name="Неоконченные платежи")
    open_list.get_by_role("button", name="Отменить").click()
    expect(tab.get_by_text("Платеж на 1 500,00 руб. отменен. Деньги не списаны.")).to_be_visible()
    expect(tab.get_by_role("region", name="Неоконченные платежи")).to_have_count(0)
    expect(tab.locator("table.payments tbody tr").first).to_contain_text("отменен")
    assert Order.objects.get().status == "CANCELED"
    tab.get_by_role("link", name="Лицевой счет").first.click()
    expect(tab.get_by_test_id("energy")).to_have_text("5 000,00 руб.")


def test_the_receipt_prints_through_the_browsers_dialog(page, real_http, indebted_alice):
    pay(page, "4111 1111 1111 1111")
    page.get_by_role("button", name="Подтвердить").click()
    page.get_by_role("link", name="Чек").click()
    # window.print is replaced before the click: headless Chromium has no print dialog
    # (the trailing `true`: an expression that ends in a function, Playwright would call).
    page.wait_for_load_state("load")
    page.evaluate("window.printed = 0; window.print = () => { window.printed += 1; }; true")
    page.get_by_role("button", name="Распечатать").click()
    assert page.evaluate("window.printed") == 1
