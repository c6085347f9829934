"""The pages of the HTTP benchmark make the same, pinned number of queries for a large
contract as for a small one.

Each test counts the queries of one page for a contract with little data, adds a
lot more (meters, documents, ledger entries, payments), and counts again: both are
the number written in the test, so no page does a query per row (bench/http_bench.py
PAGES). Every count starts with the session and the user with its contract (2).
"""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from billing.models import LedgerEntry
from core.dates import month_end, month_start
from documents.tests.factories import make_vat_invoice
from meters.models import Meter, Reading
from meters.tests.conftest import make_meter, monthly

MANY = 500


def queries_of(client, url: str, expected: int, django_assert_num_queries) -> None:
    """The request for `url` makes `expected` queries (after a first request of the
    session, which also stamps its activity)."""
    assert client.get(url).status_code == 200
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


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


def test_the_account_page_makes_12_queries_for_one_entry_or_500(
    alice_client, alice_contract, django_assert_num_queries
):
    # session, user with the membership, the chosen contract with its customer and branch
    # (core.access); the balances; the penalty report: the ledger, penalties booked, key
    # rates; the recent entries; the 24 months' kWh and charges (charts, forecast), this
    # month's hours (forecast), last month's tariffs (the category hint)
    QUERIES = 12
    url = reverse("billing:account")
    add_ledger(alice_contract, 1)
    queries_of(alice_client, url, QUERIES, django_assert_num_queries)
    add_ledger(alice_contract, MANY)
    queries_of(alice_client, url, QUERIES, django_assert_num_queries)


def test_the_readings_page_makes_5_queries_for_one_meter_or_500(
    alice_client, alice_contract, django_assert_num_queries
):
    # session, user with the membership, the chosen contract (core.access); the meters with their points, the chosen
    # meter's last reading
    QUERIES = 5
    url = reverse("meters:readings")
    meter = make_meter(alice_contract, "1", history=monthly(5000, months=3))
    queries_of(alice_client, url, QUERIES, django_assert_num_queries)
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
    queries_of(alice_client, url, QUERIES, django_assert_num_queries)
    queries_of(alice_client, f"{url}?meter={meters[-1].pk}", QUERIES, django_assert_num_queries)


def test_the_payments_page_makes_5_queries_for_one_payment_or_500(
    alice_client, alice_contract, django_assert_num_queries
):
    # session, user with the membership, the chosen contract (core.access); the card payments, the bank transfers of the ledger
    QUERIES = 5
    url = reverse("payments:list")
    add_ledger(alice_contract, 1, kind="payment")
    queries_of(alice_client, url, QUERIES, django_assert_num_queries)
    add_ledger(alice_contract, MANY, kind="payment")
    queries_of(alice_client, url, QUERIES, django_assert_num_queries)


def test_a_document_list_makes_6_queries_for_one_document_or_500(
    alice_client, alice_contract, django_assert_num_queries
):
    # session, user with the membership, the chosen contract (core.access); the years of the filter, the count, one page
    QUERIES = 6
    url = reverse("documents:vat_invoices")
    make_vat_invoice(alice_contract, number="0")
    queries_of(alice_client, url, QUERIES, django_assert_num_queries)
    for n in range(1, MANY):
        make_vat_invoice(alice_contract, number=str(n), period=dt.date(2026 - n % 3, 10, 1))
    queries_of(alice_client, url, QUERIES, django_assert_num_queries)
    queries_of(alice_client, f"{url}?page=3", QUERIES, django_assert_num_queries)


def test_the_reconciliation_of_12_months_makes_5_queries_for_one_entry_or_500(
    alice_client, alice_contract, django_assert_num_queries
):
    # session, user with the membership, the chosen contract with its customer
    # (core.access); the entries, the balance before them
    QUERIES = 5
    today = timezone.localdate()
    url = reverse("documents:reconciliation") + (
        f"?date_from={month_start(today, -12):%Y-%m}&date_to={month_start(today, -1):%Y-%m}"
    )
    add_ledger(alice_contract, 1)
    queries_of(alice_client, url, QUERIES, django_assert_num_queries)
    add_ledger(alice_contract, MANY)
    response = alice_client.get(url)
    assert "Q-500" in response.content.decode()  # the entries are in the statement
    queries_of(alice_client, url, QUERIES, django_assert_num_queries)
