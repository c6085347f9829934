"""Worked examples of every category, written out by hand, against the pure functions."""

import datetime as dt
from decimal import Decimal as D

import pytest

from billing.models import allowed_price_categories
from calculator import pricing
from calculator.tests.factories import (
    EXAMPLE_DEVIATION_RATES,
    EXAMPLE_HOUR_RATES,
    MONTHLY_RATES,
    OCTOBER,
    THREE_ZONES,
)

# The small hourly profile of the examples for categories 3–6 (October 2026:
# 1 October is a Thursday, 3 October a Saturday; 22 working days, no holiday).
PROFILE = {
    (dt.date(2026, 10, 1), 9): D("1000"),
    (dt.date(2026, 10, 1), 18): D("2000"),
    (dt.date(2026, 10, 3), 9): D("500"),
    (dt.date(2026, 10, 2), 3): D("300.125"),
}
PLANNED = {
    (dt.date(2026, 10, 1), 9): D("900"),
    (dt.date(2026, 10, 1), 18): D("2100"),
    (dt.date(2026, 10, 3), 9): D("500"),
    (dt.date(2026, 10, 2), 3): D("300.125"),
    (dt.date(2026, 10, 2), 4): D("50"),
}
PEAK = frozenset({9, 18})  # the system operator's planned peak hours of the month
# Its peak hour of each working day: 18 h, but 9 h on 1 October.
CAPACITY_HOURS = {day: 18 for day in pricing.working_days(OCTOBER)} | {dt.date(2026, 10, 1): 9}


def _every_hour(special: dict, default: str) -> dict:
    return {hour: special.get(hour, D(default)) for hour in pricing.month_hours(OCTOBER)}


TARIFF = pricing.HourlyTariff(
    energy=EXAMPLE_HOUR_RATES,
    capacity=MONTHLY_RATES["capacity"],
    capacity_hours=CAPACITY_HOURS,
    network_peak_hours=PEAK,
    transmission=MONTHLY_RATES["transmission"],
    maintenance=MONTHLY_RATES["transmission_maintenance"],
    losses=MONTHLY_RATES["transmission_losses"],
    deviation_up=_every_hour(EXAMPLE_DEVIATION_RATES["deviation_up"], "140"),
    deviation_down=_every_hour(EXAMPLE_DEVIATION_RATES["deviation_down"], "110"),
)


def amounts(lines):
    return [line.amount for line in lines]


def hourly(category):
    lines = pricing.hourly_lines(category, PROFILE, TARIFF, month=OCTOBER, planned=PLANNED)
    return lines, pricing.with_vat(lines, D("22"))


def test_category_1_is_the_volume_at_the_one_rate():
    # 12 345 kWh × 6 543,21 руб/МВт·ч / 1000 = 80 775,92745 → 80 775,93
    lines = pricing.category_1_lines(D("12345"), D("6543.21"))
    cost = pricing.with_vat(lines, D("22"))
    assert amounts(lines) == [D("80775.93")]
    # НДС 22 %: 17 770,7046 → 17 770,70; total 98 546,63
    assert (cost.net, cost.vat, cost.total) == (D("80775.93"), D("17770.70"), D("98546.63"))


def test_category_1_in_2025_carries_20_percent_vat():
    cost = pricing.with_vat(pricing.category_1_lines(D("12345"), D("6543.21")), D("20"))
    # 80 775,93 × 20 % = 16 155,186 → 16 155,19
    assert (cost.vat, cost.total) == (D("16155.19"), D("96931.12"))


def test_category_2_two_zones_is_each_zone_at_its_rate():
    lines = pricing.category_2_lines(
        {"night2": D("4000"), "day2": D("6500")},
        {"night2": D("4500.00"), "day2": D("7100.55")},
    )
    # night 4 000 × 4 500,00 = 18 000,00; day 6 500 × 7 100,55 = 46 153,575 → 46 153,58
    assert amounts(lines) == [D("18000.00"), D("46153.58")]
    assert [line.label for line in lines] == ["Электроэнергия, ночь", "Электроэнергия, день"]
    assert pricing.with_vat(lines, D("22")).net == D("64153.58")


def test_category_2_three_zones_is_each_zone_at_its_rate():
    lines = pricing.category_2_lines(
        {"night3": D("3000"), "halfpeak3": D("5000.5"), "peak3": D("1234")},
        {"night3": D("4400.00"), "halfpeak3": D("6900.10"), "peak3": D("9876.54")},
    )
    # 3 000 × 4 400,00 = 13 200,00; 5 000,5 × 6 900,10 = 34 503,95005 → 34 503,95;
    # 1 234 × 9 876,54 = 12 187,65036 → 12 187,65
    assert amounts(lines) == [D("13200.00"), D("34503.95"), D("12187.65")]
    assert pricing.with_vat(lines, D("22")).net == D("59891.60")


