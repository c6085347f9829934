"""What the import benchmarks share: a child command measured alone, and the load average.

Not a benchmark itself (bench/run runs `bench_*.py`). The machine is shared, so
each figure comes with the load average and the CPU seconds of the command and
of its PostgreSQL backend (wall time says more about the neighbours).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, as `uptime` prints them."""
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def backend_cpu(pid: int) -> float:
    """CPU seconds a PostgreSQL backend on this machine has used (its /proc stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_backend_cpu() -> float:
    """CPU seconds used so far by this process's own PostgreSQL backend (for the ceiling)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return backend_cpu(cursor.fetchone()[0])


def timed_copy(sql: str, chunks) -> tuple[float, float]:
    """Wall seconds and backend CPU seconds of one `COPY … FROM STDIN` of `chunks` (bytes)
    in its own transaction, commit included: the ceiling of an import."""
    from django.db import transaction

    cpu = own_backend_cpu()
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor, cursor.copy(sql) as copy:
        for chunk in chunks:
            copy.write(chunk)
    return time.perf_counter() - start, own_backend_cpu() - cpu


def peak_rss_mb(pid: int) -> float:
    """The high-water mark of a process's resident memory (VmHWM), in MB; 0 once it is gone.

    Not the rusage of wait4: Linux keeps a child's ru_maxrss across exec, so a child of
    a big benchmark process would report the benchmark's own size.
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class Run:
    seconds: float
    command_cpu: float
    database_cpu: float
    peak_mb: float
    output: str

    def describe(self) -> str:
        return (
            f"{self.seconds:.1f} s wall, CPU {self.command_cpu:.1f} s command + "
            f"{self.database_cpu:.1f} s PostgreSQL, peak RSS {self.peak_mb:.0f} MB"
        )


def run_command(*args: str) -> Run:
    """`manage.py ARGS` as a child process, start-up included; its own CPU (wait4).

    The backend's CPU is read from /proc while the child runs (found by its
    application name), so the bench must run on the database's machine.
    """
    name = f"bench-import-{time.monotonic_ns()}"
    # Files, not pipes: nobody reads a pipe while the child runs (1,000 error lines fill one).
    out_file, err_file = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        stdout=out_file,
        stderr=err_file,
        env={**os.environ, "PGAPPNAME": name},
    )
    backend, database, peak = None, 0.0, 0.0
    with connection.cursor() as cursor:
        while True:
            peak = max(peak, peak_rss_mb(child.pid))
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if backend is None:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [name]
                )
                backend = (cursor.fetchone() or [None])[0]
            if backend is not None:
                database = max(database, backend_cpu(backend))
            time.sleep(0.05)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    out_file.seek(0)
    err_file.seek(0)
    out, err = out_file.read(), err_file.read()
    if child.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed: {out}{err[-4000:]}")
    return Run(
        seconds=seconds,
        command_cpu=usage.ru_utime + usage.ru_stime,
        database_cpu=database,
        peak_mb=peak,
        output=out.strip().splitlines()[-1] if out.strip() else "",
    )
