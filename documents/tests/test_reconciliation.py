"""«Акт сверки»: built live from the ledger for any range of months up to now."""

import datetime as dt
from decimal import Decimal

import time_machine
from django.urls import reverse

from billing.ledger import balance
from billing.models import LedgerEntry
from documents.statements import reconciliation
from documents.tests.test_pdf import pdf_of


def entry(contract, kind, day, debit="0", credit="0", **fields):
    return LedgerEntry.objects.create(contract=contract, kind=kind, date=day, debit=Decimal(debit),
                                      credit=Decimal(credit), **fields)  # fmt: skip


def ledger(contract):
    """Before the period: a debt of 1 000,00. In it: energy, a penalty, an advance, a payment."""
    entry(
        contract,
        "accrual",
        dt.date(2026, 7, 31),
        debit="1000.00",
        doc_number="СФ-7",
        doc_date=dt.date(2026, 7, 31),
        period=dt.date(2026, 7, 1),
    )
    entry(
        contract,
        "payment",
        dt.date(2026, 8, 10),
        credit="300.00",
        doc_number="п/п 11",
        doc_date=dt.date(2026, 8, 10),
        period=dt.date(2026, 8, 1),
    )
    entry(
        contract,
        "accrual",
        dt.date(2026, 8, 31),
        debit="1234.56",
        doc_number="СФ-8",
        doc_date=dt.date(2026, 8, 31),
        period=dt.date(2026, 8, 1),
    )
    entry(
        contract,
        "payment",
        dt.date(2026, 9, 18),
        credit="1934.56",
        doc_number="п/п 12",
        doc_date=dt.date(2026, 9, 18),
    )
    entry(
        contract,
        "penalty",
        dt.date(2026, 9, 30),
        debit="12.34",
        doc_number="П-9",
        period=dt.date(2026, 9, 1),
    )
    entry(contract, "accrual", dt.date(2026, 11, 30), debit="999.00")  # after the period
    # fmt: skip


@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_opening_and_closing_balances_agree_with_the_ledger(alice_contract, bob_contract):
    ledger(alice_contract)
    entry(bob_contract, "payment", dt.date(2026, 8, 15), credit="5000.00")
    statement = reconciliation(alice_contract, dt.date(2026, 8, 1), dt.date(2026, 10, 1))
    assert statement.opening == Decimal("-1000.00") == balance(alice_contract, dt.date(2026, 7, 31))
    assert statement.opening_debit == Decimal("1000.00")
    assert statement.debit_total == Decimal("1246.90")
    assert statement.credit_total == Decimal("2234.56")
    assert statement.closing == Decimal("-12.34") == balance(alice_contract, dt.date(2026, 10, 31))
    assert statement.end == dt.date(2026, 10, 31)
    assert [line.date.day for line in statement.lines] == [10, 31, 18, 30]


@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_energy_penalties_and_advances_are_on_separate_lines(alice_contract):
    ledger(alice_contract)
    statement = reconciliation(alice_contract, dt.date(2026, 8, 1), dt.date(2026, 10, 1))
    groups = {t.group: (t.debit, t.credit) for t in statement.turnovers}
    assert groups == {
        "Электроэнергия": (Decimal("1234.56"), Decimal("0.00")),
        "Пени": (Decimal("12.34"), Decimal("0.00")),
        "Авансовые платежи": (Decimal("0.00"), Decimal("300.00")),
        "Оплата": (Decimal("0.00"), Decimal("1934.56")),
    }
    descriptions = [line.description for line in statement.lines]
    assert descriptions[0] == "Оплата (аванс) за август 2026"
    assert statement.lines[1].document == "Счет-фактура № СФ-8 от 31.08.2026"
    assert statement.lines[0].document == "Платежное поручение № 11 от 10.08.2026"


@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_the_statement_says_in_whose_favour_the_debt_is_and_names_penalties_apart(
    alice_contract,
):
    ledger(alice_contract)
    entry(alice_contract, "accrual", dt.date(2026, 10, 31), debit="50.00", doc_number="СФ-10",
          period=dt.date(2026, 10, 1))  # fmt: skip
    debt = reconciliation(alice_contract, dt.date(2026, 8, 1), dt.date(2026, 10, 1))
    # «Задолженность» is energy only, as on «Лицевой счет»; the penalty stands beside it.
    assert debt.conclusion == (
        "На 31.10.2026 задолженность в пользу ООО «ЭССК» составляет 50,00 руб. "
        "(Пятьдесят рублей 00 копеек). Пени, начисленные и не оплаченные, составляют "
        "12,34 руб. (Двенадцать рублей 34 копейки)."
    )
    entry(alice_contract, "payment", dt.date(2026, 10, 5), credit="100.00")
    overpaid = reconciliation(alice_contract, dt.date(2026, 8, 1), dt.date(2026, 10, 1))
    # An unstated payment never pays the penalty (ГК РФ ст. 319): an energy overpayment
    # of 50,00 and the penalty still owed, not «87,66 in the buyer's favour».
    assert overpaid.conclusion.startswith(
        "На 31.10.2026 задолженность в пользу ООО «Альфа» составляет 50,00 руб."
    )
    assert "Пени, начисленные и не оплаченные, составляют 12,34 руб." in overpaid.conclusion


