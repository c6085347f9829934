"""The pages of the HTTP benchmark make as many queries for a large contract as for a small one.

Each test counts the queries of one page for a contract with little data, adds a
lot more (meters, documents, ledger entries, payments), and counts again: the
counts are equal, so no page does a query per row (bench/http_bench.py PAGES). Each
count is taken twice: for a page built from the database and for one whose content
comes from the page cache.
"""

import datetime as dt
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing.models import LedgerEntry
from core.dates import month_end, month_start
from documents.tests.factories import make_vat_invoice
from meters.models import Meter, Reading
from meters.tests.conftest import make_meter, monthly

MANY = 500


def queries_of(client, url: str) -> tuple[int, int]:
    """Queries of one request building the page and of one served from the page cache
    (core/pagecache.py), after a first request that also stamps the session."""
    assert client.get(url).status_code == 200
    cache.clear()
    counts = []
    for _ in ("built", "cached"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    return counts[0], counts[1]


def add_ledger(contract, count: int, kind: str = "mixed") -> None:
    """`count` charges and payments in the last twelve months (the statement's range)."""
    today = timezone.localdate()
    entries = []
    first = LedgerEntry.objects.count()  # document numbers stay unique across calls
    for n in range(first, first + count):
        period = month_start(today, -1 - n % 12)
        charge = kind == "accrual" or (kind == "mixed" and n % 2 == 0)
        entries.append(
            LedgerEntry(
                contract=contract, kind="accrual" if charge else "payment",
                date=month_end(period) if charge else period + dt.timedelta(days=n % 27),
                period=period if charge else None, doc_number=f"Q-{n}",
                debit=Decimal("100.00") if charge else Decimal(0),
                credit=Decimal(0) if charge else Decimal("100.00"),
            )
        )  # fmt: skip
    LedgerEntry.objects.bulk_create(entries)


def test_the_account_page_makes_as_many_queries_for_500_entries_as_for_one(
    alice_client, alice_contract
):
    url = reverse("billing:account")
    add_ledger(alice_contract, 1)
    few = queries_of(alice_client, url)
    add_ledger(alice_contract, MANY)
    assert queries_of(alice_client, url) == few


def test_the_readings_page_makes_as_many_queries_for_500_meters_as_for_one(
    alice_client, alice_contract
):
    url = reverse("meters:readings")
    meter = make_meter(alice_contract, "1", history=monthly(5000, months=3))
    few = queries_of(alice_client, url)
    meters = Meter.objects.bulk_create(
        [
            Meter(delivery_point=meter.delivery_point, number=f"M{n:04d}", model="Меркурий 234")
            for n in range(MANY - 1)
        ]
    )
    Reading.objects.bulk_create(
        [
            Reading(meter=m, date=day, value=value, source="import")
            for m in meters
            for day, value in monthly(5000, months=3)
        ]
    )
    assert queries_of(alice_client, url) == few
    assert queries_of(alice_client, f"{url}?meter={meters[-1].pk}") == few


def test_the_payments_page_makes_as_many_queries_for_500_payments_as_for_one(
    alice_client, alice_contract
):
    url = reverse("payments:list")
    add_ledger(alice_contract, 1, kind="payment")
    few = queries_of(alice_client, url)
    add_ledger(alice_contract, MANY, kind="payment")
    assert queries_of(alice_client, url) == few


def test_a_document_list_makes_as_many_queries_for_500_documents_as_for_one(
    alice_client, alice_contract
):
    url = reverse("documents:vat_invoices")
    make_vat_invoice(alice_contract, number="0")
    few = queries_of(alice_client, url)
    for n in range(1, MANY):
        make_vat_invoice(alice_contract, number=str(n), period=dt.date(2026 - n % 3, 10, 1))
    assert queries_of(alice_client, url) == few
    assert queries_of(alice_client, f"{url}?page=3") == few


def test_the_reconciliation_of_12_months_makes_as_many_queries_for_500_entries_as_for_one(
    alice_client, alice_contract
):
    today = timezone.localdate()
    url = reverse("documents:reconciliation") + (
        f"?date_from={month_start(today, -12):%Y-%m}&date_to={month_start(today, -1):%Y-%m}"
    )
    add_ledger(alice_contract, 1)
    few = queries_of(alice_client, url)
    add_ledger(alice_contract, MANY)
    response = alice_client.get(url)
    assert "Q-500" in response.content.decode()  # the entries are in the statement
    assert queries_of(alice_client, url) == few
