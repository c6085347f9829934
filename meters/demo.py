"""Demo delivery points, meters, readings and hourly data that tie out with the invoices.

One plan — `PLAN_UNITS`, register units a month per meter and zone, shaped by
the season — gives every figure: the end-of-month readings, the kWh the
invoices bill (`contract_month_kwh`, which billing's demo calls) and, for the
category 3–6 contracts, the hours of each delivery point (written as files of
the market's format 80020 and loaded through `import_80020`, the operators'
own path). So «Расшифровка потребления», «Лицевой счет», the invoices and the
hourly data show one figure for one month.
"""

import datetime as dt
import tempfile
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from core.bulk import copy_rows
from core.calendar import is_working_day
from core.dates import month_end, month_start
from meters import format80020
from meters.models import ZONES_BY_COUNT, DeliveryPoint, HourlyVolume, Meter, Reading

# (contract key, point code, address, voltage,
#  [(number, model, coefficient, digits, zones, automatic, last value, units a month per zone)])
DEMO_POINTS = (
    (("kemerovo", "1001"), "ТП-1001-1", "Кемеровская обл., г. Кемерово, ул. Мира, 1", "НН",
     [("108008060", "СКАТ 101Э/1-3 ШР1", Decimal("1"), 6, 1, False, Decimal("36156"), (1200,))]),
    (("kemerovo", "2002"), "ТП-2002-1", "Кемеровская обл., г. Кемерово, ул. Островского, 32, цех № 1", "СН2",
     [("011075123", "Меркурий 230 ART-03", Decimal("60"), 6, 3, False, Decimal("48210"), (1400, 1700, 900)),
      ("011075124", "Меркурий 230 ART-03", Decimal("60"), 6, 1, False, Decimal("15733"), (450,))]),
    (("kemerovo", "2002"), "ТП-2002-2", "Кемеровская обл., г. Кемерово, ул. Островского, 32, котельная", "СН2",
     [("0804150977", "СЭТ-4ТМ.03М", Decimal("120"), 8, 1, True, Decimal("1203345"), (350,))]),
    (("berezovsky", "0001с"), "ТП-0001с-1", "Кемеровская обл., г. Березовский, пр-кт Ленина, 14", "НН",
     [("36125481", "Нева МТ 124", Decimal("1"), 6, 2, False, Decimal("20450"), (700, 400))]),
    (("kemerovo", "4004"), "ТП-4004-1", "Кемеровская обл., г. Кемерово, ул. Островского, 32а, литейный цех", "СН2",
     [("0812110456", "СЭТ-4ТМ.03М", Decimal("600"), 8, 1, True, Decimal("2450310"), (420,))]),
    (("kemerovo", "3003"), "ТП-3003-1", "Кемеровская обл., г. Кемерово, ул. Весенняя, 7", "НН",
     [("47110023", "Нева 103", Decimal("1"), 6, 1, False, Decimal("15420"), (500,))]),
)  # fmt: skip

# Two years of readings and invoices: the charts show each month beside the year before.
DEMO_MONTHS = 24
# A year of hours (and this month so far): the heat map, the forecast, the calculator.
HOURLY_MONTHS = 12
# Heating and light: Kuzbass winters take a quarter more than the summer months.
SEASON = {1: "1.25", 2: "1.20", 3: "1.10", 4: "1.00", 5: "0.90", 6: "0.85",
          7: "0.85", 8: "0.90", 9: "0.95", 10: "1.05", 11: "1.15", 12: "1.25"}  # fmt: skip
HOURLY_CATEGORIES = (3, 4, 5, 6)
MILLI = Decimal("0.001")


# The customers grow: each year takes 4 % more than the year before.
YEAR_GROWTH = Decimal("1.04")


def plan_units(base: int, period: dt.date) -> Decimal:
    """Register units of one meter zone in the month of `period`."""
    growth = YEAR_GROWTH ** (period.year - 2026)
    units = Decimal(base) * Decimal(SEASON[period.month]) * growth
    return units.quantize(Decimal(1), ROUND_HALF_UP)


