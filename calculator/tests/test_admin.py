from decimal import Decimal as D

import pytest
from django.urls import reverse

from calculator.models import FlatRate, HourlyRate, MonthlyRate, TariffMonth
from calculator.tests.factories import make_tariffs


@pytest.fixture
def staff_client(client, stella):
    client.force_login(stella)
    return client


@pytest.mark.parametrize(
    "name",
    [
        "tariffmonth",
        "flatrate",
        "hourlyrate",
        "monthlyrate",
        "monthhours",
        "capacitypeakhour",
    ],
)
def test_staff_see_every_tariff_list(staff_client, db, name):
    make_tariffs()
    response = staff_client.get(reverse(f"admin:calculator_{name}_changelist"))
    assert response.status_code == 200


def test_staff_edit_a_rate_in_the_admin(staff_client, db):
    make_tariffs()
    rate = FlatRate.objects.get(price_category=1)
    url = reverse("admin:calculator_flatrate_change", args=[rate.pk])
    response = staff_client.post(
        url,
        {
            "tariff_month": rate.tariff_month_id,
            "price_category": 1,
            "voltage_level": "НН",
            "power_band": "lt670",
            "zone": "",
            "rate": "7000.50",
        },
    )
    assert response.status_code == 302
    rate.refresh_from_db()
    assert rate.rate == D("7000.50")


def test_staff_see_which_months_are_demo_and_their_rates_inline(staff_client, db):
    month = make_tariffs(is_demo=True)
    assert TariffMonth.objects.get().is_demo
    assert HourlyRate.objects.filter(tariff_month=month).exists()
    assert MonthlyRate.objects.filter(tariff_month=month).exists()
    response = staff_client.get(reverse("admin:calculator_tariffmonth_change", args=[month.pk]))
    page = response.content.decode()
    assert "Демонстрационные тарифы" in page
    assert "6543.21" in page  # the category-1 rate, editable inline


def test_staff_edit_the_months_peak_hours_and_a_days_peak_hour(staff_client, db):
    from calculator.models import CapacityPeakHour, MonthHours

    make_tariffs()
    hours = MonthHours.objects.get(kind="network_peak")
    url = reverse("admin:calculator_monthhours_change", args=[hours.pk])
    data = {"month": "01.10.2026", "kind": "network_peak", "hours": "8-25"}
    assert "Часы указываются числами от 0 до 23" in staff_client.post(url, data).content.decode()
    data["hours"] = "8-11, 18"
    assert staff_client.post(url, data).status_code == 302
    assert MonthHours.objects.get(pk=hours.pk).hours == "8-11, 18"
    add = reverse("admin:calculator_capacitypeakhour_add")
    CapacityPeakHour.objects.filter(date="2026-10-05").delete()
    saturday = staff_client.post(add, {"date": "03.10.2026", "hour": "18"}).content.decode()
    assert "Не рабочий день производственного календаря" in saturday
    assert staff_client.post(add, {"date": "05.10.2026", "hour": "18"}).status_code == 302
