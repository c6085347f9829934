"""HTTP benchmark: cabinet pages against the portal's own floor, under gunicorn, with wrk.

Run through `make bench` (bench/run), which provides a throwaway PostgreSQL and
production settings. Steps: migrate, seed 10,000 contracts × 5 meters × 24 months,
give contract 2002 500 meters and 300 VAT invoices, open a logged-in session for
2002 and one for each of the 10,000 customers (the crowd), start Redis (sessions and
cache, as in production), a minimal Django project and the portal under gunicorn
(2 sync workers each), and drive each page with wrk at 16 connections:

- ceilings: the minimal Django project's view, `/healthz/` anonymous, and `/healthz/`
  with a crowd customer's session — the floor of every cabinet page (the same
  middleware, the session and the user, nothing else);
- each cabinet page with every request another crowd customer's (first visits: the
  page is built for its request), and the same pages of contract 2002 over and over;
- the crowd again through nginx (deploy/'s config) in front of two portal nodes.

Figures are ratios within this run (to the floor, to the minimal Django project).
"""

import argparse
import os
import re
import shutil
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

PORT = 8765  # the portal (node A); node B and nginx take the next ports
MINIMAL_PORT, NODE_B_PORT, NGINX_PORT, REDIS_PORT, UNCHECKED_PORT = range(PORT + 1, PORT + 6)
BASE = f"http://127.0.0.1:{PORT}"
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"

# The floor of every cabinet page: the same middleware, the session and the user, nothing else.
FLOOR = "/healthz/"

# (label, path) — the cabinet pages a customer opens most on a busy day.
PAGES = [
    ("Лицевой счет", "/cabinet/account/"),
    ("Передача показаний", "/cabinet/readings/"),
    ("Мои платежи", "/cabinet/payments/history/"),
    ("Счет-фактура list", "/cabinet/documents/vat-invoices/"),
    ("Акт сверки, 12 months", "/cabinet/documents/reconciliation/?{months}"),
    ("Расшифровка потребления, 12 months", "/cabinet/documents/consumption/?{months}"),
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
            if_empty=True,  # a rerun on the same database keeps its data
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


def start_gunicorn(
    port: int, workers: int, app: str = "eskk_portal.wsgi", **extra_env: str
) -> subprocess.Popen:
    """A web node on loopback. The portal's nodes get Redis for the cache and the sessions,
    as in production (settings: cached_db sessions when REDIS_URL is set)."""
    env = {**os.environ, **extra_env}
    if app == "eskk_portal.wsgi":
        env["REDIS_URL"] = REDIS_URL
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), app, "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=1).read()  # noqa: S310 (loopback)
            return process
        except urllib.error.HTTPError:
            return process  # it answers (the minimal project has no /healthz/)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"gunicorn {app} did not start")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def wrk(url: str, cookie: str | None, seconds: int, connections: int, crowd: bool = False) -> dict:
    """`crowd`: each request another customer's session (bench/crowd.lua)."""
    who = ["-H", f"Cookie: sessionid={cookie}"] if cookie else []
    if crowd:
        who = ["-s", str(ROOT / "bench/crowd.lua")]
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
         *who, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

    def latency(pct):
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    drain(url)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "non2xx": int(errors.group(1)) if errors else 0,
    }


def drain(url: str) -> None:
    """Wait for the requests wrk left queued (a sync worker finishes every request it
    accepted, its client gone or not), so that each run starts with idle nodes."""
    floor = url.split("/", 3)
    for _ in range(8):
        try:
            urllib.request.urlopen("/".join(floor[:3]) + FLOOR, timeout=60).read()  # noqa: S310
        except OSError:
            return


def status_of(url: str, cookie: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
    try:
        return urllib.request.urlopen(request, timeout=30).status  # noqa: S310 (loopback)
    except urllib.error.HTTPError as error:
        return error.code


def in_process(cookie: str, pages, repeat: int = 30) -> dict[str, tuple[float, int]]:
    """Median time and query count of one request of each page in this process (Django's
    test client, same database, no HTTP, no concurrency): what a page costs, whatever else
    the shared machine is doing at the moment wrk runs."""
    import statistics

    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = cookie
    found = {}
    for label, path in pages:
        count = [0]

        def counted(execute, *query, count=count):
            count[0] += 1
            return execute(*query)

        with connection.execute_wrapper(counted):
            if client.get(path).status_code != 200:
                continue
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        found[label] = (statistics.median(times), count[0])
    return found


def prime_sessions(cookies: list[str]) -> None:
    """Each crowd customer has logged in before the run: the session is in Redis, as
    cached_db leaves it after a login. (The sessions were written to the database only.)"""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda c: status_of(BASE + FLOOR, c), cookies))


