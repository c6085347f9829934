from collections import Counter

from django.utils import timezone

from core.importing import ImportCommand, Row, RowError
from meters import imports
from meters.models import Reading


class Command(ImportCommand):
    help = (
        "Загружает показания из биллинга: CSV или XLSX со столбцами city, contract_number, "
        "meter_number, date, value и, для многотарифных приборов, zone (день, ночь, пик, полупик "
        "или D, N, P, H). Показание проверяется по правилам прибора учета (не отрицательное, не "
        "больше его разрядности и знаков после запятой), дата — не в будущем. Показание на ту же "
        "дату и зону заменяется; повторная загрузка того же файла ничего не меняет. Сначала "
        "проверяются все строки: при ошибке ничего не записывается, код выхода ненулевой."
    )
    required_columns = ("city", "contract_number", "meter_number", "date", "value")

    def prepare(self) -> None:
        self.branches = imports.branches()
        self.meters = imports.meters()
        self.today = timezone.localdate()

    def parse_row(self, row: Row) -> tuple[int, object, str, object]:
        branch_id = imports.branch_of(row, self.branches)
        contract = row.text("contract_number", max_length=32)
        number = row.text("meter_number", max_length=64)
        meter = self.meters.get((branch_id, contract, number))
        if meter is None:
            raise RowError("meter_number", f"прибора учета {number} нет в договоре {contract}")
        if meter == imports.AMBIGUOUS:
            raise RowError(
                "meter_number", f"в договоре {contract} несколько приборов учета с номером {number}"
            )
        day = imports.reading_date(row, "date", self.today)
        zone = imports.zone_of(row, meter.zone_codes, number)
        return meter.id, day, zone, imports.reading_value(row, "value", meter)

    def key(self, record) -> int:
        # One int, not a tuple: a million rows must fit in memory.
        meter_id, day, zone, _ = record
        return (meter_id << 23) | (day.toordinal() << 3) | imports.ZONE_INDEX[zone]

    def write_batch(self, records) -> Counter:
        counts = Counter()
        stored = {
            (meter_id, day, zone): value
            for meter_id, day, zone, value in Reading.objects.filter(
                meter_id__in={r[0] for r in records}, date__in={r[1] for r in records}
            ).values_list("meter_id", "date", "zone", "value")
        }
        changed = []
        for meter_id, day, zone, value in records:
            old = stored.get((meter_id, day, zone))
            if old is not None and old == value:
                counts["unchanged"] += 1
                continue
            counts["updated" if old is not None else "created"] += 1
            changed.append(
                Reading(
                    meter_id=meter_id,
                    date=day,
                    zone=zone,
                    value=value,
                    source=Reading.Source.IMPORT,
                    status=Reading.Status.ACCEPTED,
                )
            )
        # The billing system's value wins over one typed on the portal for the same date.
        Reading.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["meter", "date", "zone"],
            update_fields=["value", "source", "status", "rollover", "submitted_by"],
        )
        return counts
