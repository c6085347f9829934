import pytest
from playwright.sync_api import expect

from calculator.tests.factories import make_tariffs, profile_csv
from calculator.tests.test_calculator_page import PROFILE
from conftest import ALICE_PASSWORD, browser_login

pytestmark = pytest.mark.browser


@pytest.fixture
def tariffs(transactional_db):
    return make_tariffs()


def test_calculate_categories_1_and_2_and_upload_a_profile_for_category_3(
    page, alice, tariffs, tmp_path
):
    browser_login(page, "г. Кемерово", "1001", ALICE_PASSWORD)
    page.get_by_role("navigation", name="Разделы личного кабинета").get_by_role(
        "link", name="Калькулятор"
    ).click()
    expect(page.get_by_role("textbox", name="Месяц:", exact=True)).to_have_value("2026-10")
    expect(page.get_by_role("combobox", name="Ценовая категория")).to_have_value("1")

    # Category 1: the worked example of the issue.
    page.get_by_label("Объем потребления за месяц, кВт·ч").fill("12 345")
    page.get_by_role("button", name="Рассчитать").click()
    table = page.locator(".calc-result table")
    expect(table).to_contain_text("6 543,21 руб/МВт·ч")
    expect(table.locator("tfoot")).to_contain_text("80 775,93 руб.")
    expect(table.locator("tfoot")).to_contain_text("98 546,63 руб.")

    # Category 2, two zones.
    page.get_by_role("combobox", name="Ценовая категория").select_option("2")
    page.get_by_label("две зоны (ночь, день)").check()
    page.locator("#id_zone_night2").fill("4000")
    page.locator("#id_zone_day2").fill("6500")
    page.get_by_role("button", name="Рассчитать").click()
    expect(page.locator(".calc-result")).to_contain_text("2-я ценовая категория")
    expect(page.locator(".calc-result tfoot")).to_contain_text("64 153,58 руб.")

    # Category 3 from an uploaded hourly profile; a bad file first.
    bad = tmp_path / "profile.csv"
    bad.write_bytes(profile_csv(skip={(k[0], k[1]) for k in list(PROFILE)[:1]}))
    page.get_by_role("combobox", name="Ценовая категория").select_option("3")
    # only the inputs of the chosen category are shown
    expect(page.get_by_label("Объем потребления за месяц, кВт·ч")).to_be_hidden()
    expect(page.get_by_label("Плановые почасовые объемы (CSV или XLSX)")).to_be_hidden()
    page.get_by_label("Почасовой профиль (CSV или XLSX)").set_input_files(bad)
    page.get_by_role("button", name="Рассчитать").click()
    expect(page.locator("#id_profile_error")).to_have_text("Нет часов (1): 01.10.2026 9 ч.")

    good = tmp_path / "profile-ok.csv"
    good.write_bytes(profile_csv(volumes=PROFILE))
    page.get_by_label("Почасовой профиль (CSV или XLSX)").set_input_files(good)
    page.get_by_role("button", name="Рассчитать").click()
    expect(page.locator(".calc-result")).to_contain_text("3-я ценовая категория")
    expect(page.locator(".calc-result")).to_contain_text("файл «profile-ok.csv»")
    expect(page.locator(".calc-result tfoot")).to_contain_text("66 555,64 руб.")

    # «Сравнить категории» for the same profile.
    page.get_by_label("Почасовой профиль (CSV или XLSX)").set_input_files(good)
    page.get_by_role("button", name="Сравнить категории").click()
    comparison = page.locator(".calc-compare table")
    expect(comparison).to_contain_text("3-я (третья) — выбранная")
    expect(comparison.locator("tbody tr")).to_have_count(7)
