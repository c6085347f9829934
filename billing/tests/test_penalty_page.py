import datetime as dt
from decimal import Decimal

from django.urls import reverse

from billing.models import LedgerEntry

URL = reverse("billing:penalties")


def test_it_shows_each_late_amount_with_its_days_rate_and_penalty(alice_client, alice_contract):
    LedgerEntry.objects.create(
        contract=alice_contract, kind="accrual", date=dt.date(2026, 10, 31), period=dt.date(2026, 10, 1),
        doc_number="Р-10", debit=Decimal("120000.00"),
    )  # fmt: skip
    text = alice_client.get(URL, {"on_date": "2026-11-27"}).content.decode()
    # the worked example of test_accrue_penalties: 1 287,69 + 729,69 + 114,46
    assert "Окончательный расчет за октябрь 2026" in text
    assert "120 000,00" in text and "18.11.2026" in text and '<td class="num">9</td>' in text
    assert "15,50 %" in text and "1 287,69" in text
    assert "2 131,84 руб." in text
    assert "пересчитываются при изменении ключевой ставки" in text


def test_a_future_date_is_refused_next_to_the_field(alice_client):
    text = alice_client.get(URL, {"on_date": "2099-01-01"}).content.decode()
    assert "Дата расчета не может быть в будущем." in text


def test_without_overdue_payments_it_says_so(alice_client):
    assert "пени не начисляются" in alice_client.get(URL).content.decode()


def test_it_uses_only_the_customers_own_ledger(alice_client, bob_contract):
    LedgerEntry.objects.create(contract=bob_contract, kind="accrual", date=dt.date(2026, 9, 30),
                               period=dt.date(2026, 9, 1), debit=Decimal("999999.00"))  # fmt: skip
    assert "пени не начисляются" in alice_client.get(URL).content.decode()


def test_the_calculation_runs_a_fixed_number_of_queries(
    alice_client, alice_contract, django_assert_num_queries
):
    for month in range(1, 13):
        LedgerEntry.objects.create(
            contract=alice_contract, kind="accrual", date=dt.date(2025, month, 28),
            period=dt.date(2025, month, 1), doc_number=f"Р-{month}", debit=Decimal("1000.00"),
        )  # fmt: skip
    # session, user with its contract; operations, booked penalties, key rates
    with django_assert_num_queries(6):
        alice_client.get(URL, {"on_date": "2026-11-27"})
