import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meters.models import HourlyVolume
from meters.tests.conftest import make_meter

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
    make_meter(alice_contract)
    path = write(
        tmp_path, HEADER + "Кемерово;1001;01.10.2026;0;12,5\nkemerovo;1001;01.10.2026;1;13\n"
    )
    run(path)
    assert list(
        HourlyVolume.objects.values_list("delivery_point__contract__number", "date", "hour", "kwh")
    ) == [
        ("1001", dt.date(2026, 10, 1), 0, D("12.500")),
        ("1001", dt.date(2026, 10, 1), 1, D("13.000")),
    ]
    run(path)
    assert "Создано: 0, обновлено: 0, без изменений: 2" in capsys.readouterr().out
    run(write(tmp_path, HEADER + "г. Кемерово;1001;2026-10-01;0;14\n"))
    assert HourlyVolume.objects.get(hour=0).kwh == D("14")


def test_bad_rows_are_reported_and_nothing_is_written(alice_contract, tmp_path, capsys):
    make_meter(alice_contract)
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


def test_a_contract_with_several_points_needs_the_point_and_it_must_be_its_own(
    alice_contract, bob_contract, tmp_path, capsys
):
    make_meter(alice_contract, "1", point_code="ТП-1")
    make_meter(alice_contract, "2", point_code="ТП-2")
    make_meter(bob_contract, "3", point_code="ТП-9")
    header = "city;contract_number;point;date;hour;kwh\n"
    path = write(
        tmp_path,
        header
        + "Кемерово;1001;тп-2;01.10.2026;0;5\n"
        + "Кемерово;1001;;01.10.2026;1;5\n"
        + "Кемерово;1001;ТП-9;01.10.2026;2;5\n",
    )
    with pytest.raises(CommandError, match="Строк с ошибками: 2 из 3"):
        run(path)
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:3: point: у договора несколько точек поставки: укажите код точки",
        f"{path}:4: point: у договора № 1001 нет точки поставки «ТП-9»",
    ]
    run(write(tmp_path, header + "Кемерово;1001;тп-2;01.10.2026;0;5\n"))
    assert list(HourlyVolume.objects.values_list("delivery_point__code", "kwh")) == [
        ("ТП-2", D("5.000"))
    ]
