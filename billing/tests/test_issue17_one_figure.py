"""Issue 17 proof, «one word for one figure»: «Задолженность» is the energy account on
«Лицевой счет», its history and «Акт сверки», «Пени» stand beside it under one name, and no
page says there is no penalty while the penalty page shows a calculated one."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from billing.models import LedgerEntry
from billing.services import penalty_report
from core.formatting import money

D = Decimal
# 07:00 in Кемерово: in the past of the test run, so the logged-in session stays fresh.
TODAY = dt.datetime(2026, 12, 3, 0, 0, tzinfo=dt.UTC)


def _text(response) -> str:
    """The page as a person reads it: tags dropped, spaces collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ;", ";")


@pytest.fixture
def october_unpaid(alice_contract):
    """October billed 53 464,06, 20 000,00 paid on 15.11."""
    LedgerEntry.objects.create(
        contract=alice_contract, kind="accrual", date=dt.date(2026, 10, 31),
        period=dt.date(2026, 10, 1), doc_number="Р-10", doc_date=dt.date(2026, 10, 31),
        debit=D("53464.06"),
    )  # fmt: skip
    LedgerEntry.objects.create(
        contract=alice_contract, kind="payment", date=dt.date(2026, 11, 15),
        doc_number="п/п 1", doc_date=dt.date(2026, 11, 15), credit=D("20000.00"),
    )  # fmt: skip
    return alice_contract


@time_machine.travel(TODAY, tick=False)
def test_the_debt_and_the_penalty_are_the_same_figures_on_the_account_history_and_statement(
    alice_client, october_unpaid
):
    LedgerEntry.objects.create(
        contract=october_unpaid, kind="penalty", source="system", date=dt.date(2026, 11, 27),
        debit=D("1234.56"),
    )  # fmt: skip
    account = _text(alice_client.get(reverse("billing:account")))
    assert "Задолженность 33 464,06 руб." in account
    assert "Пени начисленные 1 234,56 руб." in account

    history = _text(
        alice_client.get(
            reverse("billing:history"), {"date_from": "2026-10-01", "date_to": "2026-12-03"}
        )
    )
    assert (
        "На конец периода Задолженность: 33 464,06 руб.; Пени начисленные: 1 234,56 руб." in history
    )

    statement = _text(
        alice_client.get(
            reverse("documents:reconciliation"), {"date_from": "2026-10", "date_to": "2026-12"}
        )
    )
    assert "На 03.12.2026 задолженность в пользу ООО «ЭССК» составляет 33 464,06 руб." in statement
    assert "Пени, начисленные и не оплаченные, составляют 1 234,56 руб." in statement


@time_machine.travel(TODAY, tick=False)
def test_no_page_says_there_is_no_penalty_while_one_is_calculated(alice_client, october_unpaid):
    calculated = penalty_report(october_unpaid, dt.date(2026, 12, 3)).total
    assert calculated > 0  # nothing booked yet: the next penalty run books it
    penalties = _text(alice_client.get(reverse("billing:penalties")))
    assert f"Пени по расчету на 03.12.2026 {money(calculated)}" in penalties

    account = _text(alice_client.get(reverse("billing:account")))
    assert "Пени начисленные нет" in account
    assert f"Пени по расчету на 03.12.2026, еще не начисленные {money(calculated)}" in account
    history = _text(alice_client.get(reverse("billing:history"), {"date_from": "2026-10-01"}))
    for text in (account, history):
        assert "Пени нет" not in text and "Пени: нет" not in text
    assert "Пени начисленные: нет" in history

    pay = _text(alice_client.get(reverse("payments:pay"), {"purpose": "penalty"}))
    assert f"пени — к оплате {money(calculated)}" in pay
