"""Demo tariffs for the last three months, their peak hours and zone intervals (the hourly
data of the category 3–6 demo contracts is the meters' demo: meters.demo).

The figures are made up (of the right order for Кузбасс) and every month is
marked `is_demo`, so the page says «демонстрационные тарифы». A month that
already has tariffs, demo or published, is left alone.
"""

import datetime as dt
from decimal import Decimal

from django.db import connection

from billing.models import VoltageLevel
from calculator.models import (
    HOURLY_KINDS_BY_CATEGORY,
    MONTHLY_KINDS_BY_CATEGORY,
    CapacityPeakHour,
    FlatRate,
    HourlyKind,
    HourlyRate,
    MonthHours,
    MonthHoursKind,
    MonthlyKind,
    MonthlyRate,
    PowerBand,
    TariffMonth,
)
from calculator.pricing import TWO_ZONE_HOURS, month_hours, working_days
from core.dates import month_start

DEMO_MONTHS = 3
CENT = Decimal("0.01")

CATEGORY_1_BASE = {"ВН": 4300, "СН1": 5100, "СН2": 5900, "НН": 7200}
BAND_SHIFT = {"lt670": 0, "670-10000": -180, "ge10000": -320}
ZONE_FACTORS = {
    "night2": Decimal("0.72"),
    "day2": Decimal("1.09"),
    "night3": Decimal("0.70"),
    "halfpeak3": Decimal("1.02"),
    "peak3": Decimal("1.38"),
}
PEAK_HOURS = frozenset((7, 8, 9, 17, 18, 19, 20))
TRANSMISSION = {"ВН": 1150, "СН1": 1900, "СН2": 2450, "НН": 3350}
MAINTENANCE = {"ВН": 720_000, "СН1": 1_150_000, "СН2": 1_420_000, "НН": 1_890_000}
LOSSES = {"ВН": 85, "СН1": 140, "СН2": 190, "НН": 320}
# The demo months' published hours (local time): the system operator's planned peak hours,
# and the three-zone intervals.
DEMO_MONTH_HOURS = {
    MonthHoursKind.NETWORK_PEAK: "8-10, 17-20",
    MonthHoursKind.NIGHT3: "0-6, 23",
    MonthHoursKind.HALF_PEAK3: "10-16, 21-22",
    MonthHoursKind.PEAK3: "7-9, 17-20",
}
DEVIATION_BASE = {HourlyKind.DEVIATION_UP: 140, HourlyKind.DEVIATION_DOWN: 110}


def month_shift(month: dt.date) -> int:
    """How the demo's prices move from month to month (руб/МВт·ч)."""
    return (month.month % 3) * 45


def category_1_rate(month: dt.date, voltage: str, band: str) -> Decimal:
    """The demo's one-rate price of a month, руб/МВт·ч without НДС: what the demo invoices
    bill (billing.demo.demo_price), so the calculator's estimate of a demo month is its invoice."""
    return Decimal(CATEGORY_1_BASE[voltage] + BAND_SHIFT[band] + month_shift(month))


