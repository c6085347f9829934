"""Benchmark of the month-end batch (prints figures; asserts nothing).

Run by `make bench` (bench/run) after bench/http_bench.py has seeded `seed_demo
--contracts 10000 --meters-per-contract 5 --history-months 24` on PostgreSQL; alone:

    DATABASE_URL=postgres://… DEBUG=false … .venv/bin/python bench/bench_month_end.py

1. The month's documents: for each of N benchmark contracts a «счет на оплату» and a
   «счет-фактура» of last month (the ledger's accrual) go through the door billing uses,
   `manage.py import_documents FILE` (documents.services.issue_document, which queues
   documents.tasks.render_issued_pdf on commit), and real Celery workers
   (`celery -A eskk_portal worker -Q documents --concurrency 1`, then 2) render and store
   every PDF, through a redis-server the bench starts on its own port. Printed: the wall
   time from the import's start to the last PDF stored, against 1.25 × (N × the median
   rendering of the contract's two PDFs alone ÷ worker processes), the workers' CPU
   seconds, the speed-up of 2 workers over 1, and the extrapolation to 10,000 contracts.
   N is BENCH_BATCH_CONTRACTS (default 200: 400 PDFs, ~2 min with one worker on a quiet
   machine, ~1 min with two; 3–4 min each at load 4–7): all 10,000 at 0.3–0.7 s a PDF
   would take hours, so the figure for 10,000 is extrapolated. The batch's documents are
   deleted (and their accruals unlocked) between the runs, so both do the same work;
   BENCH_REDIS_PORT (default 56461) is the redis-server's port.
2. `billing.services.accrue_penalties` for the 10,000 benchmark contracts, rolled back
   afterwards, against 10 × one query reading all their ledger entries.
3. A PDF a user downloads: an issued document's PDF through the view (Django's test
   client; from storage, as the worker stored it) against rendering it.

Every figure is printed with the load average (`uptime`): the machine's 2 cores are
shared, and the speed-up of 2 workers cannot show while other work holds a core.
"""

import csv
import datetime as dt
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="bench-month-end-"))
REDIS_PORT = int(os.environ.get("BENCH_REDIS_PORT", "56461"))
os.environ["REDIS_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"
os.environ["DOCUMENTS_PDF_AT_ISSUE"] = "true"
os.environ["MEDIA_ROOT"] = str(WORK / "media")
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eskk_portal.settings")

CONTRACTS = int(os.environ.get("BENCH_BATCH_CONTRACTS", "200"))
ALL_CONTRACTS = 10_000
RENDER_REPEAT = 5
CLK_TCK = os.sysconf("SC_CLK_TCK")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def tree_cpu(root_pid: int) -> float:
    """User + system CPU seconds of a process and its living descendants (from /proc)."""
    parents, times = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / CLK_TCK
    total, todo = 0.0, [root_pid]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


def start_redis() -> subprocess.Popen:
    process = subprocess.Popen(
        ["/usr/bin/redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no", "--dir", str(WORK)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", REDIS_PORT), timeout=0.1).close()
            return process
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"redis-server did not start on port {REDIS_PORT}")


def start_worker(concurrency: int) -> subprocess.Popen:
    from eskk_portal.celery import app

    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "-A", "eskk_portal", "worker", "-Q", "documents",
         "--concurrency", str(concurrency), "--loglevel", "WARNING", "--hostname",
         f"bench{concurrency}@%h"],
        cwd=ROOT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(timeout=0.5):
            return process
    raise SystemExit("the Celery worker did not answer within 60 s")


def stop_worker(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)  # warm shutdown: the pool's children are reaped
    process.wait(timeout=60)


def stored_pdfs() -> int:
    root = WORK / "media" / "documents" / "pdf"
    return sum(len(files) for _, _, files in os.walk(root))


def month_file(accruals, period: dt.date) -> Path:
    """The billing system's export of the month: an invoice and a VAT invoice per contract."""
    from decimal import ROUND_HALF_UP, Decimal

    from billing.vat import vat_rate_for
    from core.formatting import month_label

    path = WORK / f"documents-{period:%Y%m}.csv"
    rate = vat_rate_for(period)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["city", "contract_number", "kind", "number", "date", "period",
                         "corrects_number", "corrects_date", "line_no", "name", "quantity",
                         "price", "amount_net", "vat_rate", "vat", "amount"])  # fmt: skip
        for entry in accruals:
            price = (entry.amount_net / entry.volume_kwh).quantize(
                Decimal("0.00001"), ROUND_HALF_UP
            )
            line = [1, f"Электроэнергия за {month_label(period)}", entry.volume_kwh, price,
                    entry.amount_net, rate, entry.vat, entry.debit]  # fmt: skip
            head = ["kemerovo", entry.contract.number]
            day = f"{entry.doc_date:%d.%m.%Y}"
            writer.writerow(
                [*head, "invoice", f"С-{entry.doc_number}", day, f"{period:%Y-%m}", "", "", *line]
            )
            writer.writerow([*head, "vat_invoice", entry.doc_number, day, f"{period:%Y-%m}", "", "", *line])  # fmt: skip
    return path