def test_category_3_is_hourly_energy_capacity_and_one_part_transmission():
    lines, cost = hourly(3)
    # energy: (1000 × 3000,55 + 2000 × 3500 + 500 × 2500 + 300,125 × 1800) / 1000
    #       = 11 790,775 → 11 790,78
    # capacity: the peak hour of each of the 22 working days: 1 Oct 9 h holds 1000 kWh,
    #       the other days' 18 h nothing: 1000 / 22 = 45,4545… kWh = 0,0454545… MW
    #       × 1 000 000 = 45 454,5454… → 45 454,55 (the 2000 kWh of 1 Oct 18 h do not count)
    # transmission: 3 800,125 kWh × 2 450 / 1000 = 9 310,30625 → 9 310,31
    assert amounts(lines) == [D("11790.78"), D("45454.55"), D("9310.31")]
    assert lines[0].quantity == D("3800.125")
    assert lines[0].rate == D("3102.73")  # 11 790 775 / 3 800,125, the weighted average
    assert lines[1].quantity == D("0.045455")
    # net 66 555,64; НДС 14 642,2408 → 14 642,24; total 81 197,88
    assert (cost.net, cost.vat, cost.total) == (D("66555.64"), D("14642.24"), D("81197.88"))


def test_category_4_pays_network_maintenance_for_each_days_maximum_in_the_peak_hours():
    lines, cost = hourly(4)
    # network power: the maximum of 9 h and 18 h of each working day: 1 Oct max(1000, 2000)
    #       = 2000, every other working day 0 (3 Oct is a Saturday): 2000 / 22 = 90,9090… kWh
    #       = 0,0909090… MW × 1 400 000 = 127 272,7272… → 127 272,73
    # losses: 3 800,125 × 190 / 1000 = 722,02375 → 722,02
    assert amounts(lines) == [D("11790.78"), D("45454.55"), D("127272.73"), D("722.02")]
    assert [line.label for line in lines][2:] == [
        "Передача: содержание сетей",
        "Передача: нормативные потери",
    ]
    assert lines[2].quantity == D("0.090909")
    # net 185 240,08; НДС 40 752,8176 → 40 752,82; total 225 992,90
    assert (cost.net, cost.vat, cost.total) == (D("185240.08"), D("40752.82"), D("225992.90"))


def test_category_5_prices_each_hours_deviation_at_that_hours_rate():
    lines, cost = hourly(5)
    # up: 1 Oct 9 h 1000 − 900 = 100 kWh at that hour's 150,00 = 15,00
    # down: 1 Oct 18 h 2100 − 2000 = 100 kWh at 120,00 = 12,00; 2 Oct 4 h 50 kWh planned,
    #       none used, at 80,00 = 4,00; together 150 kWh, 16,00 (one monthly 110,00 would
    #       have given 16,50)
    assert amounts(lines)[3:] == [D("15.00"), D("16.00")]
    assert (lines[3].quantity, lines[4].quantity) == (D("100"), D("150"))
    assert (lines[3].rate, lines[4].rate) == (D("150.00"), D("106.67"))  # 16 000 / 150
    # net 66 555,64 + 31,00 = 66 586,64; НДС 14 649,0608 → 14 649,06; total 81 235,70
    assert (cost.net, cost.vat, cost.total) == (D("66586.64"), D("14649.06"), D("81235.70"))


def test_category_6_adds_hourly_deviations_to_category_4():
    lines, cost = hourly(6)
    assert amounts(lines) == [
        D("11790.78"), D("45454.55"), D("127272.73"), D("722.02"), D("15.00"), D("16.00"),
    ]  # fmt: skip
    # net 185 271,08; НДС 40 759,6376 → 40 759,64; total 226 030,72
    assert (cost.net, cost.vat, cost.total) == (D("185271.08"), D("40759.64"), D("226030.72"))


def test_without_a_plan_categories_5_and_6_have_no_deviations():
    lines = pricing.hourly_lines(5, PROFILE, TARIFF, month=OCTOBER)
    assert amounts(lines)[3:] == [D("0.00"), D("0.00")]