def start_nginx(directory: Path) -> subprocess.Popen:
    """Debian's nginx with the repo's deploy/ config in front of nodes A and B, as in
    tests/faults/test_cluster.py (the same function writes the config)."""
    from tests.faults.test_cluster import nginx_command, nginx_config

    static, media = ROOT / "var" / "staticfiles", ROOT / "var" / "media"
    directory.mkdir(mode=0o755)
    config = nginx_config(directory, NGINX_PORT, [PORT, NODE_B_PORT], static, media)
    process = subprocess.Popen(nginx_command("nginx", config))
    for _ in range(50):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{NGINX_PORT}{FLOOR}", timeout=1).read()  # noqa: S310
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("nginx did not start")


def rounds(runs, args) -> dict[str, dict]:
    """Every run in each round, each keeping its best round: on a shared machine one round
    can be unlucky, and the ratios compare figures taken minutes apart, not hours."""
    best: dict[str, dict] = {}
    for round_no in range(1, args.rounds + 1):
        for key, url, cookie, crowd in runs:
            result = wrk(url, cookie, args.seconds, args.connections, crowd)
            print(f"round {round_no}: {key}: {result['rps']:.1f} req/s", flush=True)
            if key not in best or result["rps"] > best[key]["rps"]:
                best[key] = result
    return best


