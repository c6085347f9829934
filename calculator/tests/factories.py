"""Small tariff months for tests: only the voltage level and band a test prices."""

import datetime as dt
from decimal import Decimal

from calculator.models import (
    CapacityPeakHour,
    FlatRate,
    HourlyRate,
    MonthHours,
    MonthlyRate,
    TariffMonth,
)
from calculator.pricing import month_hours, working_days

D = Decimal
OCTOBER = dt.date(2026, 10, 1)  # 22 working days, 744 hours; НДС 22 %
DECEMBER_2025 = dt.date(2025, 12, 1)  # НДС 20 %

CATEGORY_1_RATE = D("6543.21")
HOURLY_DEFAULT = D("2000.00")
ZONE_RATES = {
    "night2": D("4500.00"),
    "day2": D("7100.55"),
    "night3": D("4400.00"),
    "halfpeak3": D("6900.10"),
    "peak3": D("9876.54"),
}
# The hours of the worked example for categories 3–6 and their energy rates.
EXAMPLE_HOUR_RATES = {
    (dt.date(2026, 10, 1), 9): D("3000.55"),
    (dt.date(2026, 10, 1), 18): D("3500.00"),
    (dt.date(2026, 10, 3), 9): D("2500.00"),
    (dt.date(2026, 10, 2), 3): D("1800.00"),
}
MONTHLY_RATES = {
    "capacity": D("1000000.00"),
    "transmission": D("2450.00"),
    "transmission_maintenance": D("1400000.00"),
    "transmission_losses": D("190.00"),
}
KINDS = {
    3: ("capacity", "transmission"),
    4: ("capacity", "transmission_maintenance", "transmission_losses"),
    5: ("capacity", "transmission"),
    6: ("capacity", "transmission_maintenance", "transmission_losses"),
}
# The deviation rates of categories 5 and 6, руб/МВт·ч, hour by hour: the worked
# example's hours have their own, every other hour the default.
DEVIATION_DEFAULT = {"deviation_up": D("140.00"), "deviation_down": D("110.00")}
EXAMPLE_DEVIATION_RATES = {
    "deviation_up": {(dt.date(2026, 10, 1), 9): D("150.00")},
    "deviation_down": {
        (dt.date(2026, 10, 1), 18): D("120.00"),
        (dt.date(2026, 10, 2), 4): D("80.00"),
    },
}
# The example month's hours: the system operator's planned peak hours (network power),
# its peak hour of each working day (18 h; 9 h on 1 October) and the three zones.
NETWORK_PEAK = "9, 18"
CAPACITY_HOUR = 18
CAPACITY_HOURS = {dt.date(2026, 10, 1): 9}
THREE_ZONES = {"night3": "0-6, 23", "halfpeak3": "10-16, 21-22", "peak3": "7-9, 17-20"}


def make_month_hours(
    month: dt.date = OCTOBER,
    *,
    network: str | None = NETWORK_PEAK,
    capacity: dict | None = None,
    capacity_default: int | None = CAPACITY_HOUR,
    zones: dict | None = None,
) -> None:
    """The month's published hours; `None` leaves that part out."""
    if network is not None:
        MonthHours.objects.create(month=month, kind="network_peak", hours=network)
    for kind, hours in (THREE_ZONES if zones is None else zones).items():
        MonthHours.objects.create(month=month, kind=kind, hours=hours)
    capacity = CAPACITY_HOURS if capacity is None else capacity
    if capacity_default is not None:
        CapacityPeakHour.objects.bulk_create(
            CapacityPeakHour(date=day, hour=capacity.get(day, capacity_default))
            for day in working_days(month)
        )


def make_tariffs(
    month: dt.date = OCTOBER,
    voltage: str = "НН",
    band: str = "lt670",
    *,
    category_1: Decimal = CATEGORY_1_RATE,
    zones: dict | None = None,
    hourly: dict | None = None,
    hourly_default: Decimal = HOURLY_DEFAULT,
    hourly_categories=(3, 4, 5, 6),
    monthly: dict | None = None,
    deviations: dict | None = None,
    is_demo: bool = False,
    hours: bool = True,
) -> TariffMonth:
    """Rates of one voltage and band; `hours` adds the month's hours (make_month_hours) once."""
    tariff_month, _ = TariffMonth.objects.get_or_create(month=month, defaults={"is_demo": is_demo})
    if hours and not MonthHours.objects.filter(month=month).exists():
        make_month_hours(month)
    key = dict(tariff_month=tariff_month, voltage_level=voltage, power_band=band)
    FlatRate.objects.create(price_category=1, zone="", rate=category_1, **key)
    for zone, rate in (zones or ZONE_RATES).items():
        FlatRate.objects.create(price_category=2, zone=zone, rate=rate, **key)
    hourly = EXAMPLE_HOUR_RATES if hourly is None else hourly
    rates = monthly or MONTHLY_RATES
    for category in hourly_categories:
        HourlyRate.objects.bulk_create(
            HourlyRate(price_category=category, date=day, hour=hour,
                       rate=hourly.get((day, hour), hourly_default), **key)
            for day, hour in month_hours(month)
        )  # fmt: skip
        MonthlyRate.objects.bulk_create(
            MonthlyRate(price_category=category, kind=kind, rate=rates[kind], **key)
            for kind in KINDS[category]
        )
        if category in (5, 6):
            for kind, default in DEVIATION_DEFAULT.items():
                special = (EXAMPLE_DEVIATION_RATES if deviations is None else deviations).get(
                    kind, {}
                )
                HourlyRate.objects.bulk_create(
                    HourlyRate(price_category=category, kind=kind, date=day, hour=hour,
                               rate=special.get((day, hour), default), **key)
                    for day, hour in month_hours(month)
                )  # fmt: skip
    return tariff_month


def profile_csv(month: dt.date = OCTOBER, volumes: dict | None = None, *, skip=(), extra=()):
    """A `date;hour;kwh` file of every hour of the month: the given volumes, 0 elsewhere."""
    volumes = volumes or {}
    lines = ["date;hour;kwh"]
    for day, hour in month_hours(month):
        if (day, hour) in skip:
            continue
        lines.append(f"{day:%d.%m.%Y};{hour};{str(volumes.get((day, hour), 0)).replace('.', ',')}")
    lines += list(extra)
    return ("\n".join(lines) + "\n").encode()
