"""The whole path of a new customer, with the e-mail really sent through SMTP.

An aiosmtpd server on a free loopback port receives the portal's mail; the
test opens the link from the received message in the browser.
"""

import email
import email.policy
import re
import socket
import time

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from conftest import browser_login, make_contract

pytestmark = pytest.mark.browser

PASSWORD = "Zvezda-Polyarnaya-77"


class Inbox:
    """aiosmtpd handler: keeps every message it receives."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> email.message.EmailMessage:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"no e-mail arrived within {timeout} s")
            time.sleep(0.05)
        return self.messages[count - 1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def link_from(message: email.message.EmailMessage) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    link = re.search(r"https?://\S+/accounts/register/confirm/\S+/", text).group(0)
    assert f'href="{link}"' in html
    return link


def test_register_confirm_by_mail_land_in_the_cabinet_log_out_and_in(page, smtp_inbox, kemerovo):
    make_contract(kemerovo, "3003", inn="4205000016", name="ООО «Гамма»", email="gamma@example.ru")

    page.goto("/")
    page.get_by_role("link", name="Регистрация в Личный кабинет").click()
    page.get_by_label("Организация, ИП, ФЛ").check()
    page.get_by_role("button", name="Регистрация").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Регистрация личного кабинета «Юридического лица»"
    )

    page.get_by_label("Номер договора").fill("3003")
    page.get_by_label("ИНН").fill("4205000016")
    page.get_by_label("Наименование организации").fill("ООО «Гамма»")
    page.get_by_label(re.compile(r"^\W*Пароль\W*$")).fill(PASSWORD)
    page.get_by_label("Подтверждение пароля").fill(PASSWORD)
    page.get_by_label("E-Mail").fill("gamma@example.ru")
    page.get_by_label("Кемерово", exact=True).check()
    expect(page.get_by_role("img", name="Картинка с проверочным словом")).to_be_visible()
    page.get_by_label("Введите слово на картинке").fill("PASSED")
    page.get_by_label("Я принимаю правила").check()
    page.get_by_role("button", name="Регистрация").click()
    expect(page.get_by_text("Заявка на регистрацию принята")).to_be_visible()

    message = smtp_inbox.wait_for(1)
    assert message["To"] == "gamma@example.ru"
    assert "3003" in message["Subject"]
    page.goto(link_from(message))

    assert page.url.endswith("/cabinet/account/")
    expect(page.get_by_text("Регистрация подтверждена")).to_be_visible()
    menu = page.get_by_role("navigation", name="Разделы личного кабинета")
    menu.get_by_role("button", name="Выход").click()
    expect(page.get_by_text("Вы вышли из личного кабинета.")).to_be_visible()
    expect(page.get_by_role("heading", name="Вход в личный кабинет")).to_be_visible()

    browser_login(page, "г. Кемерово", "3003", PASSWORD)
    assert page.url.endswith("/cabinet/account/")
    expect(menu.get_by_role("link", name="Настройки")).to_be_visible()


def test_a_wrong_field_keeps_the_others_filled(page, kemerovo):
    make_contract(kemerovo, "3003", inn="4205000016")
    page.goto("/accounts/register/legal/")
    page.get_by_label("Номер договора").fill("3003")
    page.get_by_label("ИНН").fill("4205000017")
    page.get_by_label("Наименование организации").fill("ООО «Гамма»")
    page.get_by_label(re.compile(r"^\W*Пароль\W*$")).fill(PASSWORD)
    page.get_by_label("Подтверждение пароля").fill(PASSWORD)
    page.get_by_label("E-Mail").fill("gamma@example.ru")
    page.get_by_label("Кемерово", exact=True).check()
    page.get_by_label("Введите слово на картинке").fill("PASSED")
    page.get_by_label("Я принимаю правила").check()
    page.get_by_role("button", name="Регистрация").click()
    expect(page.get_by_text("ИНН указан неверно: не сходится контрольное число.")).to_be_visible()
    expect(page.get_by_label("Номер договора")).to_have_value("3003")
    expect(page.get_by_label("E-Mail")).to_have_value("gamma@example.ru")
    expect(page.get_by_label("Наименование организации")).to_have_value("ООО «Гамма»")
    expect(page.get_by_label("Кемерово", exact=True)).to_be_checked()
