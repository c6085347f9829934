"""import_readings against a plain PostgreSQL COPY of the same file, in one run.

Builds 1,000,000 reading rows for the benchmark contracts' meters (seed_demo
--contracts 10000 --meters-per-contract 5 gives 50,000 meters; 20 daily
readings each after the last monthly one), then times:
  1. `COPY` of the file into a bare table (the ceiling);
  2. `manage.py import_readings FILE` as a child process, with its peak memory
     (every row checked by the reading rules in Python, COPY of the checked rows
     into a temporary table, one INSERT … ON CONFLICT);
  3. the same file again (every row «без изменений»).
Run by `make bench` after bench/http_bench.py has seeded the data.
"""

import csv
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eskk_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from meters.models import Meter  # noqa: E402

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "1000000"))
DAYS = 20


def build_file(path: Path) -> int:
    meters = (
        Meter.objects.filter(delivery_point__contract__number__startswith="B")
        .values_list(
            "delivery_point__contract__branch__name", "delivery_point__contract__number", "number"
        )
        .order_by("id")
    )
    needed = ROWS // DAYS
    today = dt.date.today()
    days = [today - dt.timedelta(days=DAYS - 1 - n) for n in range(DAYS)]
    written = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["city", "contract_number", "meter_number", "date", "value"])
        for city, contract, number in meters[:needed].iterator(chunk_size=5000):
            for n, day in enumerate(days):
                writer.writerow([city, contract, number, day.strftime("%d.%m.%Y"), 900000 + n])
                written += 1
    return written


def copy_rate(path: Path, rows: int) -> float:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_readings")
        cursor.execute(
            "CREATE TABLE bench_bare_readings (city text, contract_number text, meter_number text, date text, value text)"
        )
    start = time.perf_counter()
    with connection.cursor() as cursor, open(path, "rb") as handle:
        sql = "COPY bench_bare_readings FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')"
        with cursor.copy(sql) as copy:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_bare_readings")
    return rows / seconds


def backend_cpu(pid: int) -> float:
    """CPU seconds a PostgreSQL backend on this machine has used (its /proc stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def import_rate(path: Path, rows: int) -> tuple[float, float, str]:
    """Rows per second of one run of the command, its peak memory (MB) and its summary.

    Also the CPU seconds of the command and of its database backend: on a busy
    machine (2 cores shared) the wall time says more about the neighbours.
    """
    name = f"bench-import-{time.monotonic_ns()}"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "manage.py", "import_readings", str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PGAPPNAME": name},
    )
    pid, database = None, 0.0
    with connection.cursor() as cursor:
        while child.poll() is None:
            if pid is None:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [name]
                )
                pid = (cursor.fetchone() or [None])[0]
            if pid is not None:
                database = max(database, backend_cpu(pid))
            time.sleep(0.05)
    seconds = time.perf_counter() - start
    out = child.stdout.read().strip()
    if child.returncode:
        raise SystemExit(f"import_readings failed: {out}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    python = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # The largest of the children so far: the runs are alike, the first writes the most.
    peak_mb = after.ru_maxrss / 1024
    return (
        rows / seconds,
        peak_mb,
        f"{seconds:.1f} s wall, CPU {python:.1f} s command + {database:.1f} s PostgreSQL: {out}",
    )


def main():
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "readings.csv"
        rows = build_file(path)
        print(
            f"\nimport benchmark: {rows} rows, {path.stat().st_size / 1e6:.0f} MB CSV", flush=True
        )
        copy = copy_rate(path, rows)
        imported, peak, first = import_rate(path, rows)
        again, peak, second = import_rate(path, rows)
    print(f"{'plain COPY into a bare table':34} {copy:12,.0f} rows/s")
    print(
        f"{'manage.py import_readings':34} {imported:12,.0f} rows/s  ({imported / copy:.0%} of COPY)"
        f"  {first}"
    )
    print(f"{'the same file again':34} {again:12,.0f} rows/s  {second}")
    print(f"{'import_readings peak memory':34} {peak:12,.0f} MB")


if __name__ == "__main__":
    main()
