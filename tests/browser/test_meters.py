import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conftest import browser_login

pytestmark = pytest.mark.browser
DEMO_PASSWORD = "Essk-Demo-2026"


def test_a_customer_submits_a_reading_of_the_seed_meter_and_sees_it_in_the_history(page):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    browser_login(page, "г. Кемерово", "1001", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Разделы личного кабинета").get_by_role(
        "link", name="Передача показаний"
    ).click()
    expect(page.get_by_role("heading", name="Ввод показаний по счетчику")).to_be_visible()
    expect(page.get_by_text("108008060", exact=True)).to_be_visible()
    expect(page.get_by_text("36 156", exact=True)).to_be_visible()
    expect(page.get_by_text("Показания приборов учёта необходимо снимать")).to_be_visible()

    page.get_by_label("Показание").fill("36000")
    page.get_by_role("button", name="Передать показания").click()
    expect(page.get_by_text("Показание меньше предыдущего (36 156)")).to_be_visible()
    expect(page.get_by_label("Показание")).to_have_value("36000")

    page.get_by_label("Показание").fill("36300")
    page.get_by_role("button", name="Передать показания").click()
    expect(
        page.get_by_role("heading", name="История показаний прибора учета № 108008060")
    ).to_be_visible()
    expect(page.get_by_text("Расход с")).to_contain_text("144 кВт·ч")
    first_row = page.locator("table.readings-history tbody tr").first
    expect(first_row).to_contain_text("36 300")
    expect(first_row).to_contain_text("потребитель")
    expect(first_row).to_contain_text("принято")


def test_a_customer_uploads_a_file_of_readings_and_sees_the_outcome(page, tmp_path):
    """The upload is read by the worker (eagerly here, as in `make run`): the page after
    the post is the job's page, with every bad row, then with the summary."""
    from django.utils import timezone

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    browser_login(page, "г. Кемерово", "1001", DEMO_PASSWORD)
    page.goto(page.url.split("/cabinet/")[0] + "/cabinet/readings/all/")
    today = timezone.localdate()
    bad = tmp_path / "readings.csv"
    bad.write_text(f"meter_number;date;value\n108008060;{today:%d.%m.%Y};36000\n")
    page.get_by_label("Файл CSV или XLSX").set_input_files(bad)
    page.get_by_role("button", name="Загрузить показания").click()
    expect(page.get_by_text("Файл не принят, ничего не сохранено.")).to_be_visible()
    expect(
        page.get_by_text("строка 2: value: Показание меньше предыдущего (36 156)")
    ).to_be_visible()
    assert "/cabinet/readings/all/upload/" in page.url

    good = tmp_path / "readings-ok.csv"
    good.write_text(f"meter_number;date;value\n108008060;{today:%d.%m.%Y};36300\n")
    page.get_by_label("Файл CSV или XLSX").set_input_files(good)
    page.get_by_role("button", name="Загрузить показания").click()
    expect(page.get_by_text("Файл readings-ok.csv принят: сохранено показаний 1")).to_be_visible()