def delete_batch(contract_ids, numbers) -> None:
    """Undo the batch so that the next run issues and renders the same documents again."""
    from billing.models import LedgerEntry
    from documents.models import Document, DocumentLine

    documents = Document.objects.filter(contract_id__in=contract_ids, number__in=numbers)
    # Issued documents refuse Model.delete(); a benchmark's own may go in bulk.
    DocumentLine.objects.filter(document__in=documents).delete()
    documents.delete()
    LedgerEntry.objects.filter(contract_id__in=contract_ids, doc_number__in=numbers).update(
        is_locked=False
    )
    shutil.rmtree(WORK / "media" / "documents", ignore_errors=True)


def issue_month(path: Path, concurrency: int, expected: int) -> dict:
    from django.core.management import call_command

    worker = start_worker(concurrency)
    before = load()
    worker_cpu = tree_cpu(worker.pid)
    own_cpu = time.process_time()
    start = time.perf_counter()
    call_command("import_documents", str(path), stdout=open(os.devnull, "w"))
    imported = time.perf_counter()
    import_cpu = time.process_time() - own_cpu
    while stored_pdfs() < expected:
        if time.perf_counter() - start > 3600:
            raise SystemExit(f"only {stored_pdfs()} of {expected} PDFs stored after an hour")
        time.sleep(0.25)  # a look at the folder costs little beside a PDF's 0.3 s
    end = time.perf_counter()
    worker_cpu = tree_cpu(worker.pid) - worker_cpu
    after = load()
    stop_worker(worker)
    return {
        "wall": end - start,
        "import": imported - start,
        "render": end - imported,
        "import_cpu": import_cpu,
        "worker_cpu": worker_cpu,
        "load": f"{before} → {after}",
    }


def render_alone(document) -> tuple[float, float]:
    """Median milliseconds (wall, CPU) of rendering the document's PDF here, nothing stored."""
    from documents import pdf
    from documents.services import SECTIONS, document_context

    walls, cpus = [], []
    for _ in range(RENDER_REPEAT + 1):  # the first one warms WeasyPrint up
        start, cpu = time.perf_counter(), time.process_time()
        pdf.render_pdf(SECTIONS[document.kind].fragment, document_context(document))
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls[1:]), statistics.median(cpus[1:])


def download_ms(document, repeat: int = 20) -> tuple[list[float], list[float]]:
    """Milliseconds (wall, CPU of this process) of each download of the document's PDF."""
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User, login_name
    from accounts.organisations import open_organisation

    contract = document.contract
    user = User.objects.filter(contract=contract).first()
    if user is None:
        user = User.objects.create_user(
            username=login_name(contract.branch, contract.number), contract=contract
        )
        open_organisation(user)
    client = Client()
    client.force_login(user)
    url = reverse("documents:vat_invoices_pdf", args=[document.pk])
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"HTTP {response.status_code} for {url}")
        b"".join(response.streaming_content)
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return walls, cpus


