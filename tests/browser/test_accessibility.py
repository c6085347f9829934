"""axe-core on the public pages (also with a form's errors shown) and on the mock bank's
pages a demo customer reaches from «Оплатить»: no serious or critical violation."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from conftest import browser_login
from tests.browser.axe import serious_violations
from tests.browser.test_every_page import DEMO_CUSTOMERS, PHONE

pytestmark = pytest.mark.browser

PUBLIC_PAGES = (
    "/",
    "/agreement/",
    "/accounts/login/",
    "/accounts/register/",
    "/accounts/register/legal/",
    "/accounts/register/resend/",
    "/accounts/password/reset/",
    "/no/such/page/",
)


@pytest.fixture
def real_http(settings, live_server):
    """The portal reaches the gateway, and the gateway the portal, over HTTP."""
    from gateway import notifications
    from payments import client

    client.TRANSPORT, notifications.TRANSPORT = None, None
    settings.PAYMENT_GATEWAY_URL = f"{live_server.url}/gateway/"
    settings.PAYMENT_NOTIFICATION_URL = f"{live_server.url}/cabinet/payments/notify/"


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["laptop", "phone"])
def test_the_public_pages_have_no_serious_violation(page, viewport):
    if viewport:
        page.set_viewport_size(viewport)
    found = []
    for path in PUBLIC_PAGES:
        page.goto(path)
        found += [(path, v) for v in serious_violations(page)]
    assert found == []


def test_a_form_with_errors_says_them_to_a_screen_reader(page, db):
    page.goto("/accounts/register/legal/")
    page.get_by_role("button", name="Регистрация").click()
    inn = page.get_by_label("ИНН")
    expect(inn).to_have_attribute("aria-invalid", "true")
    error_id = inn.get_attribute("aria-describedby").split()[-1]
    expect(page.locator(f"#{error_id}")).to_contain_text("Введите ИНН.")
    assert serious_violations(page) == []


def test_the_bank_pages_of_each_demo_customer_have_no_serious_violation(page, real_http):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    found = []
    for branch, number in DEMO_CUSTOMERS:
        page.context.clear_cookies()
        browser_login(page, branch, number, DEMO_PASSWORD)
        page.goto("/cabinet/payments/pay/")
        page.get_by_label("Сумма оплаты, руб.").fill("1500,00")
        page.get_by_label("Я согласен с условиями оплаты пользовательского соглашения").check()
        page.get_by_role("button", name="Оплатить").click()
        expect(page.get_by_role("heading", name="Оплата банковской картой")).to_be_visible()
        found += [(number, "card page", v) for v in serious_violations(page)]
        page.get_by_role("button", name="Оплатить").click()  # empty: the card form's errors
        expect(page.get_by_label("Номер карты")).to_have_attribute("aria-invalid", "true")
        found += [(number, "card errors", v) for v in serious_violations(page)]
        page.get_by_label("Номер карты").fill("4000 0000 0000 0002")
        page.get_by_label("Срок действия (ММ/ГГ)").fill("12/30")
        page.get_by_label("Владелец карты").fill("IVAN PETROV")
        page.get_by_label("CVV/CVC2").fill("123")
        page.get_by_role("button", name="Оплатить").click()
        expect(page.get_by_role("heading", name="Подтверждение платежа")).to_be_visible()
        found += [(number, "3-D Secure", v) for v in serious_violations(page)]
    assert found == []
