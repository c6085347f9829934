"""Issue 20: the consumption charts of the demo works (category 3, hourly data) at a laptop's
width and a phone's: drawn whole, their figures equal to the table under them, nothing
scrolling sideways, nothing axe-core calls serious."""

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from conftest import browser_login
from tests.browser.axe import serious_violations
from tests.browser.test_every_page import LAPTOP, PHONE, WIDTHS

pytestmark = pytest.mark.browser

CONSUMPTION = "/cabinet/documents/consumption/"


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280", "390"])
def test_the_charts_are_whole_and_say_what_their_tables_say(demo_page, viewport):
    page = demo_page
    page.set_viewport_size(viewport)
    browser_login(page, "г. Кемерово", "2002", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Лицевой счет")).to_be_visible()
    # «Лицевой счет»: the monthly kWh and the cost, with the forecast.
    expect(page.get_by_test_id("forecast")).to_contain_text("Ожидается до конца месяца")
    for name in ("Потребление по месяцам", "Стоимость по месяцам"):
        chart = page.locator("figure.chart", has_text=name)
        svg = chart.locator("svg.chart-svg")
        expect(svg).to_be_visible()
        assert svg.bounding_box()["width"] <= viewport["width"]
        titles = svg.locator("rect title").all_text_contents()
        chart.get_by_text("Данные графика").click()
        rows = chart.locator("tbody tr")
        expect(rows).to_have_count(12)
        # Every bar's figure is in the table under it, in the same words.
        figures = " ".join(rows.all_inner_texts())
        assert titles and all(title.split(": ")[1].split(" руб.")[0].split(" кВт")[0] in figures
                              for title in titles)  # fmt: skip
    assert page.evaluate(WIDTHS)["page"] <= viewport["width"]
    assert serious_violations(page) == []
    # «Расшифровка потребления» for a year: month by month, the heat map and the daily profile.
    page.goto(CONSUMPTION)
    form = page.locator("form.filter-form")
    form.locator("[name=date_from]").fill("2026-01")
    form.locator("[name=date_to]").fill("2026-10")
    form.get_by_role("button", name="Сформировать").click()
    expect(page.get_by_role("heading", name="Итого по договору по месяцам")).to_be_visible()
    heat = page.locator("figure.chart", has_text="Почасовое потребление за октябрь 2026")
    expect(heat.locator("svg.chart-svg rect")).to_have_count(31 * 24)
    assert heat.locator("svg.chart-svg").bounding_box()["width"] <= viewport["width"]
    profile = page.locator("figure.chart", has_text="Средний рабочий день октябрь 2026")
    expect(profile.locator("svg.chart-svg polyline")).to_have_count(1)
    expect(profile.locator("svg.chart-svg rect.chart-peak").first).to_be_attached()
    widths = page.evaluate(WIDTHS)
    assert widths["page"] <= viewport["width"], widths
    assert serious_violations(page) == []