def _hour_rate(category: int, band: str, shift: int, day: dt.date, hour: int) -> Decimal:
    shape = -700 if hour in TWO_ZONE_HOURS["night2"] else (650 if hour in PEAK_HOURS else 150)
    wobble = (day.day * 7 + hour * 13) % 37
    planned_discount = 35 if category in (5, 6) else 0
    return Decimal(2650 + BAND_SHIFT[band] // 2 + shift + shape + wobble - planned_discount)


def _deviation_rate(kind: str, day: dt.date, hour: int) -> Decimal:
    """Deviations cost more in the peak hours, less at night."""
    shape = 60 if hour in PEAK_HOURS else (-40 if hour in TWO_ZONE_HOURS["night2"] else 0)
    return Decimal(DEVIATION_BASE[kind] + shape + (day.day + hour) % 9)


def _monthly(kind: str, voltage: str, shift: int) -> Decimal:
    return Decimal(
        {
            MonthlyKind.CAPACITY: 1_080_000 + shift * 100,
            MonthlyKind.TRANSMISSION: TRANSMISSION[voltage],
            MonthlyKind.TRANSMISSION_MAINTENANCE: MAINTENANCE[voltage],
            MonthlyKind.TRANSMISSION_LOSSES: LOSSES[voltage],
        }[kind]
    )


def create_tariff_month(
    month: dt.date,
    *,
    is_demo: bool = True,
    voltages: tuple[str, ...] = tuple(VoltageLevel.values),
    bands: tuple[str, ...] = tuple(PowerBand.values),
) -> TariffMonth:
    """A month of made-up tariffs for every category, for the voltages and bands asked."""
    tariff_month = TariffMonth.objects.create(month=month, is_demo=is_demo)
    shift = month_shift(month)
    flat, hourly, monthly = [], [], []
    hours = month_hours(month)
    for voltage in voltages:
        for band in bands:
            key = dict(tariff_month=tariff_month, voltage_level=voltage, power_band=band)
            base = category_1_rate(month, voltage, band)
            flat.append(FlatRate(price_category=1, zone="", rate=base, **key))
            for zone, factor in ZONE_FACTORS.items():
                rate = (base * factor).quantize(CENT)
                flat.append(FlatRate(price_category=2, zone=zone, rate=rate, **key))
            for category, kinds in MONTHLY_KINDS_BY_CATEGORY.items():
                for kind in kinds:
                    rate = _monthly(kind, voltage, shift)
                    monthly.append(
                        MonthlyRate(price_category=category, kind=kind, rate=rate, **key)
                    )
                hourly += [
                    (tariff_month.pk, category, voltage, band, HourlyKind.ENERGY.value, day, hour,
                     _hour_rate(category, band, shift, day, hour))
                    for day, hour in hours
                ]  # fmt: skip
                for kind in HOURLY_KINDS_BY_CATEGORY[category][1:]:
                    hourly += [
                        (tariff_month.pk, category, voltage, band, kind.value, day, hour,
                         _deviation_rate(kind, day, hour))
                        for day, hour in hours
                    ]  # fmt: skip
    FlatRate.objects.bulk_create(flat)
    MonthlyRate.objects.bulk_create(monthly)
    _insert_hourly(hourly)
    return tariff_month


def _insert_hourly(rows: list[tuple]) -> None:
    """A month has some 36 000 hourly rates: one parameterised INSERT is several times
    faster than building that many model instances."""
    table = HourlyRate._meta.db_table
    columns = "tariff_month_id, price_category, voltage_level, power_band, kind, date, hour, rate"
    # The table and columns come from the model, never from input.
    sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def demo_capacity_hour(day: dt.date) -> int:
    """The system operator's peak hour of a demo working day: mostly the evening peak."""
    return 9 if day.day % 3 == 0 else 18


def create_month_hours(month: dt.date) -> None:
    """The demo month's planned peak hours, three-zone intervals and daily peak hours.

    Existing rows (loaded by `import_peak_hours` or edited in the admin) are kept.
    """
    for kind, hours in DEMO_MONTH_HOURS.items():
        MonthHours.objects.get_or_create(month=month, kind=kind, defaults={"hours": hours})
    known = set(
        CapacityPeakHour.objects.filter(
            date__gte=month, date__lte=month_hours(month)[-1][0]
        ).values_list("date", flat=True)
    )
    CapacityPeakHour.objects.bulk_create(
        CapacityPeakHour(date=day, hour=demo_capacity_hour(day))
        for day in working_days(month)
        if day not in known
    )


def seed(ctx: dict, stdout) -> None:
    today = dt.date.today()
    months = [month_start(today, -back) for back in range(DEMO_MONTHS, 0, -1)]
    existing = set(TariffMonth.objects.filter(month__in=months).values_list("month", flat=True))
    for month in months:
        if month not in existing:
            create_tariff_month(month)
        create_month_hours(month)
    stdout.write(f"Калькулятор: демонстрационные тарифы за {len(months)} мес.")
