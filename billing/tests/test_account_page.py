import datetime as dt
from decimal import Decimal

from django.urls import reverse

from billing.models import LedgerEntry

URL = reverse("billing:account")


def add(contract, kind, day, debit="0", credit="0", **fields):
    return LedgerEntry.objects.create(
        contract=contract,
        kind=kind,
        date=day,
        debit=Decimal(debit),
        credit=Decimal(credit),
        **fields,
    )


def test_it_shows_who_the_customer_is(alice_client, alice_contract):
    text = alice_client.get(URL).content.decode()
    for fact in ("ООО «Альфа»", "650000, г. Кемерово, ул. Мира, 1001", "4205000016", "420501001",
                 "№ 1001 от 15.01.2020"):  # fmt: skip
        assert fact in text


def test_a_debt_is_worded_as_debt_with_penalties_apart_and_the_date_of_the_figures(
    alice_client, alice_contract
):
    add(alice_contract, "accrual", dt.date(2026, 10, 31), debit="53464.06", doc_number="Р-10",
        period=dt.date(2026, 10, 1), volume_kwh=Decimal("5200"))  # fmt: skip
    add(alice_contract, "payment", dt.date(2026, 11, 15), credit="20000.00", doc_number="п/п 1")
    add(alice_contract, "penalty", dt.date(2026, 11, 27), debit="1234.56", source="system")
    text = alice_client.get(URL).content.decode()
    assert (
        '<dt>Задолженность</dt>\n    <dd class="money debt" data-testid="energy">33 464,06 руб.</dd>'
        in text
    )
    assert (
        '<dt>Пени начисленные</dt>\n    <dd class="money debt" data-testid="penalty">1 234,56 руб.</dd>'
        in text
    )
    assert "на 27.11.2026" in text
    assert "-33" not in text and "−33" not in text
    assert "Вся история операций" in text and "Показать расчет пени" in text


def test_an_overpayment_is_worded_as_overpayment(alice_client, alice_contract):
    add(alice_contract, "payment", dt.date(2026, 11, 15), credit="100.10")
    text = alice_client.get(URL).content.decode()
    assert (
        '<dt>Переплата</dt>\n    <dd class="money overpayment" data-testid="energy">100,10 руб.</dd>'
        in text
    )
    assert (
        '<dt>Пени начисленные</dt>\n    <dd class="money " data-testid="penalty">нет</dd>' in text
    )
    assert 'data-testid="penalty-calculated"' not in text


def test_it_lists_the_last_five_operations_newest_first(alice_client, alice_contract):
    for day in range(1, 9):
        add(alice_contract, "payment", dt.date(2026, 11, day), credit="1", doc_number=f"п/п {day}")
    text = alice_client.get(URL).content.decode()
    assert "№ п/п 8" in text and "№ п/п 4" in text and "№ п/п 3" not in text
    assert text.index("№ п/п 8") < text.index("№ п/п 4")


def test_another_customers_operations_never_show(alice_client, alice_contract, bob_contract):
    add(bob_contract, "accrual", dt.date(2026, 10, 31), debit="777.77", doc_number="БОБ-1")
    text = alice_client.get(URL).content.decode()
    assert "БОБ-1" not in text and "777,77" not in text


def test_a_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