def table(title: str, rows, floor: float, bare: float, minimal: float) -> None:
    """«of floor»: of the logged-in /healthz/; «of bare»: of the anonymous /healthz/ (what
    the benchmarks before issue 22 divided by); «of Django»: of the minimal project."""
    print()
    print(title)
    print(
        f"{'':40} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'of floor':>9} {'of bare':>8}"
        f" {'of Django':>10} {'non-2xx':>8}"
    )
    for label, r in rows:
        print(
            f"{label:40} {r['rps']:8.1f} {r['p50']:7.1f} {r['p99']:7.1f} {r['rps'] / floor:9.0%}"
            f" {r['rps'] / bare:8.0%} {r['rps'] / minimal:10.0%} {r['non2xx']:8d}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--meters-per-contract", type=int, default=5)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per node")
    parser.add_argument("--rounds", type=int, default=2, help="best of N rounds per page")
    parser.add_argument("--crowd", type=int, default=10_000, help="customers of the crowd")
    parser.add_argument("--no-nginx", action="store_true", help="skip the two-node run")
    args = parser.parse_args()

    seed(args.contracts, args.meters_per_contract, args.months)
    contract = timed("500 meters for contract 2002", lambda: big_contract(500))
    cookie = session_for(contract)
    import datetime as dt

    today = dt.date.today()
    # documents.forms.MonthRangeForm: whole months as YYYY-MM; the last 12 closed months.
    index = today.year * 12 + today.month - 1
    start, end = divmod(index - 12, 12), divmod(index - 1, 12)
    months = f"date_from={start[0]}-{start[1] + 1:02d}&date_to={end[0]}-{end[1] + 1:02d}"
    pages = [(label, path.format(months=months)) for label, path in PAGES]
    cost = in_process(cookie, [("floor", FLOOR), *pages])
    crowd_ids, crowd_cookies = timed("the crowd's sessions", lambda: crowd_sessions(args.crowd))
    crowd_cost = in_process(crowd_cookies[0], pages)
    cookie_file = Path(tempfile.mkstemp(prefix="bench-cookies-")[1])
    cookie_file.write_text("\n".join(crowd_cookies) + "\n")
    os.environ["BENCH_COOKIES"] = str(cookie_file)
    from django.db import connections

    connections.close_all()
    work = Path(tempfile.mkdtemp(prefix="bench-http-"))
    work.chmod(0o755)  # nginx's workers (www-data under root) read their config here
    redis = subprocess.Popen(
        ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
         "--dir", str(work)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    servers = [
        redis,
        start_gunicorn(MINIMAL_PORT, args.workers, "bench.minimal_django:application"),
        start_gunicorn(PORT, args.workers),
        # What the connection's health check (settings: CONN_HEALTH_CHECKS) costs the floor.
        start_gunicorn(UNCHECKED_PORT, args.workers, CONN_HEALTH_CHECKS="false"),
    ]
    try:
        timed("the crowd logged in (sessions in Redis)", lambda: prime_sessions(crowd_cookies))
        for label, path in pages:
            for who in (cookie, crowd_cookies[0]):
                if (status := status_of(BASE + path, who)) != 200:
                    raise SystemExit(f"{label}: {path} answered {status}")
        minimal = f"http://127.0.0.1:{MINIMAL_PORT}/"
        runs = [
            ("minimal Django project", minimal, None, False),
            ("/healthz/ anonymous", BASE + FLOOR, None, False),
            ("/healthz/ logged in (the floor)", BASE + FLOOR, None, True),
            (
                "/healthz/ logged in, no health check",
                f"http://127.0.0.1:{UNCHECKED_PORT}{FLOOR}",
                None,
                True,
            ),
            *[(f"crowd: {label}", BASE + path, None, True) for label, path in pages],
            # 2002's «Расшифровка потребления» is a 6,000-row table (500 meters × 12 months)
            # that takes seconds to build: wrk would only queue it; its in-process time is shown.
            *[(f"2002: {label}", BASE + path, cookie, False) for label, path in pages[:-1]],
        ]
        for _, url, who, crowd in runs:
            wrk(url, who, 2, args.connections, crowd)  # warm-up
        best = rounds(runs, args)
        two_nodes = {}
        if not args.no_nginx:
            servers.append(start_gunicorn(NODE_B_PORT, args.workers))
            servers.append(start_nginx(work / "nginx"))
            edge = f"http://127.0.0.1:{NGINX_PORT}"
            runs = [
                ("/healthz/ anonymous", edge + FLOOR, None, False),
                ("/healthz/ logged in (the floor)", edge + FLOOR, None, True),
                *[(f"crowd: {label}", edge + path, None, True) for label, path in pages],
            ]
            for _, url, who, crowd in runs:
                wrk(url, who, 2, args.connections, crowd)
            two_nodes = rounds(runs, args)
    finally:
        for server in reversed(servers):
            stop(server)
        cookie_file.unlink()
        shutil.rmtree(work, ignore_errors=True)

    django_rps = best["minimal Django project"]["rps"]
    anonymous = best["/healthz/ anonymous"]["rps"]
    floor = best["/healthz/ logged in (the floor)"]["rps"]
    print()
    print(f"{args.connections} connections, {args.seconds} s each, best of {args.rounds} rounds, "
          f"gunicorn {args.workers} sync workers per node, {os.cpu_count()} cores; crowd: each "
          f"request another of {len(crowd_ids)} customers ({args.meters_per_contract} meters, "
          f"{args.months} months each); 2002: one customer, 500 meters, 300 VAT invoices")  # fmt: skip
    print(f"logged-in floor / anonymous /healthz/: {floor / anonymous:.0%} (target ≥ 50 %)")
    table(
        "one node (gunicorn) — ceilings",
        [(key, best[key]) for key in list(best)[:4]],
        floor,
        anonymous,
        django_rps,
    )
    table(
        "one node — pages (target: ≥ 50 % of the floor, p99 < 100 ms)",
        [(key, best[key]) for key in list(best)[4:]],
        floor,
        anonymous,
        django_rps,
    )
    if two_nodes:
        edge_floor = two_nodes["/healthz/ logged in (the floor)"]["rps"]
        table(
            "nginx in front of two nodes — ratios to this run's own floor",
            list(two_nodes.items()),
            edge_floor,
            two_nodes["/healthz/ anonymous"]["rps"],
            django_rps,
        )
    print()
    print(
        f"{'in process (test client)':40} {'ms':>7} {'queries':>8} {'crowd ms':>9} {'queries':>8}"
    )
    for label, (ms, queries) in cost.items():
        crowd_ms, crowd_queries = crowd_cost.get(label, (float("nan"), 0))
        print(f"{label:40} {ms:7.1f} {queries:8d} {crowd_ms:9.1f} {crowd_queries:8d}")


if __name__ == "__main__":
    main()