def penalties(contract_ids, on_date: dt.date) -> None:
    from django.db import transaction

    from billing.models import LedgerEntry
    from billing.services import accrue_penalties

    reads = []
    for _ in range(3):
        start = time.perf_counter()
        rows = list(
            LedgerEntry.objects.filter(contract_id__in=contract_ids).values_list(
                "contract_id", "kind", "date", "debit", "credit", "period", "doc_number"
            )
        )
        reads.append(time.perf_counter() - start)
    read = statistics.median(reads)
    print(f"  reading their {len(rows):,} ledger entries in one query, median of 3: "
          f"{read * 1000:8.1f} ms  ({load()})")  # fmt: skip
    before = load()
    cpu = time.process_time()
    start = time.perf_counter()
    with transaction.atomic():
        counts = accrue_penalties(on_date, contracts=contract_ids, username="bench")
        wall = time.perf_counter() - start
        transaction.set_rollback(True)  # the benchmark's data stay as seeded
    cpu = time.process_time() - cpu
    print(f"  accrue_penalties on {on_date:%d.%m.%Y}: {wall:8.2f} s wall, {cpu:.2f} s CPU "
          f"of this process ({dict(counts)}; {before} → {load()})")  # fmt: skip
    print(f"  accrue_penalties ÷ the read: {wall / read:.1f}× (target ≤ 10×)")


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # figures as they come, under bench/run too
    import django

    django.setup()
    from billing.models import Contract, LedgerEntry
    from core.dates import month_start

    period = month_start(dt.date.today(), -1)
    benchmark = Contract.objects.filter(branch__code="kemerovo", number__regex=r"^B[0-9]{5}$")
    all_ids = list(benchmark.order_by("number").values_list("pk", flat=True))
    if not all_ids:
        raise SystemExit("no benchmark contracts B00001…: seed_demo --contracts 10000 first")
    batch_ids = all_ids[:CONTRACTS]
    accruals = list(
        LedgerEntry.objects.filter(
            contract_id__in=batch_ids, kind=LedgerEntry.Kind.ACCRUAL, period=period
        )
        .select_related("contract")
        .order_by("contract__number")
    )
    numbers = [e.doc_number for e in accruals] + [f"С-{e.doc_number}" for e in accruals]
    expected = 2 * len(accruals)
    print(f"database: {os.environ.get('DATABASE_URL', '').split('@')[-1]}")
    print(f"month-end batch: {len(accruals)} contracts × 2 documents of {period:%m.%Y} "
          f"(BENCH_BATCH_CONTRACTS={CONTRACTS})")  # fmt: skip

    redis = start_redis()
    try:
        delete_batch(batch_ids, numbers)
        path = month_file(accruals, period)
        runs = {}
        for concurrency in (1, 2):
            runs[concurrency] = issue_month(path, concurrency, expected)
            if concurrency == 1:
                from documents.models import Document

                first = Document.objects.filter(contract_id=batch_ids[0], number__in=numbers)
                invoice = first.get(kind=Document.Kind.INVOICE)
                vat_invoice = first.select_related("contract__branch").get(
                    kind=Document.Kind.VAT_INVOICE
                )
                render_load = load()
                invoice_ms, invoice_cpu = render_alone(invoice)
                vat_ms, vat_cpu = render_alone(vat_invoice)
                delete_batch(batch_ids, numbers)
        per_contract = (invoice_ms + vat_ms) / 1000
        cpu_per_contract = (invoice_cpu + vat_cpu) / 1000
        print(f"  one PDF rendered alone in this process, median of {RENDER_REPEAT}: invoice "
              f"{invoice_ms:.1f} ms ({invoice_cpu:.0f} ms CPU), VAT invoice {vat_ms:.1f} ms "
              f"({vat_cpu:.0f} ms CPU) ({render_load})")  # fmt: skip
        for concurrency, run in runs.items():
            bound = 1.25 * len(accruals) * per_contract / concurrency
            print(f"  {concurrency} worker process{'es' if concurrency > 1 else ''}: "
                  f"{run['wall']:7.1f} s wall (import {run['import']:.1f} s, then rendering "
                  f"{run['render']:.1f} s); bound 1.25 × N × render ÷ {concurrency} = {bound:.1f} s "
                  f"({run['wall'] / bound * 100:.0f} % of it); workers' CPU {run['worker_cpu']:.1f} s, "
                  f"import's {run['import_cpu']:.1f} s ({run['load']})")  # fmt: skip
            cpu_bound = 1.25 * len(accruals) * cpu_per_contract
            print(f"    in CPU seconds (what a loaded machine cannot blur): workers' "
                  f"{run['worker_cpu']:.1f} s against 1.25 × N × render CPU = {cpu_bound:.1f} s "
                  f"({run['worker_cpu'] / cpu_bound * 100:.0f} % of it)")  # fmt: skip
            print(f"    extrapolated to {ALL_CONTRACTS:,} contracts: "
                  f"{run['wall'] * ALL_CONTRACTS / len(accruals) / 60:.0f} min")  # fmt: skip
        print(f"  speed-up of 2 workers over 1: {runs[1]['wall'] / runs[2]['wall']:.2f}× wall "
              f"(target ≥ 1.7×), rendering phase {runs[1]['render'] / runs[2]['render']:.2f}×")  # fmt: skip

        downloads, download_cpus = download_ms(vat_invoice_of(batch_ids[0], numbers))
        download, download_cpu = statistics.median(downloads), statistics.median(download_cpus)
        print(f"  a stored VAT invoice PDF downloaded through the view, median of "
              f"{len(downloads)}: {download:.1f} ms; rendering it {vat_ms:.1f} ms: "
              f"{vat_ms / download:.0f}× (target ≥ 50×; {load()})")  # fmt: skip
        print(f"    in CPU of this process: download {download_cpu:.1f} ms, rendering "
              f"{vat_cpu:.0f} ms: {vat_cpu / download_cpu:.0f}× (the database's side not counted)")  # fmt: skip
        delete_batch(batch_ids, numbers)
    finally:
        redis.terminate()
        redis.wait(timeout=10)

    print(f"penalties: {len(all_ids):,} benchmark contracts")
    penalties(all_ids, month_start(dt.date.today()) - dt.timedelta(days=1))


def vat_invoice_of(contract_id: int, numbers):
    from documents.models import Document

    return Document.objects.select_related("contract__branch").get(
        contract_id=contract_id, number__in=numbers, kind=Document.Kind.VAT_INVOICE
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