def _meters_of(key):
    for contract_key, code, _, _, meters in DEMO_POINTS:
        if contract_key == key:
            for meter in meters:
                yield code, meter


def point_month_kwh(key, code: str, period: dt.date) -> Decimal:
    """The metered kWh of one demo delivery point in a month: units × coefficient."""
    return sum(
        (
            plan_units(base, period) * coefficient
            for point_code, (_, _, coefficient, *_, bases) in _meters_of(key)
            if point_code == code
            for base in bases
        ),
        Decimal(0),
    )


def contract_month_kwh(key, period: dt.date) -> Decimal:
    """The kWh a demo contract's invoice bills for a month: the sum of its points."""
    codes = {code for code, _ in _meters_of(key)}
    return sum((point_month_kwh(key, code, period) for code in codes), Decimal(0))


def _history(
    meter: Meter, last_value: Decimal, bases, today: dt.date, months: int
) -> list[Reading]:
    """End-of-month readings ending with `last_value` at the end of last month.

    One more reading than months, so that the first month has its start.
    """
    readings = []
    zones = ZONES_BY_COUNT[meter.zones]
    for position, zone in enumerate(zones):
        value = last_value - position * 1000
        for back in range(1, months + 2):
            day = month_end(today, -back)
            readings.append(
                Reading(meter=meter, date=day, zone=zone, value=value, source=Reading.Source.IMPORT)
            )
            value -= plan_units(bases[position], day)
    return readings


# A works' working day: the night base, the morning start, a lunch dip, the evening tail.
WORKING_DAY_SHAPE = (
    "1.0", "0.95", "0.95", "0.95", "1.0", "1.1", "1.4", "1.8", "2.0", "2.05", "2.05", "2.0",
    "1.6", "1.95", "2.0", "2.0", "1.9", "1.8", "1.6", "1.35", "1.2", "1.1", "1.05", "1.0",
)  # fmt: skip


def hour_weight(day: dt.date, hour: int) -> Decimal:
    """A works' load by hour: the working-day shape, a base load on days off."""
    wobble = Decimal((day.day * 11 + hour * 5) % 23) / 100
    if not is_working_day(day):
        return Decimal("0.75") + wobble
    return Decimal(WORKING_DAY_SHAPE[hour]) + wobble


def spread(total: Decimal, weights: dict) -> dict:
    """`total` kWh over the keys by weight, to the watt-hour, summing to `total` exactly."""
    whole = sum(weights.values(), Decimal(0))
    shares = {key: total * weight / whole for key, weight in weights.items()}
    result = {key: share.quantize(MILLI, ROUND_DOWN) for key, share in shares.items()}
    left = int((total - sum(result.values(), Decimal(0))) / MILLI)
    for key in sorted(shares, key=lambda k: shares[k] - result[k], reverse=True)[:left]:
        result[key] += MILLI
    return result


def point_hours(key, code: str, month: dt.date) -> dict[tuple[dt.date, int], Decimal]:
    """The hours of a demo point in a month, summing to its metered kWh of the month."""
    days = [month + dt.timedelta(days=n) for n in range(month_end(month).day)]
    weights = {(day, hour): hour_weight(day, hour) for day in days for hour in range(24)}
    return spread(point_month_kwh(key, code, month), weights)


def write_80020_files(folder: Path, contract, key, first: dt.date, last: dt.date) -> list[Path]:
    """One 80020 file a day from `first` to `last` with every point of the contract."""
    codes = sorted({code for code, _ in _meters_of(key)})
    hours: dict[tuple[str, dt.date, int], Decimal] = {}
    month = first.replace(day=1)
    while month <= last:
        for code in codes:
            for (day, hour), kwh in point_hours(key, code, month).items():
                hours[(code, day, hour)] = kwh
        month = month_start(month, 1)
    paths = []
    day = first
    while day <= last:
        points = {}
        for code in codes:
            halves = {}
            for hour in range(24):
                kwh = hours[(code, day, hour)]
                first_half = (kwh / 2).quantize(MILLI, ROUND_DOWN)
                halves[hour * 60] = first_half
                halves[hour * 60 + 30] = kwh - first_half
            points[code] = halves
        path = folder / f"80020_{contract.customer.inn}_{day:%Y%m%d}_1.xml"
        with open(path, "wb") as handle:
            format80020.write_file(
                handle, day=day, inn=contract.customer.inn, name=contract.customer.name,
                points=points,
            )  # fmt: skip
        paths.append(path)
        day += dt.timedelta(days=1)
    return paths


