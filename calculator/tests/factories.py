"""Small tariff months for tests: only the voltage level and band a test prices."""

import datetime as dt
from decimal import Decimal

from calculator.models import FlatRate, HourlyRate, MonthlyRate, TariffMonth
from calculator.pricing import month_hours

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
    "deviation_up": D("140.00"),
    "deviation_down": D("110.00"),
}
KINDS = {
    3: ("capacity", "transmission"),
    4: ("capacity", "transmission_maintenance", "transmission_losses"),
    5: ("capacity", "transmission", "deviation_up", "deviation_down"),
    6: ("capacity", "transmission_maintenance", "transmission_losses", "deviation_up",
        "deviation_down"),
}  # fmt: skip


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
    is_demo: bool = False,
) -> TariffMonth:
    tariff_month, _ = TariffMonth.objects.get_or_create(month=month, defaults={"is_demo": is_demo})
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
