"""`manage.py import_readings FILE`: the billing system's readings, checked like a customer's.

One path on every database: each row is parsed and checked by the reading form's
own functions (`parse_value`, `value_error`, `zone_error`, `date_error` of
meters/readings.py, through meters/imports.py) while the file is streamed, and
each checked row is handed on at once, inside one transaction: on PostgreSQL in
chunks, each merged by one `INSERT … ON CONFLICT … DO UPDATE` sent in pipeline
mode, so that the database writes one chunk while the next is being checked;
elsewhere by `bulk_create(update_conflicts=True)` in batches. Any bad row rolls
the whole transaction back, so nothing is written.
"""

from collections import Counter

from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from core.importing import MAX_ERRORS_SHOWN, ImportCommand, Row, RowError
from meters import imports
from meters.models import Reading

# Rows a PostgreSQL merge takes at once: big enough that a statement's own cost is
# small, small enough that the database starts early and the lists stay small.
CHUNK_ROWS = 10_000
# A value equal to the stored one is left alone (unchanged); the billing system's
# value wins over one typed on the portal for the same date and zone, and is never
# a rollover: a lower value from billing is a correction. The chunk comes as four
# arrays in their text form, built by a join (≈1 µs a row): psycopg's adapters of
# Python lists cost ≈5 µs a row, half the row's checks.
MERGE_SQL = """
WITH written AS (
    INSERT INTO meters_reading
        (meter_id, date, zone, value, source, status, rollover, submitted_by_id, created_at)
    SELECT meter_id, date, zone, value, %s, %s, false, NULL, now()
    FROM unnest(%s::bigint[], %s::date[], %s::varchar[], %s::numeric[])
        AS chunk (meter_id, date, zone, value)
    ON CONFLICT (meter_id, date, zone) DO UPDATE SET
        value = EXCLUDED.value, source = EXCLUDED.source, status = EXCLUDED.status,
        rollover = false, submitted_by_id = NULL
    WHERE meters_reading.value IS DISTINCT FROM EXCLUDED.value
    RETURNING xmax = 0 AS created
)
SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM written
"""


def array_text(values) -> str:
    """`{1,2,3}`: a PostgreSQL array literal of ids, ISO dates, zone codes or plain numbers."""
    return "{" + ",".join(map(str, values)) + "}"