# November 2026: 4 November (Wednesday) is a public holiday, so 20 working days.
NOVEMBER = dt.date(2026, 11, 1)
NOVEMBER_PEAK = frozenset({8, 9, 10, 17, 18, 19, 20})


def _november_profile():
    """Each working day 600 kWh at 9 h, 900 at 18 h, 300 in the other hours; and exceptions."""
    profile = {}
    for day, hour in pricing.month_hours(NOVEMBER):
        profile[(day, hour)] = {9: D(600), 18: D(900)}.get(hour, D(300))
    profile[(dt.date(2026, 11, 2), 10)] = D(1200)  # Monday: the day's maximum at 10 h
    profile[(dt.date(2026, 11, 3), 12)] = D(2000)  # outside the peak hours: not counted
    profile[(dt.date(2026, 11, 4), 18)] = D(5000)  # the holiday: not counted
    profile[(dt.date(2026, 11, 7), 18)] = D(4000)  # a Saturday: not counted
    return profile


def test_the_production_calendar_takes_the_holiday_out_of_the_working_days():
    days = pricing.working_days(NOVEMBER)
    assert len(days) == 20 and dt.date(2026, 11, 4) not in days
    assert dt.date(2026, 11, 3) in days and dt.date(2026, 11, 7) not in days


def test_network_power_is_the_average_of_each_working_days_maximum_in_the_peak_hours():
    # 19 working days with 900 at 18 h, 2 November 1200 at 10 h: (19 × 900 + 1200) / 20
    #   = 18 300 / 20 = 915 kWh = 0,915 MW
    power = pricing.network_power_mw(_november_profile(), NOVEMBER, NOVEMBER_PEAK)
    assert power == D("0.915")
    assert pricing.network_power_mw({}, NOVEMBER, NOVEMBER_PEAK) == D(0)


def test_capacity_is_the_average_at_the_system_operators_hour_of_each_working_day():
    hours = {day: 18 for day in pricing.working_days(NOVEMBER)}
    hours[dt.date(2026, 11, 2)] = 10  # 1200 kWh
    hours[dt.date(2026, 11, 3)] = 9  # 600 kWh
    # (18 × 900 + 1200 + 600) / 20 = 18 000 / 20 = 900 kWh = 0,9 MW
    power = pricing.capacity_power_mw(_november_profile(), NOVEMBER, hours)
    assert power == D("0.9")
    del hours[dt.date(2026, 11, 5)]
    with pytest.raises(KeyError):  # every working day needs its hour
        pricing.capacity_power_mw(_november_profile(), NOVEMBER, hours)


def test_category_4_in_november_pays_915_kw_to_the_network_and_buys_900_kw():
    hours = {day: 18 for day in pricing.working_days(NOVEMBER)}
    hours[dt.date(2026, 11, 2)], hours[dt.date(2026, 11, 3)] = 10, 9
    profile = _november_profile()
    tariff = pricing.HourlyTariff(
        energy={hour: D("1000") for hour in profile}, capacity=D("1000000"),
        capacity_hours=hours, network_peak_hours=NOVEMBER_PEAK, maintenance=D("1400000"),
        losses=D("0"),
    )  # fmt: skip
    lines = pricing.hourly_lines(4, profile, tariff, month=NOVEMBER)
    # capacity 0,9 MW × 1 000 000 = 900 000,00; network 0,915 MW × 1 400 000 = 1 281 000,00
    assert (lines[1].quantity, lines[1].amount) == (D("0.900000"), D("900000.00"))
    assert (lines[2].quantity, lines[2].amount) == (D("0.915000"), D("1281000.00"))


def test_deviations_are_kept_hour_by_hour():
    up, down = pricing.deviations(PROFILE, PLANNED)
    assert up == {(dt.date(2026, 10, 1), 9): D("100")}
    assert down == {(dt.date(2026, 10, 1), 18): D("100"), (dt.date(2026, 10, 2), 4): D("50")}


def test_half_a_kopeck_rounds_up():
    # 1 kWh × 5,00 руб/МВт·ч = 0,005 руб.: half up gives 0,01 (banker's rounding would give 0,00)
    assert pricing.energy_amount(D("1"), D("5.00")) == D("0.01")
    assert pricing.energy_amount(D("1"), D("4.99")) == D("0.00")
    assert pricing.energy_amount(D("3"), D("5.00")) == D("0.02")  # 0,015 → 0,02


