import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from billing.ledger import balance
from billing.models import LedgerEntry

HEADER = "city,contract_number,date,amount,doc_number\n"
PAYMENT = 'Кемерово,1001,15.11.2026,"20000,50",п/п 512\n'


def write(tmp_path, *rows):
    path = tmp_path / "payments.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def run(path, *args):
    call_command("import_payments", str(path), *args)


def test_a_payment_is_a_credit_of_the_contract(alice_contract, tmp_path):
    run(write(tmp_path, PAYMENT))
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.source, entry.date, entry.credit, entry.debit) == (
        "payment", "import", dt.date(2026, 11, 15), Decimal("20000.50"), Decimal("0.00"),
    )  # fmt: skip
    assert balance(alice_contract) == Decimal("20000.50")


def test_a_rerun_changes_nothing_and_a_corrected_amount_updates_in_place(
    alice_contract, tmp_path, capsys
):
    run(write(tmp_path, PAYMENT))
    run(write(tmp_path, PAYMENT))
    assert "Создано: 0, обновлено: 0, без изменений: 1" in capsys.readouterr().out
    run(write(tmp_path, PAYMENT.replace("20000,50", "20000,00")))
    assert LedgerEntry.objects.get().credit == Decimal("20000.00")


def test_the_same_order_number_on_another_day_is_another_payment(alice_contract, tmp_path):
    run(write(tmp_path, PAYMENT, PAYMENT.replace("15.11.2026", "2025-11-15")))
    assert LedgerEntry.objects.count() == 2


def test_bad_rows_are_named_and_nothing_is_written(alice_contract, tmp_path, capsys):
    path = write(
        tmp_path,
        PAYMENT,
        PAYMENT.replace('"20000,50"', "0"),
        PAYMENT.replace('"20000,50"', "сто"),
        PAYMENT.replace("п/п 512", ""),
        PAYMENT.replace("15.11.2026", "15/11/2026"),
        PAYMENT,
    )
    with pytest.raises(CommandError, match="Ничего не записано"):
        run(path)
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:3: amount: сумма оплаты должна быть больше нуля",
        f"{path}:4: amount: «сто» не число",
        f"{path}:5: doc_number: пустое значение",
        f"{path}:6: date: «15/11/2026» не дата (ожидается 31.10.2026 или 2026-10-31)",
        f"{path}:7: -: повторяет строку 2",
    ]
    assert not LedgerEntry.objects.exists()


def test_a_card_payment_already_credited_by_the_portal_is_not_written_twice(
    alice_contract, tmp_path, capsys
):
    LedgerEntry.objects.create(
        contract=alice_contract, kind="payment", source="card", date=dt.date(2026, 11, 15),
        doc_number="п/п 512", credit=Decimal("20000.50"),
    )  # fmt: skip
    run(write(tmp_path, PAYMENT))
    assert LedgerEntry.objects.count() == 1
    assert "без изменений: 1" in capsys.readouterr().out
