"""import_accruals at 100,000 rows on PostgreSQL against a COPY of the same rows into the ledger.

Creates (once) 1,250 benchmark contracts `ВА0001…` (Cyrillic, as billing writes them) in
Кемерово, writes a CSV of 80 monthly charges each (periods from 2019-01, НДС at the rate
of the month), then:
  1. the ceiling: the same rows already resolved to contract ids, as the import stores them
     (contract, kind, dates, period, doc_number, description, kWh, amounts, purpose, source,
     times, is_locked, an import batch), by one `COPY` straight into billing_ledgerentry with
     its indexes, checks and deferred foreign keys, in one transaction, the commit included;
     then deleted and the table vacuumed, so that the import sees the table it would have seen;
  2. `manage.py import_accruals FILE` as a child process, start-up included, three times
     (first load, the same file again, every row corrected): rows/s, its rate against the
     ceiling, its own peak RSS (VmHWM), CPU seconds of the command and of its PostgreSQL
     backend, and the load average beside each figure (the machine's 2 cores are shared).
The charges it loaded are deleted afterwards (`--keep` leaves them). Prints
figures; asserts nothing. Needs a migrated database in DATABASE_URL.
"""

import csv
import datetime as dt
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eskk_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from bench.measure import load_average, run_command, timed_copy  # noqa: E402
from billing.models import Branch, Contract, Customer, ImportBatch, LedgerEntry  # noqa: E402
from billing.validators import valid_inn  # noqa: E402
from billing.vat import vat_amount, vat_rate_for  # noqa: E402
from core.dates import month_end, month_start  # noqa: E402
from core.formatting import round_money  # noqa: E402
from core.numbers import cyrillic_lookalikes  # noqa: E402

CONTRACTS = 1250
MONTHS = int(os.environ.get("BENCH_ACCRUAL_MONTHS", "80"))
PRICE = Decimal("8.4275")


CEILING_COPY = (
    "COPY billing_ledgerentry (contract_id, kind, date, period, doc_number, doc_date, "
    "description, volume_kwh, amount_net, vat, debit, credit, purpose, source, created_at, "
    "updated_at, is_locked, import_batch_id) FROM STDIN"
)


def bench_contracts() -> list[str]:
    branch = Branch.objects.get(code="kemerovo")
    # Billing writes contract numbers in Cyrillic and every import reads a typed number so
    # (core.numbers.cyrillic_lookalikes): «ВА0001», not the Latin «BA0001».
    numbers = [cyrillic_lookalikes(f"BA{n:04d}") for n in range(1, CONTRACTS + 1)]
    have = set(
        Contract.objects.filter(branch=branch, number__in=numbers).values_list("number", flat=True)
    )
    todo = [n for n in numbers if n not in have]
    customers = Customer.objects.bulk_create(
        Customer(name=f"ООО «Замер {n}»", inn=valid_inn(f"43{int(n[2:]):07d}"), kpp="420501001")
        for n in todo
    )
    Contract.objects.bulk_create(
        Contract(branch=branch, number=n, date=dt.date(2018, 1, 1), customer=c)
        for n, c in zip(todo, customers, strict=True)
    )
    return numbers


def build_file(
    path: Path, numbers: list[str], extra_kwh: int = 0, resolved: Path | None = None
) -> int:
    """The operator's CSV; with `resolved`, the same rows for the ceiling (COPY text format,
    contract ids resolved, the import batch left as `{batch}`)."""
    periods = [month_start(dt.date(2019, 1, 1), n) for n in range(MONTHS)]
    rates = {p: vat_rate_for(p) for p in periods}
    ids = dict(
        Contract.objects.filter(branch__code="kemerovo", number__in=numbers).values_list(
            "number", "id"
        )
    )
    rows = 0
    copy = open(resolved, "w", encoding="utf-8") if resolved else None  # noqa: SIM115
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["city", "contract_number", "period", "doc_number", "doc_date", "volume_kwh",
                         "amount_net", "vat", "amount"])  # fmt: skip
        for i, number in enumerate(numbers):
            for n, period in enumerate(periods):
                volume = Decimal(1000 + extra_kwh + (i * 7 + n * 13) % 4000)
                net = round_money(volume * PRICE)
                vat = vat_amount(net, rates[period])
                writer.writerow(["Кемерово", number, f"{period:%Y-%m}", f"{number}-BENCH-{n:03d}",
                                 f"{month_end(period):%d.%m.%Y}", str(volume).replace(".", ","),
                                 str(net).replace(".", ","), str(vat).replace(".", ","),
                                 str(net + vat).replace(".", ",")])  # fmt: skip
                if copy:
                    copy.write(
                        f"{ids[number]}\taccrual\t{month_end(period)}\t{period}\t"
                        f"{number}-BENCH-{n:03d}\t{month_end(period)}\t"
                        f"Электроэнергия за {period:%m.%Y}\t{volume:.3f}\t{net}\t{vat}\t"
                        f"{net + vat}\t0.00\tenergy\timport\tnow\tnow\tf\t{{batch}}\n"
                    )
                rows += 1
    if copy:
        copy.close()
    return rows


def ceiling(resolved: Path, rows: int) -> tuple[float, float, float]:
    """Rows/s and seconds of the resolved rows' COPY into the ledger, commit included."""
    batch = ImportBatch.objects.create(
        kind=ImportBatch.Kind.ACCRUALS, file_name="bench-ceiling", operator="bench"
    )
    data = resolved.read_text(encoding="utf-8").replace("{batch}", str(batch.pk)).encode()
    seconds, cpu = timed_copy(CEILING_COPY, [data])
    deleted, _ = LedgerEntry.objects.filter(import_batch=batch).delete()
    if deleted != rows:
        raise SystemExit(f"the ceiling wrote {deleted} rows, not {rows}")
    batch.delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE billing_ledgerentry")
    return rows / seconds, seconds, cpu


def main() -> None:
    engine = connection.vendor
    numbers = bench_contracts()
    with tempfile.TemporaryDirectory() as folder:
        path, resolved = Path(folder) / "accruals.csv", Path(folder) / "resolved.tsv"
        rows = build_file(path, numbers, resolved=resolved)
        mb = path.stat().st_size / 1e6
        print(f"\nimport_accruals on {engine}: {rows} rows, {mb:.1f} MB", flush=True)
        load = load_average()
        rate, seconds, cpu = ceiling(resolved, rows)
        print(
            f"  {'ceiling: COPY into the ledger':<30} {seconds:6.1f} s  {rate:8.0f} rows/s  "
            f"(commit included), CPU {cpu:.1f} s PostgreSQL  | {load}",
            flush=True,
        )
        for label in ("first load", "re-run (unchanged)", "every row corrected"):
            if label == "every row corrected":
                build_file(path, numbers, extra_kwh=1)
            load = load_average()
            run = run_command("import_accruals", str(path))
            print(
                f"  {label:<30} {run.seconds:6.1f} s  {rows / run.seconds:8.0f} rows/s  "
                f"({rows / run.seconds / rate:.0%} of the ceiling)  {run.describe()}  | {load}  "
                f"| {run.output}",
                flush=True,
            )
    if "--keep" not in sys.argv:
        LedgerEntry.objects.filter(
            contract__number__in=numbers, doc_number__contains="-BENCH-"
        ).delete()


if __name__ == "__main__":
    main()