class Command(ImportCommand):
    help = (
        "Загружает показания из биллинга: CSV или XLSX со столбцами city, contract_number, "
        "meter_number, date, value и, для многотарифных приборов, zone (день, ночь, пик, полупик "
        "или D, N, P, H). Каждая строка проверяется по тем же правилам, что и показание в "
        "личном кабинете: не отрицательное, не больше разрядности прибора учета и его знаков "
        "после запятой, зона есть у прибора, дата не в будущем. Показание ниже предыдущего — "
        "корректировка биллинга, а не переход через ноль. Показание на ту же дату и зону "
        "заменяется; повторная загрузка того же файла ничего не меняет. Файл читается потоком, "
        "проверенные строки записываются в одной транзакции; при любой ошибке ничего не "
        "записывается, код выхода ненулевой."
    )
    required_columns = ("city", "contract_number", "meter_number", "date", "value")

    def prepare(self) -> None:
        self.branches = imports.branches()
        self.meters = imports.meters()
        self.today = timezone.localdate()
        # A file repeats few dates: each text is parsed and checked once.
        self.dates: dict[object, object] = {}
        self.named: dict[tuple, object] = {}
        # Where a checked row goes at once (None on a dry run: only checked).
        self.accept = None

    def parse_row(self, row: Row) -> tuple[int, object, str, object]:
        meter, number = self._meter(row)
        day = self._date(row)
        zone = imports.zone_of(row, meter, number)
        return meter.id, day, zone, imports.reading_value(row, "value", meter)

    def accepted(self, record) -> None:
        if self.accept is not None:
            self.accept(record)

    def _meter(self, row: Row) -> tuple[imports.MeterSpec, str]:
        # A file names each meter on many rows: its city, contract and number are
        # looked up once per spelling.
        values = row.values
        texts = (values.get("city"), values.get("contract_number"), values.get("meter_number"))
        found = self.named.get(texts)
        if found is None:
            try:
                found = self._look_up_meter(row)
            except RowError as error:
                found = error
            self.named[texts] = found
        if isinstance(found, RowError):
            raise found
        return found

    def _look_up_meter(self, row: Row) -> tuple[imports.MeterSpec, str]:
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
        return meter, number

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
        path, dry_run = options["file"], options["dry_run"]
        self.prepare()
        with transaction.atomic():
            if dry_run:
                issues, total = self._validate(path)
            elif connection.vendor == "postgresql":
                issues, total, counts = self._by_pipeline(path)
            else:
                issues, total, counts = self._by_batches(path)
            if issues:
                # Raised inside the transaction: whatever was handed on is rolled back.
                for issue in issues[:MAX_ERRORS_SHOWN]:
                    self.stderr.write(str(issue))
                if len(issues) > MAX_ERRORS_SHOWN:
                    self.stderr.write(f"… и еще {len(issues) - MAX_ERRORS_SHOWN} ошибок")
                raise CommandError(
                    f"Строк с ошибками: {len(issues)} из {total}. Ничего не записано."
                )
        if dry_run:
            self.stdout.write(
                f"Проверено строк: {total}, ошибок нет. Ничего не записано (--dry-run)."
            )
            return
        self.stdout.write(
            f"Создано: {counts['created']}, обновлено: {counts['updated']}, "
            f"без изменений: {total - counts['created'] - counts['updated']}, отклонено: 0."
        )

    def _by_pipeline(self, path: str) -> tuple[list, int, Counter]:
        """PostgreSQL: each chunk of checked rows merged by one statement, sent in pipeline mode.

        A chunk's statement is sent without waiting for it, so the database merges one
        chunk while the next one is read and checked. Before the next is sent, the one in
        flight is waited for: when the database is the slower, the file does not pile up
        in the connection's buffer (memory stays flat).
        """
        chunk: list = []
        counts = Counter(created=0, updated=0)
        in_flight = []
        connection.ensure_connection()
        database = connection.connection  # Django's psycopg connection, in its transaction
        params = [Reading.Source.IMPORT, Reading.Status.ACCEPTED]

        def wait(pipeline) -> None:
            pipeline.sync()
            for cursor in in_flight:
                created, updated = cursor.fetchone()
                counts.update(created=created, updated=updated)
                cursor.close()
            in_flight.clear()

        with database.pipeline() as pipeline:

            def send() -> None:
                wait(pipeline)
                cursor = database.cursor()
                cursor.execute(
                    MERGE_SQL, params + [array_text(c) for c in zip(*chunk, strict=True)]
                )
                in_flight.append(cursor)
                chunk.clear()

            def accept(record) -> None:
                chunk.append(record)
                if len(chunk) >= CHUNK_ROWS:
                    send()

            # The same foreign-key checks, each at the end of its chunk's statement instead of
            # all at the commit: they run while the next chunk is checked, not after the file.
            database.execute("SET CONSTRAINTS ALL IMMEDIATE")
            issues, total = self._validate_into(path, accept)
            if chunk and not issues:
                send()
            wait(pipeline)
        return issues, total, counts

    def _validate_into(self, path: str, accept) -> tuple[list, int]:
        """`_validate`, each checked row handed to `accept` while the file streams."""
        self.accept = accept
        try:
            return self._validate(path)
        finally:
            self.accept = None

    def _by_batches(self, path: str) -> tuple[list, int, Counter]:
        """Other databases (SQLite): each batch of checked rows by `bulk_create` as it fills."""
        counts: Counter = Counter(created=0, updated=0)
        batch: list = []

        def accept(record) -> None:
            batch.append(record)
            if len(batch) >= self.batch_size:
                counts.update(self.write_batch(batch))
                batch.clear()

        issues, total = self._validate_into(path, accept)
        if batch and not issues:
            counts.update(self.write_batch(batch))
        return issues, total, counts

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
                    rollover=False,
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
