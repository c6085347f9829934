"""import_readings against its table's own limit: a COPY of the same rows into meters_reading.

Builds 1,000,000 reading rows for the benchmark contracts' meters (seed_demo
--contracts 10000 --meters-per-contract 5 gives 50,000 meters; 20 daily readings
each, on the last days that hold no stored reading, so every row is new), then:
  1. the ceiling: the same rows already resolved to meter ids (meter_id, date,
     zone, value, source, status, rollover, created_at) by one `COPY` straight
     into `meters_reading`, with its primary key, unique (meter, date, zone)
     index, check and deferred foreign keys, in one transaction, the commit (and
     so the foreign-key checks) included; then deleted and the table vacuumed, so
     that the import sees the table it would have seen;
  2. `manage.py import_readings FILE` as a child process, start-up included: every
     row checked by the reading form's functions in Python, COPY of the checked
     rows into a temporary table, one INSERT … ON CONFLICT; its rate against the
     ceiling, its own peak RSS (VmHWM), CPU seconds of the command and of its
     PostgreSQL backend;
  3. the same file again (every row «без изменений»).
Each figure is printed with the load average (the machine's 2 cores are shared).
The imported rows are deleted afterwards (`--keep` leaves them). Run by `make bench`
after bench/http_bench.py has seeded the data; prints figures, asserts nothing. Targets (issues 16, 22): ≥ 50 % of the ceiling, < 300 MB, < 30 s.
"""

import csv
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eskk_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from bench.measure import load_average, run_command, timed_copy  # noqa: E402
from meters.models import Meter, Reading  # noqa: E402

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "1000000"))
DAYS = 20
# The ceiling's rows are told apart by this creation time, to be deleted after.
CEILING_MARK = "2000-01-01 00:00:00+00"
CEILING_COPY = (
    "COPY meters_reading (meter_id, date, zone, value, source, status, rollover, created_at) "
    "FROM STDIN"
)


def free_days() -> list[dt.date]:
    """The last DAYS days up to today that are no month's end: seed_demo stores those."""
    days, day = [], dt.date.today()
    while len(days) < DAYS:
        if (day + dt.timedelta(days=1)).day != 1:
            days.append(day)
        day -= dt.timedelta(days=1)
    return sorted(days)


def build_files(path: Path, resolved: Path) -> int:
    """The operator's CSV and, for the ceiling, the same rows resolved (COPY text format)."""
    meters = (
        Meter.objects.filter(delivery_point__contract__number__startswith="B")
        .values_list(
            "id",
            "delivery_point__contract__branch__name",
            "delivery_point__contract__number",
            "number",
        )
        .order_by("id")
    )
    days = free_days()
    written = 0
    source, status = Reading.Source.IMPORT, Reading.Status.ACCEPTED
    with (
        open(path, "w", newline="", encoding="utf-8") as handle,
        open(resolved, "w", encoding="utf-8") as copy,
    ):
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["city", "contract_number", "meter_number", "date", "value"])
        for meter_id, city, contract, number in meters[: ROWS // DAYS].iterator(chunk_size=5000):
            for n, day in enumerate(days):
                value = 900000 + n
                writer.writerow([city, contract, number, day.strftime("%d.%m.%Y"), value])
                copy.write(
                    f"{meter_id}\t{day}\tT\t{value}\t{source}\t{status}\tf\t{CEILING_MARK}\n"
                )
                written += 1
    return written


def ceiling(resolved: Path, rows: int) -> tuple[float, float, float]:
    """Rows/s and seconds of the resolved rows' COPY into meters_reading, commit included."""
    with open(resolved, "rb") as handle:
        seconds, cpu = timed_copy(CEILING_COPY, iter(lambda: handle.read(1 << 20), b""))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM meters_reading WHERE created_at = %s", [CEILING_MARK])
        if cursor.rowcount != rows:
            raise SystemExit(f"the ceiling wrote {cursor.rowcount} rows, not {rows}")
        cursor.execute("VACUUM ANALYZE meters_reading")
    return rows / seconds, seconds, cpu


def main():
    with tempfile.TemporaryDirectory() as folder:
        path, resolved = Path(folder) / "readings.csv", Path(folder) / "resolved.tsv"
        rows = build_files(path, resolved)
        print(
            f"\nimport_readings benchmark: {rows} rows, {path.stat().st_size / 1e6:.0f} MB CSV",
            flush=True,
        )
        load = load_average()
        rate, seconds, cpu = ceiling(resolved, rows)
        print(
            f"{'ceiling: COPY into meters_reading':38} {rate:10,.0f} rows/s  "
            f"{seconds:.1f} s (commit included), CPU {cpu:.1f} s PostgreSQL  | {load}",
            flush=True,
        )
        for label in ("manage.py import_readings", "the same file again"):
            load = load_average()
            run = run_command("import_readings", str(path))
            print(
                f"{label:38} {rows / run.seconds:10,.0f} rows/s  ({rows / run.seconds / rate:.0%} "
                f"of the ceiling)  {run.describe()}  | {load}  | {run.output}",
                flush=True,
            )
    if "--keep" not in sys.argv:
        # The imported rows go too, so that the next run starts from the seeded table.
        with connection.cursor() as cursor:
            # Statistics first: taken before the import, they see no rows on these days and
            # the planner then joins the million rows by nested loops (minutes, not seconds).
            cursor.execute("ANALYZE meters_reading")
            cursor.execute(
                "DELETE FROM meters_reading r USING meters_meter m, meters_deliverypoint p, "
                "billing_contract c WHERE r.meter_id = m.id AND m.delivery_point_id = p.id "
                "AND p.contract_id = c.id AND c.number LIKE 'B%%' AND r.source = %s "
                "AND r.date = ANY(%s)",
                [Reading.Source.IMPORT, free_days()],
            )
            cursor.execute("VACUUM ANALYZE meters_reading")


if __name__ == "__main__":
    main()
