from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from core.importing import ImportCommand, Row, RowError
from meters import imports
from meters.models import ZONES_BY_COUNT, DeliveryPoint, Meter, Reading


@dataclass
class MeterRow:
    contract_id: int
    point_code: str
    point_address: str
    number: str
    model: str
    coefficient: Decimal
    digits: int
    decimals: int
    zones: int
    last_date: object
    last_values: dict[str, Decimal]


class Command(ImportCommand):
    help = (
        "Загружает точки поставки и приборы учета из биллинга: CSV или XLSX со столбцами city, "
        "contract_number, point_code, point_address, meter_number, meter_model, coefficient, "
        "digits, zones, last_reading_date, last_reading_value (и необязательным decimals). "
        "У многотарифного прибора last_reading_value — значения зон через «/» в порядке "
        "день/ночь или пик/полупик/ночь. Существующие точки и приборы обновляются; повторная "
        "загрузка того же файла ничего не меняет. Сначала проверяются все строки: при ошибке "
        "ничего не записывается, код выхода ненулевой."
    )
    required_columns = (
        "city",
        "contract_number",
        "point_code",
        "point_address",
        "meter_number",
        "meter_model",
        "coefficient",
        "digits",
        "zones",
        "last_reading_date",
        "last_reading_value",
    )
    batch_size = 1000

    def prepare(self) -> None:
        self.branches = imports.branches()
        self.contracts = imports.contracts()
        self.today = timezone.localdate()

    def parse_row(self, row: Row) -> MeterRow:
        branch_id = imports.branch_of(row, self.branches)
        record = MeterRow(
            contract_id=imports.contract_of(row, branch_id, self.contracts),
            point_code=row.text("point_code", max_length=64),
            point_address=row.text("point_address", max_length=500),
            number=row.text("meter_number", max_length=64),
            model=row.text("meter_model", max_length=128),
            coefficient=self._coefficient(row),
            digits=row.integer("digits", minimum=1, maximum=12),
            decimals=row.integer("decimals", minimum=0, maximum=3)
            if row.text("decimals", required=False)
            else 0,
            zones=row.integer("zones", minimum=1, maximum=3),
            last_date=None,
            last_values={},
        )
        text = row.text("last_reading_value", required=False, max_length=200)
        has_date = bool(row.text("last_reading_date", required=False))
        if bool(text) != has_date:
            missing = "last_reading_value" if has_date else "last_reading_date"
            raise RowError(missing, "последнее показание — это дата и значение вместе")
        if text:
            record.last_date = imports.reading_date(row, "last_reading_date", self.today)
            parts = [part.strip() for part in text.split("/")]
            zones = ZONES_BY_COUNT[record.zones]
            if len(parts) != len(zones):
                raise RowError(
                    "last_reading_value",
                    f"ожидается значений: {len(zones)} (по числу зон, через «/»)",
                )
            for zone, part in zip(zones, parts, strict=True):
                record.last_values[zone] = imports.reading_value(
                    Row(row.line, {"last_reading_value": part}), "last_reading_value", record
                )
        return record

    def _coefficient(self, row: Row) -> Decimal:
        """A number, or a transformer ratio as written on its plate: 300/5 → 60."""
        text = row.text("coefficient", max_length=64)
        if "/" not in text:
            return row.decimal("coefficient", places=4, minimum=Decimal("0.0001"))
        primary, _, secondary = text.partition("/")
        parts = [Row(row.line, {"coefficient": part}) for part in (primary, secondary)]
        numbers = [
            part.decimal("coefficient", places=4, minimum=Decimal("0.0001")) for part in parts
        ]
        ratio = numbers[0] / numbers[1]
        if ratio != ratio.quantize(Decimal("0.0001")):
            raise RowError("coefficient", f"«{text}» дает больше 4 знаков после запятой")
        return ratio.quantize(Decimal("0.0001"))

    def key(self, record: MeterRow):
        return record.contract_id, record.point_code, record.number

    def write_batch(self, records: list[MeterRow]) -> Counter:
        counts = Counter()
        points = self._points(records)
        meters = {
            (m.delivery_point_id, m.number): m
            for m in Meter.objects.filter(delivery_point__in=points.values())
        }
        new, changed, states = [], [], []
        for record in records:
            point = points[(record.contract_id, record.point_code)]
            meter = meters.get((point.pk, record.number))
            fields = {
                "model": record.model,
                "coefficient": record.coefficient,
                "digits": record.digits,
                "decimals": record.decimals,
                "zones": record.zones,
            }
            if meter is None:
                meter = Meter(delivery_point=point, number=record.number, **fields)
                new.append(meter)
                states.append("created")
            elif any(getattr(meter, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(meter, name, value)
                changed.append(meter)
                states.append("updated")
            else:
                states.append("unchanged")
            meters[(point.pk, record.number)] = meter
        Meter.objects.bulk_create(new)
        Meter.objects.bulk_update(changed, ["model", "coefficient", "digits", "decimals", "zones"])
        touched = self._last_readings(records, points, meters)
        for index, state in enumerate(states):
            record = records[index]
            moved = (record.contract_id, record.point_code) in self.moved
            if state == "unchanged" and (index in touched or moved):
                state = "updated"
            counts[state] += 1
        return counts

    def _points(self, records: list[MeterRow]) -> dict[tuple[int, str], DeliveryPoint]:
        """The batch's delivery points, created or readdressed as the file says."""
        points = {
            (p.contract_id, p.code): p
            for p in DeliveryPoint.objects.filter(
                contract_id__in={r.contract_id for r in records},
                code__in={r.point_code for r in records},
            )
        }
        new, moved = [], []
        self.moved = set()
        for record in records:
            key = (record.contract_id, record.point_code)
            point = points.get(key)
            if point is None:
                point = DeliveryPoint(
                    contract_id=record.contract_id,
                    code=record.point_code,
                    address=record.point_address,
                )
                points[key] = point
                new.append(point)
            elif point.address != record.point_address and point.pk:
                point.address = record.point_address
                moved.append(point)
                self.moved.add(key)
        DeliveryPoint.objects.bulk_create(new)
        DeliveryPoint.objects.bulk_update(moved, ["address"])
        return points

    def _last_readings(self, records, points, meters) -> set[int]:
        """Store each row's last reading; the indexes of rows whose reading changed."""
        wanted = {}
        for index, record in enumerate(records):
            meter = meters[(points[(record.contract_id, record.point_code)].pk, record.number)]
            for zone, value in record.last_values.items():
                wanted[(meter.pk, record.last_date, zone)] = (index, value)
        if not wanted:
            return set()
        stored = {
            (r.meter_id, r.date, r.zone): r.value
            for r in Reading.objects.filter(
                meter_id__in={k[0] for k in wanted}, date__in={k[1] for k in wanted}
            )
        }
        touched, changed = set(), []
        for (meter_id, day, zone), (index, value) in wanted.items():
            if stored.get((meter_id, day, zone)) == value:
                continue
            touched.add(index)
            changed.append(
                Reading(meter_id=meter_id, date=day, zone=zone, value=value, source="import")
            )
        Reading.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["meter", "date", "zone"],
            update_fields=["value", "source", "status", "rollover", "submitted_by"],
        )
        return touched
