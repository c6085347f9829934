"""A worker killed with SIGKILL in the middle of an import leaves no half-imported file."""

import datetime as dt
import os
import signal
import subprocess
import time

import pytest

from tests.faults.conftest import PYTHON, ROOT, manage, production_env
from tests.faults.test_load import state

pytestmark = pytest.mark.faults


def writing_backends(cluster, database: str) -> int:
    """Backends of `database` inside a transaction that has written something."""
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", cluster.port, "-U", "postgres", "-d", "postgres", "-Atc",
         f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' "
         "AND backend_xid IS NOT NULL"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return int(out.strip() or 0)


def test_sigkill_during_import_readings_writes_nothing(cluster, tmp_path):
    database = "eskk_killed_import"
    env = production_env(cluster.fresh_database(database))
    manage(env, "migrate", "--noinput")
    manage(
        env,
        "seed_demo",
        "--allow-production",
        "--contracts",
        "200",
        "--meters-per-contract",
        "5",
        "--history-months",
        "1",
    )
    before = state(env, "reading-count")
    path = tmp_path / "readings.csv"
    today = dt.date.today()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("city;contract_number;meter_number;date;value\n")
        for contract, meter in state(env, "meter-list"):
            for day in range(300):
                date = today - dt.timedelta(days=299 - day)
                handle.write(f"Кемерово;{contract};{meter};{date:%d.%m.%Y};{100000 + day}\n")

    process = subprocess.Popen(
        [PYTHON, "manage.py", "import_readings", str(path)], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if writing_backends(cluster, database):
            break
        time.sleep(0.05)
    assert process.poll() is None, (
        "the import ended before it started writing: " + process.stderr.read().decode()
    )
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    time.sleep(1)  # PostgreSQL notices the lost client and rolls its transaction back
    assert state(env, "reading-count") == before
