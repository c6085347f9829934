"""`manage.py import_readings`: the billing system's readings, checked first, idempotent."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from meters.models import Reading
from meters.tests.conftest import make_meter

HEADER = "city;contract_number;meter_number;date;value;zone\n"


def run(path, *args):
    return call_command("import_readings", str(path), *args)


@pytest.fixture
def meters(alice_contract, kemerovo):
    single = make_meter(alice_contract, "108008060")
    double = make_meter(alice_contract, "36125481", zones=2, decimals=1)
    return single, double


def test_readings_are_created_and_a_rerun_changes_nothing(db, meters, tmp_path, capsys):
    single, double = meters
    path = tmp_path / "r.csv"
    path.write_text(
        HEADER
        + "Кемерово;1001;108008060;31.10.2026;36156;\n"
        + "г. Кемерово;1001;36125481;2026-10-31;20450,5;день\n"
        + "kemerovo;1001;36125481;2026-10-31;9000;N\n",
        encoding="utf-8",
    )
    run(path)
    assert "Создано: 3, обновлено: 0, без изменений: 0" in capsys.readouterr().out
    reading = Reading.objects.get(meter=single)
    assert (reading.date, reading.zone, reading.value) == (dt.date(2026, 10, 31), "T", 36156)
    assert reading.source == Reading.Source.IMPORT
    assert dict(double.readings.values_list("zone", "value")) == {
        "D": Decimal("20450.5"),
        "N": Decimal("9000"),
    }
    run(path)
    assert "Создано: 0, обновлено: 0, без изменений: 3" in capsys.readouterr().out
    assert Reading.objects.count() == 3


def test_a_changed_value_replaces_the_stored_one_even_a_customers(db, meters, tmp_path, capsys):
    single, _ = meters
    Reading.objects.create(
        meter=single, date=dt.date(2026, 10, 31), value=36100, status=Reading.Status.FLAGGED
    )
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "Кемерово;1001;108008060;31.10.2026;36156;\n", encoding="utf-8")
    run(path)
    assert "Создано: 0, обновлено: 1, без изменений: 0" in capsys.readouterr().out
    reading = Reading.objects.get(meter=single)
    assert (reading.value, reading.source, reading.status) == (36156, "import", "accepted")


def test_bad_rows_are_all_reported_and_nothing_is_written(db, meters, tmp_path, capsys):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    path = tmp_path / "r.csv"
    path.write_text(
        HEADER
        + "Кемерово;1001;108008060;31.10.2026;36156;\n"
        + "Новосибирск;1001;108008060;31.10.2026;1;\n"
        + "Кемерово;1001;999;31.10.2026;1;\n"
        + "Кемерово;1001;108008060;31.10.2026;1000000;\n"
        + "Кемерово;1001;108008060;30.10.2026;-1;\n"
        + "Кемерово;1001;108008060;30.10.2026;1,5;\n"
        + f"Кемерово;1001;108008060;{tomorrow:%d.%m.%Y};1;\n"
        + "Кемерово;1001;36125481;31.10.2026;1;\n"
        + "Кемерово;1001;36125481;31.10.2026;1;пик\n"
        + "Кемерово;1001;108008060;2026-10-31;36156;сутки\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="Строк с ошибками: 9 из 10. Ничего не записано."):
        run(path)
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:3: city: «Новосибирск» — нет такого города (Березовский или Кемерово)",
        f"{path}:4: meter_number: прибора учета 999 нет в договоре 1001",
        f"{path}:5: value: У этого прибора учета не более 6 цифр до запятой.",
        f"{path}:6: value: Показание не может быть отрицательным.",
        f"{path}:7: value: Показание этого прибора учета — целое число, без дробной части.",
        f"{path}:8: date: дата показания в будущем",
        f"{path}:9: zone: у прибора учета 36125481 несколько зон: укажите день, ночь",
        f"{path}:10: zone: «пик» — у прибора учета 36125481 зоны: день, ночь",
        f"{path}:11: -: повторяет строку 2",
    ]
    assert not Reading.objects.exists()


def test_dry_run_writes_nothing(db, meters, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "Кемерово;1001;108008060;31.10.2026;36156;\n", encoding="utf-8")
    run(path, "--dry-run")
    assert not Reading.objects.exists()


def test_an_xlsx_without_the_zone_column_is_read(db, meters, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["city", "contract_number", "meter_number", "date", "value"])
    book.active.append(["Кемерово", "1001", 108008060, dt.datetime(2026, 10, 31), 36156.0])
    path = tmp_path / "r.xlsx"
    book.save(path)
    run(path)
    assert Reading.objects.get().value == 36156


def test_many_rows_are_written_in_few_queries(db, meters, tmp_path, django_assert_max_num_queries):
    single, _ = meters
    days = [dt.date(2016, 1, 1) + dt.timedelta(days=n) for n in range(3000)]
    path = tmp_path / "r.csv"
    path.write_text(
        HEADER
        + "".join(f"Кемерово;1001;108008060;{d:%d.%m.%Y};{n};\n" for n, d in enumerate(days)),
        encoding="utf-8",
    )
    # The look-ups once, then per batch of 2000 what is stored and the upsert (which
    # SQLite splits at 999 parameters): far from a query per row.
    with django_assert_max_num_queries(60):
        run(path)
    assert single.readings.count() == 3000


def test_a_lower_value_from_billing_is_a_correction_never_a_rollover(db, meters, tmp_path):
    from meters.readings import history

    single, _ = meters
    Reading.objects.create(meter=single, date=dt.date(2026, 9, 30), value=36000)
    Reading.objects.create(meter=single, date=dt.date(2026, 10, 31), value=36156)
    Reading.objects.create(meter=single, date=dt.date(2026, 11, 20), value=1, rollover=True)
    path = tmp_path / "r.csv"
    path.write_text(
        HEADER
        + "Кемерово;1001;108008060;31.10.2026;36150;\n"
        + "Кемерово;1001;108008060;20.11.2026;36140;\n",
        encoding="utf-8",
    )
    run(path)
    assert not single.readings.filter(rollover=True).exists()
    used = [(row.reading.date, row.consumption) for row in history(single)]
    assert used == [
        (dt.date(2026, 11, 20), Decimal("-10")),
        (dt.date(2026, 10, 31), Decimal("150")),
        (dt.date(2026, 9, 30), None),
    ]
