"""Fault tests drive a real gunicorn against a real PostgreSQL cluster that they
may stop and start. They run only with `make test-faults` (CI runs it after
`make test`), on the throwaway cluster of .ci/pg.sh; never against a database
anyone else is using.
"""

import logging
import os
import re
import secrets
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from conftest import in_ci

# One line per request would drown the test's own output.
logging.getLogger("httpx").setLevel(logging.WARNING)

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv/bin/python")


def _cluster():
    needed = ("PG_BIN", "PGDATA", "PGPORT")
    if all(os.environ.get(k) for k in needed):
        return {k: os.environ[k] for k in needed}
    if in_ci():
        pytest.fail("fault tests need the throwaway cluster of .ci/pg.sh (PG_BIN, PGDATA, PGPORT)")
    pytest.skip("fault tests need a throwaway PostgreSQL cluster: run `make test-faults`")


class Cluster:
    def __init__(self, env):
        self.bin, self.data, self.port = env["PG_BIN"], env["PGDATA"], env["PGPORT"]

    def pg_ctl(self, *args):
        command = f"{self.bin}/pg_ctl -D {self.data} " + " ".join(args)
        subprocess.run(["su", "postgres", "-c", command], check=True, capture_output=True)

    def stop(self):
        self.pg_ctl("-m", "fast", "-w", "stop")

    def start(self):
        self.pg_ctl("-w", "-l", f"{self.data}/log", "start")

    def psql(self, sql, db="postgres"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "-d", db, "-qc", sql],
            check=True,
            capture_output=True,
        )

    def url(self, db):
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def fresh_database(self, name):
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(scope="session")
def cluster():
    return Cluster(_cluster())


def production_env(database_url: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CAPTCHA_TEST_MODE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        PORTAL_BASE_URL="http://127.0.0.1",
        # No fault test pays by card; production refuses to start without a bank's settings.
        PAYMENT_GATEWAY_URL="http://127.0.0.1:9/",
        PAYMENT_NOTIFICATION_URL="http://127.0.0.1/cabinet/payments/notify/",
        PAYMENT_TERMINAL_KEY="FaultsTerminal",
        PAYMENT_SECRET=secrets.token_urlsafe(24),
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="0",
    )
    return env


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Portal:
    """gunicorn serving the portal with production settings on loopback."""

    def __init__(self, env, workers=2):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        manage(env, "collectstatic", "--noinput", "-v0")
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "eskk_portal.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--timeout", "30", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        self.wait_until(lambda r: r.status_code == 200, "/healthz/")

    def wait_until(self, ok, path, seconds=30):
        deadline = time.monotonic() + seconds
        last = None
        while time.monotonic() < deadline:
            try:
                last = httpx.get(self.base + path, timeout=5)
                if ok(last):
                    return last
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"{path} did not become ready: {last and last.status_code}")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def log_in(base: str, branch_label: str, number: str, password: str) -> httpx.Client:
    """Log in through the real form (CSRF token and all), as a browser would."""
    client = httpx.Client(base_url=base, timeout=10, follow_redirects=False)
    page = client.get("/accounts/login/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    branch = re.search(rf'value="(\d+)"[^>]*>\s*{re.escape(branch_label)}', page)
    if branch is None:
        branch = re.search(
            rf'<input[^>]+value="(\d+)"[^>]*id="[^"]+"[^>]*>\s*{re.escape(branch_label)}', page
        )
    response = client.post(
        "/accounts/login/",
        data={"csrfmiddlewaretoken": token, "branch": branch.group(1), "contract_number": number,
              "password": password},
        headers={"Referer": base + "/accounts/login/"},
    )  # fmt: skip
    assert response.status_code == 302, response.text[:500]
    return client
