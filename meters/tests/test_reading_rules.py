"""`validate_reading` itself: the rules every way of submitting shares."""

import datetime as dt
from decimal import Decimal

import pytest

from meters.models import Meter, Reading
from meters.readings import MeterState, load_states, months_between, validate_reading
from meters.tests.conftest import make_meter

TODAY = dt.date(2026, 11, 28)


def check(meter, day, value, **options):
    state = load_states([meter])[meter.pk]
    return validate_reading(
        meter, day, {"T": Decimal(value)}, state=state, closed_months=set(), today=TODAY, **options
    )


def test_month_end_to_month_end_is_a_whole_number_of_months():
    assert months_between(dt.date(2026, 1, 31), dt.date(2026, 2, 28)) == 1
    assert months_between(dt.date(2025, 11, 30), dt.date(2026, 10, 31)) == 11
    assert months_between(dt.date(2026, 10, 31), dt.date(2026, 11, 28)) < 1


def test_a_spike_is_measured_against_the_months_since_the_previous_reading(alice_contract):
    meter = make_meter(
        alice_contract,
        history=[
            (dt.date(2026, 6, 30), 1000),
            (dt.date(2026, 7, 31), 1100),
            (dt.date(2026, 8, 31), 1200),
        ],
    )
    # Three months after the last reading: 3 × 100 a month × 3 months is the limit.
    assert not check(meter, dt.date(2026, 11, 28), 1200 + 850).spike
    assert check(meter, dt.date(2026, 11, 28), 1200 + 950).spike_unconfirmed


def test_a_rollover_is_plausible_only_within_the_spike_limit(alice_contract):
    meter = make_meter(
        alice_contract,
        coefficient=Decimal("60"),
        history=[
            (dt.date(2026, 8, 31), 999_700),
            (dt.date(2026, 9, 30), 999_800),
            (dt.date(2026, 10, 31), 999_900),
        ],
    )
    # 100 a month × 60 = 6 000 kWh; three times that is the limit, 18 000 kWh (300 units).
    plausible = check(meter, TODAY, 150, confirm_rollover=True)
    assert plausible.ok and plausible.rollover_zones == {"T"}
    assert plausible.total_consumption == 250 * 60
    wrong = check(meter, TODAY, 250, confirm_rollover=True)
    assert wrong.errors["T"] == [
        "Показание меньше предыдущего (999 900), а переход через ноль невозможен: "
        "расход составил бы 21 000 кВт·ч, больше допустимого для этого прибора учета "
        "(18 000 кВт·ч). Проверьте показание."
    ]
    assert not wrong.rollover_unconfirmed and not wrong.ok


def test_without_history_a_rollover_may_wrap_a_tenth_of_the_register(alice_contract):
    meter = make_meter(alice_contract, history=[(dt.date(2026, 10, 31), 999_000)])
    assert check(meter, TODAY, 50).rollover_unconfirmed == ["T"]
    typo = make_meter(alice_contract, "2", history=[(dt.date(2026, 10, 31), 36_156)])
    result = check(typo, TODAY, 36_150, confirm_rollover=True)
    assert "расход составил бы 999 994 кВт·ч" in result.errors["T"][0]
    assert "(100 000 кВт·ч)" in result.errors["T"][0]


def test_no_spike_is_called_without_enough_history(alice_contract):
    meter = make_meter(alice_contract, history=[(dt.date(2026, 10, 31), 1000)])
    result = check(meter, TODAY, 90000)
    assert result.ok and result.average is None and result.total_consumption == 89000
    close = make_meter(
        alice_contract, "2", history=[(dt.date(2026, 10, 20), 900), (dt.date(2026, 10, 31), 1000)]
    )
    assert check(close, TODAY, 90000).ok  # 11 days say nothing about a month


def test_a_rejected_reading_is_not_the_last_one_and_a_new_one_replaces_it(alice_contract):
    meter = make_meter(alice_contract, history=[(dt.date(2026, 10, 31), 1000)])
    rejected = Reading.objects.create(
        meter=meter, date=TODAY, value=99999, status=Reading.Status.REJECTED
    )
    result = check(meter, TODAY, 1100)
    assert result.ok and result.total_consumption == 100
    assert result.replaces == {"T": rejected}


def test_an_automatic_meter_takes_no_reading(alice_contract):
    meter = make_meter(alice_contract, is_automatic=True)
    assert "АИИСКУЭ" in check(meter, TODAY, 1).errors["date"][0]


@pytest.mark.parametrize(
    ("digits", "decimals", "value", "ok"),
    [
        (6, 0, "999999", True),
        (6, 0, "1000000", False),
        (5, 3, "99999.999", True),
        (5, 3, "99999.9999", False),
        (5, 3, "12.500", True),
        (6, 0, "12.0", True),
        (6, 0, "0", True),
    ],
)
def test_the_value_fits_the_meters_register(digits, decimals, value, ok):
    meter = Meter(pk=1, number="1", digits=digits, decimals=decimals, coefficient=1)
    result = validate_reading(
        meter,
        TODAY,
        {"T": Decimal(value)},
        state=MeterState(meter),
        closed_months=set(),
        today=TODAY,
    )
    assert result.ok is ok
