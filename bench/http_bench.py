"""HTTP benchmark: cabinet pages against a bare view, under gunicorn, with wrk.

Run through `make bench` (bench/run), which provides a throwaway PostgreSQL and
production settings. Steps: migrate, seed 10,000 contracts × 5 meters × 24
months, give one contract 500 meters, start gunicorn on loopback, open a
logged-in session, and drive each page with wrk at 16 connections.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eskk_portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"

# (label, path) — the pages a customer opens most on a busy day.
PAGES = [
    ("bare view (ceiling)", "/healthz/"),
    ("Лицевой счет", "/cabinet/account/"),
    ("Передача показаний, 500 meters", "/cabinet/readings/"),
    ("Мои платежи", "/cabinet/payments/history/"),
    ("Счет фактура list", "/cabinet/documents/vat-invoices/"),
    ("Акт сверки, 12 months", "/cabinet/documents/reconciliation/?{reconciliation_query}"),
]


def timed(label, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label}: {time.perf_counter() - start:.1f} s", flush=True)
    return result


def seed(contracts: int, meters: int, months: int):
    call_command("migrate", verbosity=0)
    timed(
        f"seed_demo --contracts {contracts} --meters-per-contract {meters} --history-months {months}",
        lambda: call_command(
            "seed_demo",
            contracts=contracts,
            meters_per_contract=meters,
            history_months=months,
            allow_production=True,  # the benchmark runs with production settings on purpose
            stdout=open(os.devnull, "w"),
        ),
    )


def big_contract(meter_count: int):
    """The demo contract 2002 gets `meter_count` meters with 24 months of readings."""
    import datetime as dt
    from decimal import Decimal

    from billing.models import Contract
    from core.dates import month_end
    from meters.models import DeliveryPoint, Meter, Reading

    contract = Contract.objects.get(branch__code="kemerovo", number="2002")
    have = Meter.objects.filter(delivery_point__contract=contract).count()
    if have < meter_count:
        points = [
            DeliveryPoint.objects.get_or_create(
                contract=contract,
                code=f"ТП-BENCH-{p}",
                defaults={"address": f"г. Кемерово, цех {p}"},
            )[0]
            for p in range(10)
        ]
        new = Meter.objects.bulk_create(
            [
                Meter(
                    delivery_point=points[i % 10],
                    number=f"BENCH{i:05d}",
                    model="Меркурий 234",
                    digits=6,
                )
                for i in range(meter_count - have)
            ]
        )
        today = dt.date.today()
        days = [month_end(today, -b) for b in range(24, 0, -1)]
        Reading.objects.bulk_create(
            [
                Reading(meter=m, date=d, value=Decimal(100 * n), source="import")
                for m in new
                for n, d in enumerate(days)
            ],
            batch_size=10000,
        )
    return contract


def logged_in(user) -> dict:
    """A session's data for `user`, as login() would store it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    return {
        SESSION_KEY: str(user.pk),
        BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[-1],
        HASH_SESSION_KEY: user.get_session_auth_hash(),
        # No idle expiry mid-run.
        "started": int(time.time()) + 3600,
        "last_seen": int(time.time()) + 3600,
    }


def session_for(contract) -> str:
    """A logged-in session cookie for the contract's portal user."""
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User, login_name
    from accounts.organisations import open_organisation

    user, _ = User.objects.get_or_create(
        username=login_name(contract.branch, contract.number), defaults={"contract": contract}
    )
    open_organisation(user)  # the cabinet opens only to a member of the contract's organisation
    store = SessionStore()
    store.update(logged_in(user))
    store.create()
    return store.session_key


def crowd_sessions(count: int) -> tuple[list[int], list[str]]:
    """Logged-in sessions of `count` benchmark contracts (B00001…), one customer each."""
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from accounts.models import User, login_name
    from accounts.organisations import open_organisation
    from billing.models import Contract

    contracts = list(
        Contract.objects.filter(number__startswith="B")
        .select_related("branch")
        .order_by("id")[:count]
    )
    have = set(User.objects.filter(contract__in=contracts).values_list("contract_id", flat=True))
    User.objects.bulk_create(
        [
            User(username=login_name(c.branch, c.number), contract=c, password=make_password(None))
            for c in contracts
            if c.id not in have
        ],
        batch_size=2000,
    )
    for user in User.objects.filter(contract__in=contracts, membership__isnull=True):
        open_organisation(user)  # the cabinet opens only to a member of the contract's organisation
    store = SessionStore()
    expires = timezone.now() + dt.timedelta(hours=2)
    sessions = [
        Session(
            session_key=get_random_string(32, VALID_KEY_CHARS),
            session_data=store.encode(logged_in(user)),
            expire_date=expires,
        )
        for user in User.objects.filter(contract__in=contracts)
    ]
    Session.objects.bulk_create(sessions, batch_size=2000)
    return [c.id for c in contracts], [s.session_key for s in sessions]


def start_gunicorn(workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "eskk_portal.wsgi", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(BASE + "/healthz/", timeout=1).read()  # noqa: S310 (loopback)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def wrk(path: str, cookie: str | None, seconds: int, connections: int) -> dict:
    """`cookie` None: the crowd, each request another customer's (bench/crowd.lua)."""
    who = ["-H", f"Cookie: sessionid={cookie}"] if cookie else ["-s", str(ROOT / "bench/crowd.lua")]
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
         *who, BASE + path],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

    def latency(pct):
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "non2xx": int(errors.group(1)) if errors else 0,
    }


