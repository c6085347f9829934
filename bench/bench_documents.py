"""Benchmark of the documents' PDFs (prints figures; not a test).

    .venv/bin/python bench/bench_documents.py [--repeat N]

Builds a throwaway SQLite database (or uses DATABASE_URL), a contract with a
40-line VAT invoice and 100 ledger entries over 12 months, then times through
Django's test client: the first download of the VAT invoice's PDF (rendered and
stored), repeated downloads (served from storage), a static file of similar size
for comparison, and the PDF of the 12-month reconciliation statement (rendered on
every download: it is built from the ledger as it stands).
"""

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="bench-documents-"))
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")
os.environ["MEDIA_ROOT"] = str(WORK / "media")
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eskk_portal.settings")


def timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


def body(response) -> bytes:
    if response.status_code != 200:
        raise SystemExit(f"HTTP {response.status_code} for {response.request['PATH_INFO']}")
    return b"".join(response.streaming_content) if response.streaming else response.content


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    from accounts.models import User, login_name
    from accounts.organisations import open_organisation
    from billing.models import Branch, Contract, Customer, LedgerEntry
    from documents.services import issue_document
    from documents.tests.factories import line

    branch = Branch.objects.get(code="kemerovo")
    customer = Customer.objects.create(name="ООО «Бенчмарк»", inn="4205000016", kpp="420501001",
                                       legal_address="650000, г. Кемерово, ул. Мира, 1")  # fmt: skip
    number = f"BENCH{int(time.time())}"
    contract = Contract.objects.create(branch=branch, number=number, date=dt.date(2020, 1, 1),
                                       customer=customer, address=customer.legal_address)  # fmt: skip
    user = User.objects.create_user(username=login_name(branch, number), contract=contract)
    open_organisation(user)
    period = dt.date(2026, 10, 1)
    lines = [line(n, str(1000 + n * 17), "8.4275", period, name=f"Электроэнергия, точка поставки № {n}")
             for n in range(1, 41)]  # fmt: skip
    day = dt.date(2026, 10, 31)
    invoice = issue_document(contract, "vat_invoice", "40-LINES", day, period, lines)
    other = issue_document(contract, "vat_invoice", "40-LINES-B", day, period, lines)
    entries = []
    start = dt.date(2025, 11, 1)
    for n in range(100):
        day = start + dt.timedelta(days=n * 365 // 100)
        kind, amount = ("accrual", "debit") if n % 2 == 0 else ("payment", "credit")
        entries.append(LedgerEntry(contract=contract, kind=kind, date=day, doc_number=f"D-{n}",
                                   doc_date=day, **{amount: Decimal("1234.56") + n}))  # fmt: skip
    LedgerEntry.objects.bulk_create(entries)

    client = Client()
    client.force_login(user)
    pdf_url = reverse("documents:vat_invoices_pdf", args=[invoice.pk])
    cold_ms, _ = timed(
        lambda: body(client.get(reverse("documents:vat_invoices_pdf", args=[other.pk])))
    )
    first_ms, response = timed(lambda: body(client.get(pdf_url)))
    size = len(response)
    repeated = [timed(lambda: body(client.get(pdf_url)))[0] for _ in range(args.repeat)]
    static_url = "/static/documents/fonts/LICENSE.txt"
    static = [timed(lambda: body(client.get(static_url)))[0] for _ in range(args.repeat)]
    statement_url = reverse("documents:reconciliation_pdf")
    query = {"date_from": "2025-11", "date_to": "2026-10"}
    statement_first, _ = timed(lambda: body(client.get(statement_url, query)))
    statement = [
        timed(lambda: body(client.get(statement_url, query)))[0] for _ in range(args.repeat)
    ]

    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]}")
    print(f"VAT invoice, 40 lines, PDF {size / 1024:.0f} KiB")
    print(f"  first download in a fresh process (WeasyPrint cold): {cold_ms:8.1f} ms")
    print(f"  first download (render + store): {first_ms:8.1f} ms")
    stored = statistics.median(repeated)
    print(
        f"  repeated download (from storage), median of {args.repeat}: {stored:8.1f} ms"
        f" — {first_ms / stored:.0f}× faster than the first (target ≥ 50×)"
    )
    print(
        f"  static file {static_url} (whitenoise), median of {args.repeat}: {statistics.median(static):8.1f} ms"
    )
    print("reconciliation statement, 12 months, 100 entries, PDF")
    print(f"  first download: {statement_first:8.1f} ms")
    print(f"  repeated download, median of {args.repeat}: {statistics.median(statement):8.1f} ms")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
