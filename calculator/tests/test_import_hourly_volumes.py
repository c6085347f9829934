import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from calculator.models import HourlyVolume

HEADER = "city;contract_number;date;hour;kwh\n"


def run(path, *args):
    call_command("import_hourly_volumes", str(path), *args)


def write(tmp_path, text):
    path = tmp_path / "h.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_it_loads_a_contracts_hours_and_a_second_run_changes_nothing(
    alice_contract, tmp_path, capsys
):
    path = write(
        tmp_path, HEADER + "Кемерово;1001;01.10.2026;0;12,5\nkemerovo;1001;01.10.2026;1;13\n"
    )
    run(path)
    assert list(HourlyVolume.objects.values_list("contract__number", "date", "hour", "kwh")) == [
        ("1001", dt.date(2026, 10, 1), 0, D("12.500")),
        ("1001", dt.date(2026, 10, 1), 1, D("13.000")),
    ]
    run(path)
    assert "Создано: 0, обновлено: 0, без изменений: 2" in capsys.readouterr().out
    run(write(tmp_path, HEADER + "г. Кемерово;1001;2026-10-01;0;14\n"))
    assert HourlyVolume.objects.get(hour=0).kwh == D("14")


def test_bad_rows_are_reported_and_nothing_is_written(alice_contract, tmp_path, capsys):
    path = write(
        tmp_path,
        HEADER
        + "Кемерово;1001;01.10.2026;0;1\n"
        + "Москва;1001;01.10.2026;1;1\n"
        + "Кемерово;9999;01.10.2026;1;1\n"
        + "Кемерово;1001;01.10.2026;24;1\n"
        + "Кемерово;1001;01.10.2026;2;-1\n"
        + "Кемерово;1001;01.10.2026;0;2\n",
    )
    with pytest.raises(CommandError, match="Строк с ошибками: 5 из 6"):
        run(path)
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:3: city: «Москва» — нет такого города (Березовский или Кемерово)",
        f"{path}:4: contract_number: нет договора № 9999 в г. Кемерово",
        f"{path}:5: hour: должно быть не больше 23",
        f"{path}:6: kwh: меньше допустимого (0)",
        f"{path}:7: -: повторяет строку 2",
    ]
    assert not HourlyVolume.objects.exists()