def status_of(path: str, cookie: str) -> int:
    request = urllib.request.Request(BASE + path, headers={"Cookie": f"sessionid={cookie}"})
    try:
        return urllib.request.urlopen(request, timeout=30).status  # noqa: S310 (loopback)
    except urllib.error.HTTPError as error:
        return error.code


def in_process_ms(cookie: str, query: str, repeat: int = 30) -> dict[str, float]:
    """Median time of one request of each page in this process (Django's test client,
    same settings and database, no HTTP): what a page costs, whatever else the
    shared machine is doing at the moment wrk runs."""
    import statistics

    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = cookie
    found = {}
    for label, path in PAGES:
        path = path.format(reconciliation_query=query)
        if client.get(path).status_code != 200:
            continue
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        found[label] = statistics.median(times)
    return found


def crowd(pages, contract_ids, cookies, args) -> list[tuple[str, str, dict]]:
    """The same pages, each request a different customer's: a busy day's first visits,
    none of them finding its rows in the database's memory from the request before."""
    pages = [(label.replace(", 500 meters", ""), path) for label, path in pages]
    for label, path in pages:
        if (status := status_of(path, cookies[0])) != 200:
            raise SystemExit(f"first visits: {label}: {path} answered {status}")
    best: dict[str, dict] = {}
    for round_no in range(1, args.rounds + 1):
        for label, path in pages:
            result = wrk(path, None, args.seconds, args.connections)
            print(f"first visits, round {round_no}: {label}: {result['rps']:.1f} req/s", flush=True)
            if label not in best or result["rps"] > best[label]["rps"]:
                best[label] = result
    return [(label, path, best[label]) for label, path in pages]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--meters-per-contract", type=int, default=5)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2, help="best of N rounds per page")
    parser.add_argument(
        "--crowd", type=int, default=10_000, help="customers of the first-visit rounds (0: none)"
    )
    args = parser.parse_args()

    seed(args.contracts, args.meters_per_contract, args.months)
    contract = timed("500 meters for contract 2002", lambda: big_contract(500))
    cookie = session_for(contract)
    import datetime as dt

    today = dt.date.today()
    # documents.forms.MonthRangeForm: whole months as YYYY-MM; the last 12 closed months.
    index = today.year * 12 + today.month - 1
    start, end = divmod(index - 12, 12), divmod(index - 1, 12)
    query = f"date_from={start[0]}-{start[1] + 1:02d}&date_to={end[0]}-{end[1] + 1:02d}"
    cost = in_process_ms(cookie, query)
    crowd_ids, crowd_cookies = (
        timed("the crowd's sessions", lambda: crowd_sessions(args.crowd))
        if args.crowd
        else ([], [])
    )
    cookie_file = Path(tempfile.mkstemp(prefix="bench-cookies-")[1])
    cookie_file.write_text("\n".join(crowd_cookies) + "\n")
    os.environ["BENCH_COOKIES"] = str(cookie_file)
    from django.db import connections

    connections.close_all()
    server = start_gunicorn(args.workers)
    try:
        pages = []
        for label, path in PAGES:
            path = path.format(reconciliation_query=query)
            status = status_of(path, cookie)
            if status != 200:
                print(f"{label}: {path} answered {status}, skipped", flush=True)
                continue
            wrk(path, cookie, 2, args.connections)  # warm-up
            pages.append((label, path))
        # On a shared machine one round can be unlucky: every page, the bare view included,
        # is measured in each round, and each keeps its best round.
        best: dict[str, dict] = {}
        for round_no in range(1, args.rounds + 1):
            for label, path in pages:
                result = wrk(path, cookie, args.seconds, args.connections)
                print(f"round {round_no}: {label}: {result['rps']:.1f} req/s", flush=True)
                if label not in best or result["rps"] > best[label]["rps"]:
                    best[label] = result
        rows = [(label, path, best[label]) for label, path in pages]
        crowd_rows = crowd(pages[1:], crowd_ids, crowd_cookies, args) if crowd_ids else []
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        cookie_file.unlink()
    ceiling = rows[0][2]["rps"]
    print()
    print(f"{args.connections} connections, {args.seconds} s each, best of {args.rounds} rounds, "
          f"gunicorn {args.workers} sync workers, {os.cpu_count()} cores")  # fmt: skip
    print(
        f"{'page':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'of bare':>8} {'non-2xx':>8}"
        f" {'1 req ms':>9}"
    )
    for label, _, r in rows:
        print(
            f"{label:34} {r['rps']:9.1f} {r['p50']:8.1f} {r['p99']:8.1f} {r['rps'] / ceiling:8.0%} {r['non2xx']:8d}"
            f" {cost.get(label, float('nan')):9.1f}"
        )
    print("1 req ms: median of 30 requests in one process (test client, no HTTP, no concurrency)")
    if crowd_rows:
        print()
        print(f"first visits: each request another of {len(crowd_ids)} customers (5 meters, "
              f"{args.months} months each)")  # fmt: skip
        for label, _, r in crowd_rows:
            print(
                f"{label:34} {r['rps']:9.1f} {r['p50']:8.1f} {r['p99']:8.1f} {r['rps'] / ceiling:8.0%} {r['non2xx']:8d}"
            )


if __name__ == "__main__":
    main()
