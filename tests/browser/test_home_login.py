import pytest
from playwright.sync_api import expect

from conftest import ALICE_PASSWORD, browser_login
from core.tests.test_layout import MENU_IN_ORDER

pytestmark = pytest.mark.browser


def test_home_login_and_the_menu_of_every_section(page, alice):
    page.goto("/")
    page.get_by_role("link", name="Вход в личный кабинет").click()
    browser_login(page, "г. Кемерово", "1001", ALICE_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    menu = page.get_by_role("navigation", name="Разделы личного кабинета")
    for label in MENU_IN_ORDER:
        expect(menu.get_by_text(label, exact=True)).to_be_visible()
    menu.get_by_role("link", name="Калькулятор").click()
    assert page.url.endswith("/cabinet/calculator/")
    expect(menu.locator("li.active")).to_have_text("Калькулятор")
    menu.get_by_role("button", name="Выход").click()
    expect(page.get_by_text("Вы вышли из личного кабинета.")).to_be_visible()
    expect(page.get_by_role("heading", name="Вход в личный кабинет")).to_be_visible()
