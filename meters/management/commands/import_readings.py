from collections import Counter

from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from core.importing import MAX_ERRORS_SHOWN, ImportCommand, Row, RowError
from meters import copy_import, imports
from meters.models import Reading

# PostgreSQL: the checked rows go by COPY into a temporary table, then one statement
# merges them. A value equal to the stored one is left alone (unchanged); the billing
# system's value wins over one typed on the portal for the same date and zone.
MERGE_SQL = """
WITH written AS (
    INSERT INTO meters_reading
        (meter_id, date, zone, value, source, status, rollover, submitted_by_id, created_at)
    SELECT meter_id, date, zone, value, %s, %s, false, NULL, now() FROM import_readings
    ON CONFLICT (meter_id, date, zone) DO UPDATE SET
        value = EXCLUDED.value, source = EXCLUDED.source, status = EXCLUDED.status,
        rollover = false, submitted_by_id = NULL
    WHERE meters_reading.value IS DISTINCT FROM EXCLUDED.value
    RETURNING xmax = 0 AS created
)
SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM written
"""


class Command(ImportCommand):
    help = (
        "Загружает показания из биллинга: CSV или XLSX со столбцами city, contract_number, "
        "meter_number, date, value и, для многотарифных приборов, zone (день, ночь, пик, полупик "
        "или D, N, P, H). Показание проверяется по правилам прибора учета (не отрицательное, не "
        "больше его разрядности и знаков после запятой), дата — не в будущем. Показание на ту же "
        "дату и зону заменяется; повторная загрузка того же файла ничего не меняет. Сначала "
        "проверяются все строки: при ошибке ничего не записывается, код выхода ненулевой. "
        "На PostgreSQL файл CSV сначала загружается целиком и проверяется в базе; если что-то "
        "не так, файл проверяется по строкам, с сообщением о каждой ошибке."
    )
    required_columns = ("city", "contract_number", "meter_number", "date", "value")
    copy = None  # the open COPY of the PostgreSQL path while the file is checked
    fast_path_taken = False  # the file went by copy_import, checked in SQL

    def prepare(self) -> None:
        self.branches = imports.branches()
        self.meters = imports.meters()
        self.today = timezone.localdate()
        # A file repeats few dates: each text is parsed and checked once.
        self.dates: dict[object, object] = {}

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
        day = self._date(row)
        zone = imports.zone_of(row, meter.zone_codes, number)
        record = meter.id, day, zone, imports.reading_value(row, "value", meter)
        if self.copy is not None:
            self.copy.write_row(record)
        return record

    def _date(self, row: Row):
        raw = row.raw("date")
        if not isinstance(raw, str):
            return imports.reading_date(row, "date", self.today)
        found = self.dates.get(raw)
        if found is None:
            try:
                found = imports.reading_date(row, "date", self.today)
            except RowError as error:
                found = error
            self.dates[raw] = found
        if isinstance(found, RowError):
            raise found
        return found

    def key(self, record) -> int:
        # One int, not a tuple: a million rows must fit in memory.
        meter_id, day, zone, _ = record
        return (meter_id << 23) | (day.toordinal() << 3) | imports.ZONE_INDEX[zone]

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            return super().handle(*args, **options)
        path, dry_run = options["file"], options["dry_run"]
        self.verbosity = options["verbosity"]
        try:
            result = copy_import.run(path, self.required_columns, dry_run=dry_run)
        except copy_import.NotHandled as why:
            # Not sure of the file, or a row is bad: the rows are checked one by one,
            # which names each bad one.
            if self.verbosity >= 2:
                self.stdout.write(f"Быстрая загрузка не подошла ({why}): проверка по строкам.")
            return self._handle_by_copy(path, dry_run)
        self.fast_path_taken = True
        if self.verbosity >= 2:
            seconds = result.seconds
            self.stdout.write(
                f"Быстрая загрузка: COPY файла {seconds['copy']:.2f} с, "
                f"проверки {seconds['checks']:.2f} с, запись {seconds.get('insert', 0):.2f} с, "
                f"фиксация {seconds['commit']:.2f} с."
            )
        if dry_run:
            self.stdout.write(
                f"Проверено строк: {result.total}, ошибок нет. Ничего не записано (--dry-run)."
            )
            return
        self.stdout.write(
            f"Создано: {result.created}, обновлено: {result.updated}, "
            f"без изменений: {result.total - result.created - result.updated}, отклонено: 0."
        )

    def _handle_by_copy(self, path: str, dry_run: bool) -> None:
        """One pass over the file: check each row and COPY it; merge only if all are good."""
        self.prepare()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TEMPORARY TABLE import_readings (meter_id bigint, date date, "
                    "zone varchar(1), value numeric(15, 3)) ON COMMIT DROP"
                )
                with cursor.copy(
                    "COPY import_readings (meter_id, date, zone, value) FROM STDIN"
                ) as copy:
                    self.copy = copy
                    try:
                        issues, total = self._validate(path)
                    finally:
                        self.copy = None
                if issues:
                    for issue in issues[:MAX_ERRORS_SHOWN]:
                        self.stderr.write(str(issue))
                    if len(issues) > MAX_ERRORS_SHOWN:
                        self.stderr.write(f"… и еще {len(issues) - MAX_ERRORS_SHOWN} ошибок")
                    raise CommandError(
                        f"Строк с ошибками: {len(issues)} из {total}. Ничего не записано."
                    )
                if dry_run:
                    transaction.set_rollback(True)
                    self.stdout.write(
                        f"Проверено строк: {total}, ошибок нет. Ничего не записано (--dry-run)."
                    )
                    return
                cursor.execute(MERGE_SQL, [Reading.Source.IMPORT, Reading.Status.ACCEPTED])
                created, updated = cursor.fetchone()
                cursor.execute("DROP TABLE import_readings")
        self.stdout.write(
            f"Создано: {created}, обновлено: {updated}, "
            f"без изменений: {total - created - updated}, отклонено: 0."
        )

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
