"""import_accruals at 100,000 rows on PostgreSQL: first load, then a re-run of the same file.

Creates (once) 1,250 benchmark contracts `ВА0001…` (Cyrillic, as billing writes them) in Кемерово, writes a CSV of
80 monthly charges each (periods from 2019-01, НДС at the rate of the month),
runs `manage.py import_accruals FILE` as a child process three times (first load, the same
file again, every row corrected) and prints rows/s.
The charges it loaded are deleted afterwards (`--keep` leaves them). Prints
figures; asserts nothing. Needs a migrated database in DATABASE_URL.
"""

import csv
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eskk_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from billing.models import Branch, Contract, Customer, LedgerEntry  # noqa: E402
from billing.validators import valid_inn  # noqa: E402
from billing.vat import vat_amount, vat_rate_for  # noqa: E402
from core.dates import month_end, month_start  # noqa: E402
from core.formatting import round_money  # noqa: E402
from core.numbers import cyrillic_lookalikes  # noqa: E402

CONTRACTS = 1250
MONTHS = int(os.environ.get("BENCH_ACCRUAL_MONTHS", "80"))
PRICE = Decimal("8.4275")


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


def build_file(path: Path, numbers: list[str], extra_kwh: int = 0) -> int:
    periods = [month_start(dt.date(2019, 1, 1), n) for n in range(MONTHS)]
    rates = {p: vat_rate_for(p) for p in periods}
    rows = 0
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
                rows += 1
    return rows


def timed_import(path: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "import_accruals", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-1]


def main() -> None:
    engine = connection.vendor
    numbers = bench_contracts()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "accruals.csv"
        rows = build_file(path, numbers)
        mb = path.stat().st_size / 1e6
        print(f"import_accruals on {engine}: {rows} rows, {mb:.1f} MB")
        for label in ("first load", "re-run (unchanged)", "every row corrected"):
            if label == "every row corrected":
                build_file(path, numbers, extra_kwh=1)
            seconds, summary = timed_import(path)
            print(f"  {label:<20} {seconds:6.1f} s  {rows / seconds:8.0f} rows/s  | {summary}")
    if "--keep" not in sys.argv:
        LedgerEntry.objects.filter(
            contract__number__in=numbers, doc_number__contains="-BENCH-"
        ).delete()


if __name__ == "__main__":
    main()
