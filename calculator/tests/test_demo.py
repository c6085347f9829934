import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from calculator.models import (
    CapacityPeakHour,
    FlatRate,
    HourlyRate,
    MonthHours,
    MonthlyRate,
    TariffMonth,
)
from meters.models import HourlyVolume

DEMO_SEEDED_AT = dt.datetime(2026, 11, 28, 12, 0)  # conftest.demo_once: the demo, seeded once
pytestmark = pytest.mark.usefixtures("demo_once")


@time_machine.travel(DEMO_SEEDED_AT, tick=False)
def test_seed_demo_adds_demo_tariffs_of_the_last_three_months_for_every_category(db):
    months = list(TariffMonth.objects.order_by("month"))
    assert [m.month for m in months] == [
        dt.date(2026, 8, 1),
        dt.date(2026, 9, 1),
        dt.date(2026, 10, 1),
    ]
    assert all(m.is_demo for m in months)
    october = months[-1]
    # 4 voltages × 3 bands: 1 + 5 zone rates; 744 hours of energy for 4 categories and of
    # two deviation rates for categories 5 and 6; 2 + 3 + 2 + 3 monthly kinds
    assert FlatRate.objects.filter(tariff_month=october).count() == 12 * 6
    assert HourlyRate.objects.filter(tariff_month=october).count() == 12 * (4 + 2 * 2) * 744
    assert MonthlyRate.objects.filter(tariff_month=october).count() == 12 * 10
    # the month's published hours: the planned peak hours, three zones, 22 working days
    assert MonthHours.objects.filter(month=october.month).count() == 4
    assert CapacityPeakHour.objects.filter(date__month=10).count() == 22
    # The category-3 contract's hourly data: meters/tests/test_demo_ties_out.py
    assert HourlyVolume.objects.filter(delivery_point__contract__number="2002").exists()


@time_machine.travel(DEMO_SEEDED_AT, tick=False)
def test_seed_demo_twice_adds_nothing(db):
    models = (HourlyRate, HourlyVolume, FlatRate, MonthHours, CapacityPeakHour)
    counts = [model.objects.count() for model in models]
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == [model.objects.count() for model in models]


@time_machine.travel(DEMO_SEEDED_AT, tick=False)
def test_the_page_says_the_tariffs_are_demo_tariffs(client, db):
    from accounts.models import User

    client.force_login(User.objects.get(contract__number="2002"))
    page = client.get("/cabinet/calculator/").content.decode()
    assert "октябрь 2026 (демонстрационные)" in page
    response = client.post(
        "/cabinet/calculator/",
        {"month": "2026-10", "price_category": "3", "voltage_level": "СН2",
         "max_power_kw": "1200", "calculate": ""},
    )  # fmt: skip
    page = response.content.decode()
    assert "Расчет по демонстрационным тарифам" in page
    assert "почасовые данные договора (АИИСКУЭ)" in page
    assert "Итого с НДС" in page
