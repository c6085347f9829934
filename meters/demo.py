"""Demo delivery points, meters and readings, including the seed's meter 108008060."""

import datetime as dt
from decimal import Decimal

from core.bulk import copy_rows
from core.dates import month_end
from meters.models import ZONES_BY_COUNT, DeliveryPoint, Meter, Reading

# (contract key, point code, address, voltage, [(number, model, coefficient, digits, zones, automatic, last value)])
DEMO_POINTS = (
    (("kemerovo", "1001"), "ТП-1001-1", "Кемеровская обл., г. Кемерово, ул. Мира, 1", "НН",
     [("108008060", "СКАТ 101Э/1-3 ШР1", Decimal("1"), 6, 1, False, Decimal("36156"))]),
    (("kemerovo", "2002"), "ТП-2002-1", "Кемеровская обл., г. Кемерово, ул. Островского, 32, цех № 1", "СН2",
     [("011075123", "Меркурий 230 ART-03", Decimal("60"), 6, 3, False, Decimal("48210")),
      ("011075124", "Меркурий 230 ART-03", Decimal("60"), 6, 1, False, Decimal("15733"))]),
    (("kemerovo", "2002"), "ТП-2002-2", "Кемеровская обл., г. Кемерово, ул. Островского, 32, котельная", "СН2",
     [("0804150977", "СЭТ-4ТМ.03М", Decimal("120"), 8, 1, True, Decimal("1203345"))]),
    (("berezovsky", "0001с"), "ТП-0001с-1", "Кемеровская обл., г. Березовский, пр-кт Ленина, 14", "НН",
     [("36125481", "Нева МТ 124", Decimal("1"), 6, 2, False, Decimal("20450"))]),
)  # fmt: skip

DEMO_MONTHS = 12


def _history(meter: Meter, last_value: Decimal, today: dt.date, months: int) -> list[Reading]:
    """End-of-month readings ending with `last_value` at the end of last month."""
    readings = []
    zones = ZONES_BY_COUNT[meter.zones]
    for back in range(months, 0, -1):
        day = month_end(today, -back)
        for position, zone in enumerate(zones):
            step = Decimal(300 + position * 50)
            value = max(Decimal(0), last_value - step * (back - 1) - position * 1000)
            readings.append(
                Reading(
                    meter=meter,
                    date=day,
                    zone=zone,
                    value=value,
                    source=Reading.Source.IMPORT,
                )
            )
    return readings


def seed(ctx: dict, stdout) -> None:
    today = dt.date.today()
    for key, code, address, voltage, meters in DEMO_POINTS:
        contract = ctx["contracts"][key]
        point, _ = DeliveryPoint.objects.get_or_create(
            contract=contract,
            code=code,
            defaults={"address": address, "voltage_level": voltage},
        )
        for number, model, coefficient, digits, zones, automatic, last in meters:
            meter, created = Meter.objects.get_or_create(
                delivery_point=point,
                number=number,
                defaults=dict(model=model, coefficient=coefficient, digits=digits, zones=zones,
                              is_automatic=automatic),
            )  # fmt: skip
            if created:
                Reading.objects.bulk_create(_history(meter, last, today, DEMO_MONTHS))
    if ctx.get("scale_contract_ids"):
        seed_scale(ctx, today, stdout)


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
