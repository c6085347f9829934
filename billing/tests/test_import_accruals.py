import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from billing.models import LedgerEntry

HEADER = "city;contract_number;period;doc_number;doc_date;volume_kwh;amount_net;vat;amount\n"
# October 2026: 5 200 kWh, 43 823,00 net, НДС 22 % = 9 641,06, total 53 464,06
OCTOBER = "Кемерово;1001;2026-10;Р-1001-10;31.10.2026;5200,000;43823,00;9641,06;53464,06\n"
# December 2025 billed in January 2026 is still at 20 %
DECEMBER_2025 = "Кемерово;1001;2025-12;Р-1001-12;2026-01-31;1000;8427.50;1685.50;10113.00\n"


def write(tmp_path, *rows, name="accruals.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8-sig")
    return path


def run(path, *args):
    call_command("import_accruals", str(path), *args)


def test_it_writes_each_charge_as_a_debit_of_the_contract(alice_contract, tmp_path):
    run(write(tmp_path, OCTOBER, DECEMBER_2025))
    october = LedgerEntry.objects.get(doc_number="Р-1001-10")
    assert october.contract == alice_contract and october.kind == "accrual"
    assert (october.period, october.date) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert (october.volume_kwh, october.amount_net, october.vat, october.debit) == (
        Decimal("5200.000"), Decimal("43823.00"), Decimal("9641.06"), Decimal("53464.06"),
    )  # fmt: skip
    assert october.credit == 0 and october.source == "import" and october.import_batch


def test_a_rerun_changes_nothing_and_a_changed_row_updates_in_place(
    alice_contract, tmp_path, capsys
):
    path = write(tmp_path, OCTOBER)
    run(path)
    run(path)
    assert "Создано: 0, обновлено: 0, без изменений: 1" in capsys.readouterr().out
    fixed = OCTOBER.replace("5200,000", "5300,000")
    run(write(tmp_path, fixed))
    entry = LedgerEntry.objects.get(doc_number="Р-1001-10")
    assert entry.volume_kwh == Decimal("5300.000")
    assert LedgerEntry.objects.count() == 1
    assert "обновлено: 1" in capsys.readouterr().out


def test_bad_rows_are_named_and_nothing_is_written(alice_contract, tmp_path, capsys):
    path = write(
        tmp_path,
        OCTOBER,
        OCTOBER.replace("1001;2026-10;Р-1001-10", "9999;2026-10;Р-9999"),
        OCTOBER.replace("Р-1001-10", "Р-2").replace("53464,06", "53464,07"),
        OCTOBER.replace("Р-1001-10", "Р-3").replace("9641,06;53464,06", "8764,60;52587,60"),
        OCTOBER.replace("Р-1001-10", "Р-4").replace("2026-10", "октябрь"),
        OCTOBER.replace("Р-1001-10", "Р-5").replace("43823,00", "43 823,001"),
        OCTOBER.replace("Р-1001-10", "Р-6").replace("5200,000", "-1"),
        OCTOBER.replace("Р-1001-10", "Р-7").replace("31.10.2026", "31.10.2099"),
    )
    with pytest.raises(CommandError, match="Строк с ошибками: 7 из 8"):
        run(path)
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:3: contract_number: договор № 9999 не найден (сначала загрузите договоры)",
        f"{path}:4: amount: 53 464,07 не равно amount_net + vat (53 464,06)",
        f"{path}:5: vat: 8 764,60, а НДС 22 % за 10.2026 от 43 823,00 — 9 641,06",
        f"{path}:6: period: «октябрь» не период (ожидается ГГГГ-ММ, например 2026-10)",
        f"{path}:7: amount_net: больше 2 знаков после запятой",
        f"{path}:8: volume_kwh: меньше допустимого (0)",
        f"{path}:9: doc_date: дата 31.10.2099 еще не наступила",
    ]
    assert not LedgerEntry.objects.exists()


def test_vat_follows_the_month_of_supply_not_the_document_date(alice_contract, tmp_path):
    run(write(tmp_path, DECEMBER_2025))
    assert LedgerEntry.objects.get().vat == Decimal("1685.50")
    wrong = DECEMBER_2025.replace("1685.50;10113.00", "1854.05;10281.55")  # 22 % — refused
    with pytest.raises(CommandError):
        run(write(tmp_path, wrong.replace("Р-1001-12", "Р-X")))


def test_a_charge_with_an_issued_document_is_not_changed_by_a_reimport(
    alice_contract, tmp_path, capsys
):
    run(write(tmp_path, OCTOBER))
    LedgerEntry.objects.update(is_locked=True)
    run(write(tmp_path, OCTOBER))  # the same figures: fine, nothing to change
    with pytest.raises(CommandError):
        run(write(tmp_path, OCTOBER.replace("5200,000", "5300,000")))
    assert "Р-1001-10 уже выдан документ" in capsys.readouterr().err
    assert LedgerEntry.objects.get().volume_kwh == Decimal("5200.000")


def test_the_same_number_on_another_contract_is_another_charge(
    alice_contract, bob_contract, tmp_path
):
    bob_row = OCTOBER.replace(";1001;", ";7007;")
    run(write(tmp_path, OCTOBER, bob_row))
    assert LedgerEntry.objects.filter(doc_number="Р-1001-10").count() == 2
