import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from calculator.demo import create_tariff_month
from calculator.models import FlatRate, HourlyRate, MonthlyRate, TariffMonth

HEADER = "month;price_category;voltage_level;power_band;zone;kind;date;hour;rate\n"
GOOD = (
    HEADER
    + "2026-10;1;НН;lt670;;;;;6543,21\n"
    + "2026-10;2;НН;lt670;night2;;;;4500\n"
    + "2026-10;2;НН;lt670;day2;;;;7100,55\n"
    + "2026-10;3;СН2;670-10000;;energy_hourly;01.10.2026;0;2650,10\n"
    + "2026-10;3;СН2;670-10000;;energy_hourly;01.10.2026;1;2600\n"
    + "2026-10;3;СН2;670-10000;;capacity;;;1080000\n"
    + "2026-10;3;СН2;670-10000;;transmission;;;2450\n"
    + "2026-10;6;ВН;ge10000;;deviation_up;01.10.2026;18;140\n"
)


def run(path, *args):
    call_command("import_tariffs", str(path), *args)


def write(tmp_path, text, name="t.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_it_loads_flat_hourly_and_monthly_rates(db, tmp_path, capsys):
    run(write(tmp_path, GOOD))
    month = TariffMonth.objects.get(month=dt.date(2026, 10, 1))
    assert month.is_demo is False
    assert FlatRate.objects.get(price_category=1).rate == D("6543.21")
    assert FlatRate.objects.get(zone="day2").rate == D("7100.55")
    hourly = HourlyRate.objects.get(hour=0)
    assert (hourly.price_category, hourly.voltage_level, hourly.power_band, hourly.rate) == (
        3,
        "СН2",
        "670-10000",
        D("2650.10"),
    )
    assert MonthlyRate.objects.get(kind="capacity").rate == D("1080000")
    up = HourlyRate.objects.get(kind="deviation_up")  # category 6's rate of 1 October 18 h
    assert (up.price_category, up.date, up.hour, up.rate) == (6, dt.date(2026, 10, 1), 18, D("140"))
    assert "Создано: 8, обновлено: 0, без изменений: 0" in capsys.readouterr().out


def test_categories_1_and_2_need_only_the_six_columns_of_the_issue(db, tmp_path):
    run(write(tmp_path, "month,price_category,voltage_level,power_band,zone,rate\n"
                        "2026-10,1,СН1,ge10000,,5000.5\n"))  # fmt: skip
    assert FlatRate.objects.get().rate == D("5000.50")


def test_a_second_run_changes_nothing_and_a_changed_rate_is_updated(db, tmp_path, capsys):
    path = write(tmp_path, GOOD)
    run(path)
    run(path)
    assert "Создано: 0, обновлено: 0, без изменений: 8" in capsys.readouterr().out
    run(write(tmp_path, HEADER + "2026-10;3;СН2;670-10000;;energy_hourly;01.10.2026;0;2700\n"))
    assert HourlyRate.objects.get(hour=0).rate == D("2700")
    assert HourlyRate.objects.count() == 3
    assert "Создано: 0, обновлено: 1, без изменений: 0" in capsys.readouterr().out


def test_published_tariffs_replace_the_demo_tariffs_of_the_month(db, tmp_path):
    create_tariff_month(dt.date(2026, 10, 1), voltages=("НН",), bands=("lt670",))
    run(write(tmp_path, GOOD))
    month = TariffMonth.objects.get()
    assert month.is_demo is False
    assert HourlyRate.objects.count() == 3  # the demo's (4 + 2 × 2) × 744 are gone
    assert FlatRate.objects.get(price_category=1).rate == D("6543.21")


def test_every_bad_row_is_reported_and_nothing_is_written(db, tmp_path, capsys):
    path = write(
        tmp_path,
        HEADER
        + "2026-10;1;НН;lt670;;;;;6543,21\n"  # 2: good
        + "2026-13;1;НН;lt670;;;;;1\n"  # 3
        + "2026-10;7;НН;lt670;;;;;1\n"  # 4
        + "2026-10;1;НН2;lt670;;;;;1\n"  # 5
        + "2026-10;1;НН;big;;;;;1\n"  # 6
        + "2026-10;1;ВН;lt670;night2;;;;1\n"  # 7
        + "2026-10;2;ВН;lt670;;;;;1\n"  # 8
        + "2026-10;3;ВН;lt670;;transmission_losses;;;1\n"  # 9
        + "2026-10;3;ВН;lt670;;energy_hourly;01.11.2026;0;1\n"  # 10
        + "2026-10;3;ВН;lt670;;energy_hourly;01.10.2026;24;1\n"  # 11
        + "2026-10;1;СН1;lt670;;;;;-1\n"  # 12
        + "2026-10;1;НН;lt670;;;;;7000\n"  # 13: repeats 2
        + "2026-10;4;ВН;lt670;peak3;capacity;;;1\n",  # 14
    )
    with pytest.raises(CommandError, match="Строк с ошибками: 12 из 13. Ничего не записано."):
        run(path)
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{path}:3: month: «2026-13» не период (ожидается ГГГГ-ММ, например 2026-10)",
        f"{path}:4: price_category: должно быть не больше 6",
        f"{path}:5: voltage_level: «НН2» — допустимо: ВН, СН1, СН2, НН",
        f"{path}:6: power_band: «big» — допустимо: lt670, 670-10000, ge10000",
        f"{path}:7: zone: у 1-й категории зоны нет (оставьте пустым)",
        f"{path}:8: zone: «» — допустимо для 2-й категории: night2, day2, night3, halfpeak3, peak3",
        f"{path}:9: kind: «transmission_losses» — допустимо для 3-й категории: "
        "energy_hourly, capacity, transmission",
        f"{path}:10: date: 01.11.2026 не из месяца 2026-10",
        f"{path}:11: hour: должно быть не больше 23",
        f"{path}:12: rate: меньше допустимого (0)",
        f"{path}:13: -: повторяет строку 2",
        f"{path}:14: zone: у 4-й категории зон нет (оставьте пустым)",
    ]
    assert not TariffMonth.objects.exists()


