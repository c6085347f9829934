"""200 logged-in customers for 60 s on gunicorn + PostgreSQL, submitting readings and
opening pages: no 5xx, and every reading that got a success page is in the database."""

import datetime as dt
import json
import os
import re
import subprocess
import threading
import time
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.faults.conftest import PYTHON, ROOT, Portal, manage, production_env

pytestmark = pytest.mark.faults

SESSIONS = int(os.environ.get("LOAD_SESSIONS", "200"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def state(env, *args):
    out = subprocess.run(
        [PYTHON, "-m", "tests.faults.portal_state", *args],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def customer(base, session, deadline, today, results, lock):
    """One customer: open the readings page, submit a growing value, open the account."""
    meter, last = session["meter"], int(float(session["last"]))
    client = httpx.Client(base_url=base, timeout=60, cookies={"sessionid": session["cookie"]})
    statuses, accepted, step = [], None, 0
    try:
        while time.monotonic() < deadline:
            page = client.get(f"/cabinet/readings/?meter={meter}")
            statuses.append(page.status_code)
            token = TOKEN.search(page.text)
            if token is None:
                continue
            step += 1
            value = last + step
            answer = client.post(
                f"/cabinet/readings/meter/{meter}/submit/",
                data={"csrfmiddlewaretoken": token.group(1), "date": today.isoformat(),
                      "value_T": str(value)},
                headers={"Referer": f"{base}/cabinet/readings/"},
            )  # fmt: skip
            statuses.append(answer.status_code)
            if (
                answer.status_code == 302
                and "/cabinet/readings/meter/" in answer.headers["location"]
            ):
                accepted = value
            statuses.append(client.get("/cabinet/account/").status_code)
    finally:
        client.close()
        with lock:
            results.append((meter, accepted, statuses))


def test_200_customers_for_60_seconds_get_no_5xx_and_every_accepted_reading_is_stored(cluster):
    env = production_env(cluster.fresh_database("eskk_load"))
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--allow-production", "--contracts", str(SESSIONS), "--meters-per-contract", "1",
           "--history-months", "3")  # fmt: skip
    sessions = state(env, "sessions", str(SESSIONS))
    assert len(sessions) == SESSIONS
    today = dt.datetime.now(ZoneInfo("Asia/Novokuznetsk")).date()
    portal = Portal(env, workers=4)
    results, lock = [], threading.Lock()
    try:
        deadline = time.monotonic() + SECONDS
        threads = [
            threading.Thread(target=customer, args=(portal.base, s, deadline, today, results, lock))
            for s in sessions
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 180)
    finally:
        portal.stop()
    statuses = [code for _, _, codes in results for code in codes]
    server_errors = [code for code in statuses if code >= 500]
    accepted = {str(meter): value for meter, value, _ in results if value is not None}
    stored = state(env, "readings-today")
    print(f"\n{len(statuses)} requests, {len(accepted)} meters with accepted readings, "
          f"{len(server_errors)} server errors")  # fmt: skip
    assert len(results) == SESSIONS
    assert server_errors == []
    assert accepted, "no reading was accepted at all"
    assert {m: str(v) for m, v in accepted.items()} == {
        m: str(int(float(v))) for m, v in stored.items()
    }
