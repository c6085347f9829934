import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import LedgerEntry

URL = reverse("billing:history")


@pytest.fixture
def year_of_payments(alice_contract):
    return [
        LedgerEntry.objects.create(
            contract=alice_contract, kind="payment", date=dt.date(2025, 12, 1) + dt.timedelta(days=7 * i),
            credit=Decimal("100.00"), doc_number=f"п/п {i}",
        )
        for i in range(52)
    ]  # fmt: skip


def test_history_is_paged_newest_first(alice_client, year_of_payments):
    first = alice_client.get(URL).content.decode()
    assert "№ п/п 51" in first and "№ п/п 26" not in first
    assert "Страница 1 из 3" in first
    third = alice_client.get(URL, {"page": 3}).content.decode()
    assert "№ п/п 0<" in third or "№ п/п 0 " in third


def test_history_filters_by_period_with_opening_and_closing_balances(alice_client, alice_contract):
    LedgerEntry.objects.create(contract=alice_contract, kind="accrual", date=dt.date(2026, 9, 30),
                               debit=Decimal("1000.00"), doc_number="Р-9")  # fmt: skip
    LedgerEntry.objects.create(contract=alice_contract, kind="payment", date=dt.date(2026, 10, 15),
                               credit=Decimal("400.00"), doc_number="п/п 1")  # fmt: skip
    LedgerEntry.objects.create(contract=alice_contract, kind="payment", date=dt.date(2026, 11, 15),
                               credit=Decimal("600.00"), doc_number="п/п 2")  # fmt: skip
    text = alice_client.get(
        URL, {"date_from": "2026-10-01", "date_to": "31.10.2026"}
    ).content.decode()
    assert "№ п/п 1" in text and "№ п/п 2" not in text and "№ Р-9" not in text
    assert "Задолженность: 1 000,00 руб." in text  # at the start of October
    assert "Задолженность: 600,00 руб." in text  # at the end of it


def test_a_period_ending_before_it_starts_is_refused_next_to_the_field(
    alice_client, year_of_payments
):
    response = alice_client.get(URL, {"date_from": "2026-10-01", "date_to": "2026-09-01"})
    text = response.content.decode()
    assert "Конец периода раньше его начала." in text
    assert 'value="2026-10-01"' in text


def test_history_queries_do_not_grow_with_the_page(
    alice_client, year_of_payments, django_assert_num_queries
):
    # session, user with its contract, count, page, turnovers
    with django_assert_num_queries(6):
        alice_client.get(URL)


def test_an_operation_of_the_contract_opens_in_full(alice_client, alice_contract):
    entry = LedgerEntry.objects.create(
        contract=alice_contract, kind="accrual", date=dt.date(2026, 10, 31), period=dt.date(2026, 10, 1),
        doc_number="Р-10", volume_kwh=Decimal("5200"), amount_net=Decimal("43823.00"),
        vat=Decimal("9641.06"), debit=Decimal("53464.06"),
    )  # fmt: skip
    text = alice_client.get(reverse("billing:entry", args=[entry.pk])).content.decode()
    for fact in (
        "октябрь 2026",
        "5 200,000 кВт·ч",
        "43 823,00 руб.",
        "9 641,06 руб.",
        "53 464,06 руб.",
    ):
        assert fact in text


def test_another_contracts_operation_is_not_found(alice_client, bob_contract):
    bobs = LedgerEntry.objects.create(contract=bob_contract, kind="payment", date=dt.date(2026, 11, 1),
                                      credit=Decimal("5.00"))  # fmt: skip
    assert alice_client.get(reverse("billing:entry", args=[bobs.pk])).status_code == 404
    assert "5,00" not in alice_client.get(URL).content.decode()


def test_bob_cannot_open_alices_operation_nor_see_her_figures(bob_client, alice_contract):
    alices = LedgerEntry.objects.create(contract=alice_contract, kind="accrual", date=dt.date(2026, 10, 31),
                                        debit=Decimal("4321.00"), doc_number="АЛИСА-1")  # fmt: skip
    assert bob_client.get(reverse("billing:entry", args=[alices.pk])).status_code == 404
    for url in (reverse("billing:account"), URL, reverse("billing:penalties")):
        text = bob_client.get(url).content.decode()
        assert "АЛИСА-1" not in text and "4 321,00" not in text and "ООО «Альфа»" not in text


@pytest.mark.parametrize(
    "query",
    [{"date_from": "01.01.0001"}, {"date_to": "9999-12-31"}, {"date_from": "31.02.2026"},
     {"date_from": "x" * 500}, {"page": "-1"}, {"page": "9" * 40}, {"date_from": "\x00"}],
)  # fmt: skip
def test_any_filter_input_gives_a_page_not_an_error(alice_client, alice_contract, query):
    assert alice_client.get(URL, query).status_code == 200
    assert (
        alice_client.get(
            reverse("billing:penalties"), {"on_date": query.get("date_from", "0001-01-01")}
        ).status_code
        == 200
    )