def test_the_net_total_is_the_sum_of_the_rounded_components():
    lines = pricing.category_2_lines(
        {"night2": D("1"), "day2": D("1")}, {"night2": D("5.00"), "day2": D("5.00")}
    )
    # each 0,005 → 0,01, so 0,02; rounding the unrounded sum (0,010) would give 0,01
    assert pricing.with_vat(lines, D("22")).net == D("0.02")


def test_vat_is_rounded_half_up_on_the_net_total():
    lines = [pricing.Line("x", D("1"), "кВт·ч", D("1"), "руб/МВт·ч", D("0.25"))]
    # 0,25 × 22 % = 0,055 → 0,06
    assert pricing.with_vat(lines, D("22")).vat == D("0.06")


@pytest.mark.parametrize(
    ("power", "band"),
    [
        (D("0"), "lt670"),
        (D("669.99"), "lt670"),
        (D("670"), "670-10000"),
        (D("9999.999"), "670-10000"),
        (D("10000"), "ge10000"),
        (D("25000"), "ge10000"),
    ],
)
def test_the_band_boundaries(power, band):
    assert pricing.band_for(power) == band


def test_from_670_kw_only_categories_3_to_6_may_be_chosen():
    assert allowed_price_categories(D("669.99")) == (1, 2, 3, 4, 5, 6)
    assert allowed_price_categories(D("670")) == (3, 4, 5, 6)
    assert allowed_price_categories(D("10000")) == (3, 4, 5, 6)


def test_a_profile_splits_into_the_zones_of_the_day():
    profile = {(OCTOBER, hour): D(hour + 1) for hour in range(24)}  # 1 … 24 kWh
    two = pricing.split_by_zones(profile, pricing.TWO_ZONE_HOURS)
    zones = {zone: pricing.parse_peak_hours(hours) for zone, hours in THREE_ZONES.items()}
    three = pricing.split_by_zones(profile, zones)
    # night 23–06: 24 + 1 + … + 7 = 52; day 07–22: 8 + … + 23 = 248
    assert two == {"night2": D(52), "day2": D(248)}
    # peak 07–09 and 17–20: 8+9+10 + 18+19+20+21 = 105; half-peak the rest of the day: 143
    assert three == {"night3": D(52), "halfpeak3": D(143), "peak3": D(105)}
    assert sum(three.values()) == sum(profile.values())


def test_peak_hours_are_read_as_lists_and_ranges():
    assert pricing.parse_peak_hours("8-10, 17") == frozenset({8, 9, 10, 17})
    assert pricing.parse_peak_hours("17–18; 9") == frozenset({9, 17, 18})
    assert pricing.format_peak_hours({8, 9, 10, 17, 19, 20}) == "8-10, 17, 19-20"
    for bad in ("", "24", "10-8", "утро", "-1"):
        with pytest.raises(ValueError):
            pricing.parse_peak_hours(bad)


def test_a_month_has_24_hours_a_day_and_october_2026_has_22_working_days():
    assert len(pricing.month_hours(OCTOBER)) == 744
    assert len(pricing.month_hours(dt.date(2026, 2, 1))) == 672
    assert len(pricing.working_days(OCTOBER)) == 22


def test_a_flat_profile_is_suspicious():
    flat = {(day, hour): D("5") for day, hour in pricing.month_hours(OCTOBER)}
    assert pricing.profile_warnings(flat, PEAK) == [
        "профиль ровный: во всех часах одинаковый объем"
    ]


def test_a_drop_of_more_than_10_percent_in_peak_hours_is_suspicious():
    profile = {(OCTOBER, hour): D("100") for hour in range(24)}
    profile[(OCTOBER, 9)] = profile[(OCTOBER, 18)] = D("89")  # 89 < 0,9 × 100
    assert pricing.profile_warnings(profile, PEAK) == [
        "в часы пиковой нагрузки объем более чем на 10 % ниже, чем в остальные часы"
    ]
    profile[(OCTOBER, 9)] = profile[(OCTOBER, 18)] = D("90")  # exactly 10 % is not more
    assert pricing.profile_warnings(profile, PEAK) == []


def test_a_profile_repeating_the_previous_month_is_suspicious():
    september = dt.date(2026, 9, 1)
    previous = {key: D(i % 7) for i, key in enumerate(pricing.month_hours(september))}
    current = {key: D(i % 7) for i, key in enumerate(pricing.month_hours(OCTOBER))}
    assert pricing.profile_warnings(current, frozenset(), previous) == [
        "профиль повторяет почасовые данные предыдущего месяца"
    ]
    current[(OCTOBER, 0)] = D("99")
    assert pricing.profile_warnings(current, frozenset(), previous) == []