def seed(ctx: dict, stdout) -> None:
    today = dt.date.today()
    for key, code, address, voltage, meters in DEMO_POINTS:
        contract = ctx["contracts"][key]
        point, _ = DeliveryPoint.objects.get_or_create(
            contract=contract,
            code=code,
            defaults={"address": address, "voltage_level": voltage},
        )
        for number, model, coefficient, digits, zones, automatic, last, bases in meters:
            meter, created = Meter.objects.get_or_create(
                delivery_point=point,
                number=number,
                defaults=dict(model=model, coefficient=coefficient, digits=digits, zones=zones,
                              is_automatic=automatic),
            )  # fmt: skip
            if created:
                Reading.objects.bulk_create(_history(meter, last, bases, today, DEMO_MONTHS))
    _seed_hourly(ctx, today, stdout)
    if ctx.get("scale_contract_ids"):
        seed_scale(ctx, today, stdout)


def _seed_hourly(ctx: dict, today: dt.date, stdout) -> None:
    """A year of 80020 files (and this month up to yesterday) for the category 3–6 contracts."""
    first = month_start(today, -HOURLY_MONTHS)
    last = today - dt.timedelta(days=1)
    keys = sorted({key for key, *_ in DEMO_POINTS})
    for key in keys:
        contract = ctx["contracts"][key]
        if contract.price_category not in HOURLY_CATEGORIES:
            continue
        if HourlyVolume.objects.filter(delivery_point__contract=contract).exists():
            continue
        with tempfile.TemporaryDirectory(prefix="demo-80020-") as folder:
            paths = write_80020_files(Path(folder), contract, key, first, last)
            call_command("import_80020", *map(str, paths), stdout=StringIO())
        stdout.write(
            f"Почасовые данные (макет 80020) договора № {contract.number}: {len(paths)} сут."
        )


def seed_scale(ctx: dict, today: dt.date, stdout) -> None:
    """One delivery point and M meters per benchmark contract, with monthly readings."""
    ids = ctx["scale_contract_ids"]
    per_contract = ctx["meters_per_contract"]
    months = ctx["history_months"]
    have = set(
        DeliveryPoint.objects.filter(contract_id__in=ids).values_list("contract_id", flat=True)
    )
    points = DeliveryPoint.objects.bulk_create(
        [
            DeliveryPoint(
                contract_id=cid,
                code=f"ТП-{cid}",
                address=f"г. Кемерово, ул. Тестовая, {cid}",
            )
            for cid in ids
            if cid not in have
        ],
        batch_size=5000,
    )
    meters = Meter.objects.bulk_create(
        [
            Meter(delivery_point=p, number=f"{p.contract_id:06d}{m:03d}", model="Меркурий 201.8",
                  coefficient=Decimal(1), digits=6)
            for p in points
            for m in range(1, per_contract + 1)
        ],
        batch_size=5000,
    )  # fmt: skip
    days = [month_end(today, -back) for back in range(months, 0, -1)]
    readings = (
        (meter.id, day, Decimal(1000 + i % 5000) + 150 * n, "import")
        for i, meter in enumerate(meters)
        for n, day in enumerate(days)
    )
    copy_rows(Reading, ["meter_id", "date", "value", "source"], readings)
    stdout.write(
        f"Приборов учета для нагрузки: {len(meters)}, показаний: {len(meters) * len(days)}."
    )