def test_an_xlsx_file_is_read(db, tmp_path):
    book = Workbook()
    book.active.append(["month", "price_category", "voltage_level", "power_band", "zone", "rate"])
    book.active.append([dt.date(2026, 10, 1), 2, "НН", "lt670", "peak3", 9876.54])
    path = tmp_path / "t.xlsx"
    book.save(path)
    run(path)
    assert FlatRate.objects.get().rate == D("9876.54")


def test_a_missing_column_is_named(db, tmp_path):
    with pytest.raises(CommandError, match="t.csv:1: rate: нет обязательного столбца"):
        run(write(tmp_path, "month;price_category;voltage_level;power_band\n2026-10;1;НН;lt670\n"))


def test_dry_run_writes_nothing(db, tmp_path, capsys):
    run(write(tmp_path, GOOD), "--dry-run")
    assert not TariffMonth.objects.exists()
    assert "Проверено строк: 8, ошибок нет" in capsys.readouterr().out


def test_deviation_rates_are_hourly_and_only_for_categories_5_and_6(db, tmp_path, capsys):
    path = write(
        tmp_path,
        HEADER
        + "2026-10;5;НН;lt670;;deviation_down;;;110\n"  # 2: no date and hour
        + "2026-10;3;НН;lt670;;deviation_up;01.10.2026;9;140\n"  # 3: not category 3
        + "2026-10;5;НН;lt670;;deviation_down;01.10.2026;9;110\n",  # 4: good
    )
    with pytest.raises(CommandError, match="Строк с ошибками: 2 из 3"):
        run(path)
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:2: date: пустое значение",
        f"{path}:3: kind: «deviation_up» — допустимо для 3-й категории: "
        "energy_hourly, capacity, transmission",
    ]
    assert not HourlyRate.objects.exists()