def test_energy_paid_in_full_is_no_debt_even_with_a_penalty_owed(alice_contract):
    ledger(alice_contract)
    statement = reconciliation(alice_contract, dt.date(2026, 8, 1), dt.date(2026, 10, 1))
    assert statement.closing_energy == Decimal("0.00")
    assert statement.closing_penalty == Decimal("-12.34")
    assert statement.conclusion.startswith("На 31.10.2026 задолженность отсутствует. Пени,")


def test_an_empty_ledger_gives_a_statement_without_debt(alice_contract):
    statement = reconciliation(alice_contract, dt.date(2026, 1, 1), dt.date(2026, 1, 1))
    assert statement.closing == 0
    assert statement.conclusion == "На 31.01.2026 задолженность отсутствует."


@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_the_current_month_closes_today(alice_contract):
    statement = reconciliation(alice_contract, dt.date(2026, 11, 1), dt.date(2026, 11, 1))
    assert statement.end == dt.date(2026, 11, 28)


@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_the_page_shows_the_statement_for_the_chosen_months(alice_client, alice_contract):
    ledger(alice_contract)
    response = alice_client.get(
        reverse("documents:reconciliation"), {"date_from": "2026-08", "date_to": "2026-10"}
    )
    text = response.content.decode()
    for expected in ("Акт сверки взаимных расчетов", "Сальдо начальное на 01.08.2026", "1 000,00",
                     "Обороты за период", "1 246,90", "2 234,56", "Сальдо конечное на 31.10.2026",
                     "Пени, начисленные и не оплаченные, составляют 12,34 руб.", "4205000016"):  # fmt: skip
        assert expected in text, expected


@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_a_future_month_or_a_reversed_range_is_refused_next_to_the_field(
    alice_client, alice_contract
):
    url = reverse("documents:reconciliation")
    text = alice_client.get(url, {"date_from": "2026-08", "date_to": "2026-12"}).content.decode()
    assert "Период не может быть в будущем." in text and 'value="2026-12"' in text
    text = alice_client.get(url, {"date_from": "2026-10", "date_to": "2026-08"}).content.decode()
    assert "Начало периода позже его конца." in text
    text = alice_client.get(url, {"date_from": "осень", "date_to": "2026-08"}).content.decode()
    assert "Укажите месяц в виде ГГГГ-ММ" in text and "Сальдо" not in text


@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_the_pdf_holds_the_inn_the_contract_and_the_closing_balance(alice_client, alice_contract):
    ledger(alice_contract)
    response = alice_client.get(
        reverse("documents:reconciliation_pdf"), {"date_from": "2026-08", "date_to": "2026-10"}
    )
    assert 'filename="akt-sverki_1001_2026-08_2026-10.pdf"' in response["Content-Disposition"]
    _, text = pdf_of(response)
    assert "4205000016" in text and "№ 1001" in text
    assert "составляют 12,34 руб." in text


@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_bob_sees_only_his_own_ledger(bob_client, alice_contract, bob_contract):
    ledger(alice_contract)
    text = bob_client.get(
        reverse("documents:reconciliation"), {"date_from": "2026-08", "date_to": "2026-10"}
    ).content.decode()
    assert "ООО «Бета»" in text and "СФ-8" not in text and "задолженность отсутствует" in text


@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_a_pdf_asked_for_a_bad_period_leads_back_to_the_form(alice_client, alice_contract):
    response = alice_client.get(reverse("documents:reconciliation_pdf"), {"date_from": "2027-01"})
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:reconciliation") + "?date_from=2027-01"


@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_each_line_names_its_document_as_it_really_was(alice_contract):
    entry(alice_contract, "payment", dt.date(2026, 10, 20), credit="500.00", source="card",
          doc_number="7004512", doc_date=dt.date(2026, 10, 20))  # fmt: skip
    entry(alice_contract, "payment", dt.date(2026, 10, 21), credit="12.34", purpose="penalty",
          doc_number="п/п 15", doc_date=dt.date(2026, 10, 21))  # fmt: skip
    entry(alice_contract, "penalty", dt.date(2026, 10, 31), debit="12.34", source="system",
          period=dt.date(2026, 10, 1), description="Пени (35-ФЗ, ст. 37) по 31.10.2026")  # fmt: skip
    statement = reconciliation(alice_contract, dt.date(2026, 10, 1), dt.date(2026, 10, 1))
    card, penalty_paid, penalty = statement.lines
    assert card.document == "Оплата банковской картой, операция № 7004512 от 20.10.2026"
    assert (penalty_paid.group, penalty_paid.description) == ("Пени", "Оплата пени")
    assert penalty_paid.document == "Платежное поручение № 15 от 21.10.2026"
    assert penalty.document == "Расчет пени на 31.10.2026"
    assert penalty.description.startswith("Пени за октябрь 2026")
    assert statement.closing_penalty == Decimal("0.00")
    assert statement.closing_energy == Decimal("500.00")


@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_the_buyers_half_of_the_table_is_left_for_the_buyer(alice_client, alice_contract):
    ledger(alice_contract)
    url = reverse("documents:reconciliation")
    text = alice_client.get(url, {"date_from": "2026-08", "date_to": "2026-10"}).content.decode()
    assert "По данным ООО «ЭССК»" in text and "По данным ООО «Альфа»" in text
    assert text.count('<td class="buyer-half"></td>') >= 4 * 4  # four empty cells per line
