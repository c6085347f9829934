import pytest
from playwright.sync_api import expect

from conftest import ALICE_PASSWORD, browser_login
from services.tests.conftest import EXE_BYTES, PNG_BYTES

pytestmark = pytest.mark.browser


def test_file_a_request_with_an_attachment_and_see_it_in_the_list(page, alice):
    browser_login(page, "г. Кемерово", "1001", ALICE_PASSWORD)
    page.get_by_role("navigation", name="Разделы личного кабинета").get_by_role(
        "link", name="Дополнительные услуги"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Дополнительные услуги")
    page.get_by_role("link", name="Вопрос или жалоба").first.click()

    page.get_by_label("жалоба").check()
    page.get_by_label("Тема").fill("Не пришел счет за октябрь")
    page.get_by_label("Текст обращения").fill("Прошу выслать счет повторно.")
    attachments = page.get_by_label("Вложения")
    # A program renamed to .png is refused next to the field, the text typed stays.
    attachments.set_input_files(
        files=[{"name": "scan.png", "mimeType": "image/png", "buffer": EXE_BYTES}]
    )
    page.get_by_role("button", name="Подать заявку").click()
    expect(page.locator("#id_attachments_error")).to_contain_text("не является документом")
    expect(page.get_by_label("Тема")).to_have_value("Не пришел счет за октябрь")

    page.get_by_label("Вложения").set_input_files(
        files=[{"name": "scan.png", "mimeType": "image/png", "buffer": PNG_BYTES}]
    )
    page.get_by_role("button", name="Подать заявку").click()
    expect(page.get_by_role("status")).to_contain_text("принята")
    expect(page.get_by_role("link", name="scan.png")).to_be_visible()

    page.get_by_role("link", name="Мои заявки").last.click()
    row = page.locator("table.requests tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Жалоба: Не пришел счет за октябрь")
    expect(row).to_contain_text("принята")
