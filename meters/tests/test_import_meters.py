"""`manage.py import_meters`: delivery points, meters and their last readings from billing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meters.models import DeliveryPoint, Meter, Reading

HEADER = (
    "city;contract_number;point_code;point_address;meter_number;meter_model;coefficient;"
    "digits;zones;last_reading_date;last_reading_value\n"
)
SEED_ROW = (
    "Кемерово;1001;ТП-1001-1;Кемеровская обл., г. Кемерово, ул. Мира, 1;108008060;"
    "СКАТ 101Э/1-3 ШР1;1;6;1;31.10.2026;36156\n"
)
TWO_ZONE_ROW = (
    "Кемерово;1001;ТП-1001-1;Кемеровская обл., г. Кемерово, ул. Мира, 1;36125481;"
    "Нева МТ 124;300/5;6;2;31.10.2026;20450/9000\n"
)


def run(path, *args):
    return call_command("import_meters", str(path), *args)


def test_points_meters_and_last_readings_are_created_and_a_rerun_changes_nothing(
    alice_contract, tmp_path, capsys
):
    path = tmp_path / "m.csv"
    path.write_text(HEADER + SEED_ROW + TWO_ZONE_ROW, encoding="utf-8")
    run(path)
    assert "Создано: 2, обновлено: 0, без изменений: 0" in capsys.readouterr().out
    point = DeliveryPoint.objects.get(contract=alice_contract, code="ТП-1001-1")
    seed = Meter.objects.get(delivery_point=point, number="108008060")
    assert (seed.model, seed.coefficient, seed.digits, seed.zones) == ("СКАТ 101Э/1-3 ШР1", 1, 6, 1)
    assert seed.readings.get().value == 36156
    two = Meter.objects.get(number="36125481")
    assert two.coefficient == Decimal("60")  # written as the ratio 300/5
    assert dict(two.readings.values_list("zone", "value")) == {"D": 20450, "N": 9000}
    run(path)
    assert "Создано: 0, обновлено: 0, без изменений: 2" in capsys.readouterr().out
    assert Meter.objects.count() == 2 and Reading.objects.count() == 3


def test_a_changed_model_address_or_reading_updates(alice_contract, tmp_path, capsys):
    path = tmp_path / "m.csv"
    path.write_text(HEADER + SEED_ROW, encoding="utf-8")
    run(path)
    path.write_text(
        HEADER + SEED_ROW.replace("ул. Мира, 1", "ул. Мира, 3").replace(";36156", ";36200"),
        encoding="utf-8",
    )
    run(path)
    assert "Создано: 0, обновлено: 1, без изменений: 0" in capsys.readouterr().out.splitlines()[-1]
    assert DeliveryPoint.objects.get().address.endswith("ул. Мира, 3")
    assert Reading.objects.get(date=dt.date(2026, 10, 31)).value == 36200


def test_a_meter_without_a_last_reading_is_fine(alice_contract, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(HEADER + SEED_ROW.replace(";31.10.2026;36156", ";;"), encoding="utf-8")
    run(path)
    assert Meter.objects.exists() and not Reading.objects.exists()


def test_bad_rows_are_all_reported_and_nothing_is_written(alice_contract, tmp_path, capsys):
    path = tmp_path / "m.csv"
    path.write_text(
        HEADER
        + SEED_ROW
        + SEED_ROW.replace("1001;", "9999;", 1)
        + SEED_ROW.replace(";1;6;1;", ";0;6;1;").replace("108008060", "2")
        + SEED_ROW.replace(";1;6;1;", ";1;6;4;").replace("108008060", "3")
        + SEED_ROW.replace(";36156", ";1234567").replace("108008060", "4")
        + TWO_ZONE_ROW.replace("20450/9000", "20450")
        + SEED_ROW.replace(";31.10.2026;", ";;").replace("108008060", "5")
        + SEED_ROW,
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="Строк с ошибками: 7 из 8"):
        run(path)
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:3: contract_number: договора 9999 в этом городе нет",
        f"{path}:4: coefficient: меньше допустимого (0.0001)",
        f"{path}:5: zones: должно быть не больше 3",
        f"{path}:6: last_reading_value: У этого прибора учета не более 6 цифр до запятой.",
        f"{path}:7: last_reading_value: ожидается значений: 2 (по числу зон, через «/»)",
        f"{path}:8: last_reading_date: последнее показание — это дата и значение вместе",
        f"{path}:9: -: повторяет строку 2",
    ]
    assert not Meter.objects.exists() and not DeliveryPoint.objects.exists()
