"""Issue 17 («Demo data that ties out») and 20: one figure for one month on every page."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from billing.ledger import billed_kwh
from billing.models import Contract
from documents.statements import consumption
from meters.hourly import contract_profile, monthly_kwh
from meters.models import HourlyVolume

TODAY = dt.datetime(2026, 11, 28, 12, 0)


DEMO_SEEDED_AT = TODAY  # conftest.demo_once


@pytest.fixture
def demo(demo_once, db):
    """The demo as seeded at DEMO_SEEDED_AT; what a test changes is rolled back after it."""


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("number", ["1001", "2002", "0001с", "3003", "4004"])
def test_every_month_the_meters_times_their_coefficients_equal_the_invoice(demo, number):
    contract = Contract.objects.get(number=number)
    breakdown = consumption(contract, dt.date(2025, 11, 1), dt.date(2026, 10, 1))
    months = breakdown.months
    assert len(months) == 12
    for total in months:
        assert total.billed is not None, total.month
        # What the meters do not show is billing's correction, named as such.
        assert total.metered + total.invoice.corrected_kwh == total.billed, total.month
        if total.invoice.corrections:
            assert total.reason.startswith("корректировка 120 кВт·ч (корректировочный")
        else:
            assert total.difference == 0 and total.reason == ""
    corrected = sum((total.invoice.corrected_kwh for total in months), Decimal(0))
    assert breakdown.kwh + corrected == breakdown.billed_kwh > 0
    assert corrected == (Decimal(120) if number == "1001" else 0)


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("number", ["2002", "4004"])
def test_the_category_3_and_4_contracts_hours_sum_to_their_meters_every_month(demo, number):
    works = Contract.objects.get(number=number)
    assert works.price_category == {"2002": 3, "4004": 4}[number]
    billed = billed_kwh(works, dt.date(2025, 11, 1), dt.date(2026, 10, 1))
    hourly = monthly_kwh(works, dt.date(2025, 11, 1), dt.date(2026, 10, 31))
    assert len(billed) == 12 and hourly == {month: item.kwh for month, item in billed.items()}
    # Per delivery point, too: the hours of each point equal its meters.
    breakdown = consumption(works, dt.date(2026, 10, 1), dt.date(2026, 10, 1))
    for point in breakdown.points:
        hours = sum(
            HourlyVolume.objects.filter(
                delivery_point__code=point.code, date__month=10, date__year=2026
            ).values_list("kwh", flat=True),
            Decimal(0),
        )
        assert hours == point.kwh > 0, point.code
    # The calculator prices the same hours: October is complete.
    assert len(contract_profile(works, dt.date(2026, 10, 1))) == 31 * 24
    # This month runs to yesterday, for the forecast.
    assert HourlyVolume.objects.filter(delivery_point__contract=works).latest("date").date == (
        dt.date(2026, 11, 27)
    )


@time_machine.travel(TODAY, tick=False)
def test_categories_1_and_2_get_no_hourly_data(demo):
    assert not HourlyVolume.objects.exclude(
        delivery_point__contract__number__in=("2002", "4004")
    ).exists()
