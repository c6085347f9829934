"""«Доступ сотрудников» in a real browser (issue 19): Alice invites a «Бухгалтер» who opens
the mailed link, pays by card and downloads a счет-фактура, and sees no «Передача
показаний»; Alice revokes her while she is logged in."""

import re
import time
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from billing.tests.factories import make_entry
from conftest import ALICE_PASSWORD, browser_login
from documents.tests.factories import make_vat_invoice
from tests.browser.test_payments import real_http  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

PASSWORD = "Buhgalter-Ivanova-2026"


def _mailed_link(count: int) -> str:
    deadline = time.monotonic() + 10
    while len(mail.outbox) < count:
        assert time.monotonic() < deadline, "no invitation mail"
        time.sleep(0.05)
    message = mail.outbox[count - 1]
    return re.search(r"https?://\S+/accounts/invitation/\S+/", message.body).group(0)


def _menu(page):
    return page.get_by_role("navigation", name="Разделы личного кабинета", exact=True)


def _invite(page, email: str, role: str) -> str:
    """Alice, logged in, invites a person; returns the link of the mail."""
    sent = len(mail.outbox)
    _menu(page).get_by_role("link", name="Настройки").click()
    page.get_by_role("link", name="Доступ сотрудников").click()
    page.get_by_role("link", name="Пригласить").click()
    page.get_by_label("E-Mail сотрудника").fill(email)
    page.get_by_label(role, exact=True).check()
    page.get_by_label("№ 1001 (Кемерово)").check()
    page.get_by_role("button", name="Пригласить").click()
    expect(page.get_by_text(f"Приглашение отправлено на {email}")).to_be_visible()
    expect(page.get_by_test_id("invitations")).to_contain_text(email)
    return _mailed_link(sent + 1)


def _accept(page, link: str) -> None:
    page.goto(link)
    expect(page.get_by_role("heading", name="Приглашение в личный кабинет")).to_be_visible()
    page.get_by_label("Фамилия").fill("Иванова")
    page.get_by_label(re.compile(r"^\W*Имя\W*$")).fill("Елена")
    page.get_by_label("Отчество").fill("Петровна")
    page.get_by_label(re.compile(r"^\W*Пароль\W*$")).fill(PASSWORD)
    page.get_by_label("Подтверждение пароля").fill(PASSWORD)
    page.get_by_role("button", name="Принять приглашение").click()


@pytest.fixture
def alice_with_debt_and_invoice(alice):
    make_entry(alice.contract, debit=Decimal("5000.00"), amount_net=None, vat=None)
    make_vat_invoice(alice.contract, number="123")
    return alice


def test_an_invited_accountant_pays_and_downloads_a_vat_invoice_but_has_no_readings(
    page,
    chromium,
    live_server,
    real_http,  # noqa: F811
    alice_with_debt_and_invoice,
):
    browser_login(page, "г. Кемерово", "1001", ALICE_PASSWORD)
    link = _invite(page, "ivanova@example.ru", "Бухгалтер")

    accountant = chromium.new_context(base_url=live_server.url, locale="ru-RU").new_page()
    _accept(accountant, link)
    expect(accountant.get_by_role("heading", name="Лицевой счет")).to_be_visible()
    expect(_menu(accountant).get_by_role("link", name="Передача показаний")).to_have_count(0)

    # She logs in again by e-mail, without a city.
    _menu(accountant).get_by_role("button", name="Выход").click()
    accountant.get_by_label("Логин (номер договора)").fill("ivanova@example.ru")
    accountant.get_by_label("Пароль").fill(PASSWORD)
    accountant.get_by_role("button", name="Войти").click()
    expect(accountant.get_by_role("heading", name="Лицевой счет")).to_be_visible()

    _menu(accountant).get_by_role("link", name="Оплатить").click()
    accountant.get_by_label("Сумма оплаты, руб.").fill("1500,00")
    accountant.get_by_label("Я согласен с условиями оплаты пользовательского соглашения").check()
    accountant.get_by_role("button", name="Оплатить").click()
    accountant.get_by_label("Номер карты").fill("4111 1111 1111 1111")
    accountant.get_by_label("Срок действия (ММ/ГГ)").fill("12/30")
    accountant.get_by_label("Владелец карты").fill("ELENA IVANOVA")
    accountant.get_by_label("CVV/CVC2").fill("123")
    accountant.get_by_role("button", name="Оплатить").click()
    accountant.get_by_role("button", name="Подтвердить").click()
    expect(accountant.get_by_text("Оплата проведена успешно")).to_be_visible()

    _menu(accountant).get_by_role("link", name="Счет фактура (реализация)", exact=True).click()
    accountant.get_by_role("link", name="№ 123", exact=True).click()
    with accountant.expect_download() as info:
        accountant.get_by_role("link", name="Скачать PDF").click()
    assert info.value.path().read_bytes().startswith(b"%PDF")

    accountant.goto("/cabinet/readings/")
    expect(accountant.get_by_role("heading", name="Нет доступа")).to_be_visible()
    accountant.context.close()


def test_the_owner_revokes_a_person_mid_session(page, chromium, live_server, alice):
    browser_login(page, "г. Кемерово", "1001", ALICE_PASSWORD)
    link = _invite(page, "ivanova@example.ru", "Энергетик")
    engineer = chromium.new_context(base_url=live_server.url, locale="ru-RU").new_page()
    _accept(engineer, link)
    expect(engineer.get_by_role("heading", name="Ввод показаний по счетчику")).to_be_visible()

    page.reload()
    people = page.get_by_test_id("people")
    expect(people).to_contain_text("Иванова Елена Петровна")
    page.get_by_role("button", name="Отозвать доступ: ivanova@example.ru").click()
    expect(page.get_by_text("Доступ отозван: Иванова Е. П.")).to_be_visible()
    expect(people).not_to_contain_text("ivanova@example.ru")

    _menu(engineer).get_by_role("link", name="Калькулятор").click()
    expect(engineer.get_by_role("heading", name="Вход в личный кабинет")).to_be_visible()
    engineer.context.close()


def test_an_engineers_reading_shows_her_name_to_the_owner(page, chromium, live_server, alice):
    import datetime as dt

    from meters.models import Reading
    from meters.tests.conftest import make_meter

    meter = make_meter(alice.contract, number="900100200")
    Reading.objects.create(meter=meter, date=dt.date(2026, 9, 30), value=Decimal("100"))
    browser_login(page, "г. Кемерово", "1001", ALICE_PASSWORD)
    link = _invite(page, "ivanova@example.ru", "Энергетик")
    engineer = chromium.new_context(base_url=live_server.url, locale="ru-RU").new_page()
    _accept(engineer, link)
    expect(engineer.get_by_role("heading", name="Ввод показаний по счетчику")).to_be_visible()
    engineer.get_by_label("Показание").fill("150")
    engineer.get_by_role("button", name="Передать показания").click()
    expect(
        engineer.get_by_role("heading", name="История показаний прибора учета № 900100200")
    ).to_be_visible()
    engineer.context.close()

    page.goto(f"/cabinet/readings/meter/{meter.pk}/")
    first_row = page.locator("table.readings-history tbody tr").first
    expect(first_row).to_contain_text("150")
    expect(first_row).to_contain_text("Иванова Е. П., энергетик")
