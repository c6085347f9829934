"""Issue 20: the account's charts, the month's forecast and the cheaper category hint."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from billing import analytics
from billing.ledger import billed_kwh, monthly_charges
from billing.models import Contract
from calculator import services
from core.formatting import group_digits
from meters.hourly import contract_profile

NOW = dt.datetime(2026, 11, 20, 12, 0)
TODAY = NOW.date()


DEMO_SEEDED_AT = NOW  # conftest.demo_once


@pytest.fixture
def demo(demo_once, db):
    """The demo as seeded at DEMO_SEEDED_AT; what a test changes is rolled back after it."""


def login(client, number):
    client.force_login(User.objects.get(username__endswith=f"/{number}"))


def table_rows(html: str, caption: str) -> list[list[str]]:
    """The rows of the table under the chart with `caption`."""
    table = html.split(f'<caption class="visually-hidden">{caption}</caption>')[1]
    body = table.split("<tbody>")[1].split("</tbody>")[0]
    return [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


@time_machine.travel(NOW, tick=False)
def test_the_kwh_chart_shows_the_invoices_figures_and_the_year_before(demo, client):
    contract = Contract.objects.get(number="2002")
    chart = analytics.kwh_chart(contract, TODAY)
    billed = billed_kwh(contract, dt.date(2024, 11, 1), dt.date(2026, 10, 1))
    assert [row[0] for row in chart.rows] == [
        "ноя", "дек", "янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт",
    ]  # fmt: skip
    assert chart.rows[-1][1] == group_digits(billed[dt.date(2026, 10, 1)].kwh, 0)
    assert chart.rows[0][1] == group_digits(billed[dt.date(2025, 11, 1)].kwh, 0)
    # The year before: October 2025 beside October 2026.
    assert chart.rows[-1][2] == group_digits(billed[dt.date(2025, 10, 1)].kwh, 0)
    # Each bar's height is its figure on the axis: the tallest month fills the axis' share.
    bars = [bar for bar in chart.bars if bar.series == 0]
    top = max(billed[m].kwh for m in analytics.chart_months(TODAY))
    tallest = max(bars, key=lambda bar: bar.height)
    assert tallest.title.endswith(f"{group_digits(top, 0)} кВт·ч")
    login(client, "2002")
    html = client.get(reverse("billing:account")).content.decode()
    assert table_rows(html, chart.title) == chart.rows
    assert html.count('<rect class="chart-series-0"') == 24  # kWh and cost, 12 months each
    assert html.count('<rect class="chart-series-1"') == 24  # and the year before of each


@time_machine.travel(NOW, tick=False)
def test_the_cost_chart_is_the_months_charges_with_vat(demo):
    contract = Contract.objects.get(number="1001")
    chart = analytics.cost_chart(contract, TODAY)
    charged = monthly_charges(contract, dt.date(2025, 11, 1), dt.date(2026, 10, 1))
    assert chart.rows[-1][1] == group_digits(charged[dt.date(2026, 10, 1)], 2)
    # August 2026 has the correction's extra charge in it: the month's cost includes it.
    assert chart.rows[9][0] == "авг"
    assert chart.rows[9][1] == group_digits(charged[dt.date(2026, 8, 1)], 2)


@time_machine.travel(NOW, tick=False)
def test_the_forecast_scales_last_years_month_by_the_days_so_far(demo, client):
    contract = Contract.objects.get(number="2002")
    forecast = analytics.month_forecast(contract, TODAY)
    so_far = sum(
        (kwh for (day, _), kwh in contract_profile(contract, dt.date(2026, 11, 1)).items()),
        Decimal(0),
    )
    then = sum(
        (
            kwh
            for (day, _), kwh in contract_profile(contract, dt.date(2025, 11, 1)).items()
            if day.day <= 19
        ),
        Decimal(0),
    )
    year_before = billed_kwh(contract, dt.date(2025, 11, 1), dt.date(2025, 11, 1))
    expected = year_before[dt.date(2025, 11, 1)].kwh * so_far / then
    assert forecast.kwh == expected.quantize(Decimal(1))
    # October's invoice: its charge over its kWh is the price of the forecast.
    october = dt.date(2026, 10, 1)
    price = (
        monthly_charges(contract, october, october)[october]
        / billed_kwh(contract, october, october)[october].kwh
    )
    assert abs(forecast.cost - forecast.kwh * price) < Decimal("0.01") * forecast.kwh
    assert forecast.method.startswith("По почасовым данным за 19 дн. месяца")
    login(client, "2002")
    html = client.get(reverse("billing:account")).content.decode()
    assert group_digits(forecast.kwh, 0) + " кВт·ч" in html and forecast.method in html


@time_machine.travel(NOW, tick=False)
def test_without_hourly_data_the_forecast_is_last_years_month(demo):
    contract = Contract.objects.get(number="1001")
    forecast = analytics.month_forecast(contract, TODAY)
    november = dt.date(2025, 11, 1)
    assert forecast.kwh == billed_kwh(contract, november, november)[november].kwh
    assert forecast.method.startswith("Данных за этот месяц еще нет: по объему ноябрь 2025")


@time_machine.travel(NOW, tick=False)
def test_the_comparison_equals_the_calculator_run_for_each_category(demo):
    """«Какая ценовая категория выгоднее»: each option is what the calculator prices alone."""
    contract = Contract.objects.get(number="2002")
    october = dt.date(2026, 10, 1)
    tariff_month = services.TariffMonth.objects.get(month=october)
    inputs = services.contract_inputs(contract, tariff_month, contract_profile(contract, october))
    options = services.compare(inputs)
    priced = [option for option in options if option.cost is not None]
    # 1 200 kW: only 3–6 may be chosen (the 670 kW rule), and all four are priced.
    assert sorted(option.category for option in priced) == [3, 4, 5, 6]
    for option in priced:
        alone = services.calculate(
            services.Inputs(
                tariff_month=tariff_month, category=option.category, voltage_level="СН2",
                max_power_kw=contract.max_power_kw, consumption=inputs.consumption,
            )
        )  # fmt: skip
        assert alone.cost.total == option.cost.total, option.category
    assert priced == sorted(priced, key=lambda option: option.cost.total)
    # Each line says its difference to the current category (3), the cheapest first.
    current_total = next(o.cost.total for o in priced if o.category == 3)
    assert [o.difference for o in priced] == [o.cost.total - current_total for o in priced]
    hint = services.cheaper_category(contract, october)
    cheapest, current = priced[0], next(o for o in priced if o.category == 3)
    if cheapest.cost.total < current.cost.total * Decimal("0.97"):
        assert hint is not None and hint.cheapest == cheapest and hint.current == current
    else:
        assert hint is None


@time_machine.travel(NOW, tick=False)
def test_the_hint_shows_when_another_category_saves_over_3_percent(demo, client, monkeypatch):
    contract = Contract.objects.get(number="2002")
    monkeypatch.setattr(services, "HINT_SAVING", Decimal("-1"))  # any other category «saves»
    hint = services.cheaper_category(contract, dt.date(2026, 10, 1))
    assert hint is not None
    login(client, "2002")
    html = client.get(reverse("billing:account")).content.decode()
    assert 'data-testid="category-hint"' in html and "октябрь 2026" in html
    monkeypatch.setattr(services, "HINT_SAVING", Decimal("0.99"))
    html = client.get(reverse("billing:account")).content.decode()
    assert 'data-testid="category-hint"' not in html


@time_machine.travel(NOW, tick=False)
def test_no_hint_without_a_complete_month_of_hours(demo):
    assert (
        services.cheaper_category(Contract.objects.get(number="1001"), dt.date(2026, 10, 1)) is None
    )
