import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conftest import ALICE_PASSWORD, browser_login

pytestmark = pytest.mark.browser


def test_after_the_imports_the_customer_sees_the_debt_and_the_penalties(page, alice, tmp_path):
    accruals = tmp_path / "accruals.csv"
    accruals.write_text(
        "city;contract_number;period;doc_number;doc_date;volume_kwh;amount_net;vat;amount\n"
        "Кемерово;1001;2026-10;Р-1001-10;31.10.2026;14238,6;98360,66;21639,34;120000,00\n",
        encoding="utf-8-sig",
    )
    payments = tmp_path / "payments.csv"
    payments.write_text(
        "city;contract_number;date;amount;doc_number\nКемерово;1001;20.11.2026;20000;п/п 77\n",
        encoding="utf-8",
    )
    for command, path in (("import_accruals", accruals), ("import_payments", payments)):
        call_command(command, str(path), stdout=open("/dev/null", "w"))
    call_command("accrue_penalties", "--date", "27.11.2026", stdout=open("/dev/null", "w"))

    browser_login(page, "г. Кемерово", "1001", ALICE_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Лицевой счет")
    expect(page.get_by_text("ООО «Альфа»")).to_be_visible()
    # 120 000,00 charged − 20 000,00 paid
    expect(page.get_by_test_id("energy")).to_have_text("100 000,00 руб.")
    # on 27.11.2026 at 15,5 %: November's 30 % advance (36 000) 20 000 paid 20.11 (10 days) = 238,46
    # and 16 000 unpaid (17 days) = 324,31; October's final 120 000 (9 days) = 1 287,69;
    # November's 40 % 48 000 (2 days) = 114,46 → 1 964,92
    expect(page.get_by_test_id("penalty")).to_have_text("1 964,92 руб.")
    expect(page.locator("dl.state dt").first).to_have_text("Задолженность")
    expect(page.get_by_role("cell", name="№ Р-1001-10 от 31.10.2026")).to_be_visible()

    page.get_by_role("link", name="Показать расчет пени").click()
    page.get_by_label("Дата расчета").fill("2026-11-27")
    page.get_by_role("button", name="Рассчитать").click()
    expect(page.get_by_test_id("calculated")).to_have_text("1 964,92 руб.")
    expect(page.get_by_role("cell", name="Окончательный расчет за октябрь 2026")).to_be_visible()
    page.get_by_role("link", name="← Лицевой счет").click()

    page.get_by_role("link", name="Вся история операций").click()
    expect(page.get_by_role("cell", name="№ п/п 77 от 20.11.2026")).to_be_visible()
    page.get_by_label("Период с").fill("2026-11-01")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_role("cell", name="№ Р-1001-10 от 31.10.2026")).to_have_count(0)
    expect(page.get_by_text("Задолженность: 120 000,00 руб.")).to_be_visible()
