"""`manage.py import_peak_hours`: the system operator's peak hours and the three-zone intervals."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from calculator.models import CapacityPeakHour, MonthHours

HEADER = "kind;month;date;hours;time\n"
GOOD = (
    HEADER
    + "network_peak;2026-11;;8-10, 17-20;\n"
    + "night3;2026-11;;23, 0-6;\n"
    + "halfpeak3;2026-11;;10-16, 21-22;\n"
    + "peak3;2026-11;;3-5, 13-16;мск\n"  # Moscow time: 7–9 and 17–20 local
    + "capacity;2026-11;02.11.2026;18;\n"
    + "capacity;;03.11.2026;14;мск\n"  # 18 local
)


def run(path, *args):
    call_command("import_peak_hours", str(path), *args)


def write(tmp_path, text):
    path = tmp_path / "h.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_it_loads_the_months_hours_and_the_daily_peak_hours(db, tmp_path, capsys):
    run(write(tmp_path, GOOD))
    november = dt.date(2026, 11, 1)
    hours = dict(MonthHours.objects.filter(month=november).values_list("kind", "hours"))
    assert hours == {
        "network_peak": "8-10, 17-20", "night3": "0-6, 23", "halfpeak3": "10-16, 21-22",
        "peak3": "7-9, 17-20",
    }  # fmt: skip
    assert dict(CapacityPeakHour.objects.values_list("date", "hour")) == {
        dt.date(2026, 11, 2): 18,
        dt.date(2026, 11, 3): 18,
    }
    assert "Создано: 6, обновлено: 0, без изменений: 0" in capsys.readouterr().out


def test_a_second_run_changes_nothing_and_a_changed_hour_is_updated(db, tmp_path, capsys):
    run(write(tmp_path, GOOD))
    run(write(tmp_path, GOOD))
    assert "Создано: 0, обновлено: 0, без изменений: 6" in capsys.readouterr().out.splitlines()[-1]
    run(write(tmp_path, HEADER + "capacity;;02.11.2026;9;\nnetwork_peak;2026-11;;8-11;\n"))
    assert CapacityPeakHour.objects.get(date=dt.date(2026, 11, 2)).hour == 9
    assert MonthHours.objects.get(kind="network_peak").hours == "8-11"
    assert "Создано: 0, обновлено: 2, без изменений: 0" in capsys.readouterr().out


def test_every_bad_row_is_reported_and_nothing_is_written(db, tmp_path, capsys):
    path = write(
        tmp_path,
        HEADER
        + "network_peak;2026-11;;8-10;\n"  # 2: good
        + "lunch;2026-11;;12;\n"  # 3
        + "network_peak;2026-11;;8-25;\n"  # 4
        + "capacity;;04.11.2026;18;\n"  # 5: a holiday
        + "capacity;;07.11.2026;18;\n"  # 6: a Saturday
        + "capacity;;05.11.2026;9, 18;\n"  # 7: two hours
        + "capacity;2026-12;05.11.2026;18;\n"  # 8: another month
        + "night3;2026-11;05.11.2026;0-6;\n"  # 9: a date for a month's hours
        + "network_peak;2026-11;;8-10;utc\n"  # 10
        + "network_peak;2026-11;;9;\n",  # 11: repeats 2
    )
    with pytest.raises(CommandError, match="Строк с ошибками: 9 из 10. Ничего не записано."):
        run(path)
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:3: kind: «lunch» — допустимо: capacity, network_peak, night3, halfpeak3, peak3",
        f"{path}:4: hours: «8-25» — часы 0–23 через запятую, диапазоны через дефис: 8-10, 17-20",
        f"{path}:5: date: 04.11.2026 не рабочий день производственного календаря",
        f"{path}:6: date: 07.11.2026 не рабочий день производственного календаря",
        f"{path}:7: hours: у рабочего дня один час пиковой нагрузки",
        f"{path}:8: month: день 05.11.2026 не из этого месяца",
        f"{path}:9: date: у night3 дня нет: только month (оставьте пустым)",
        f"{path}:10: time: «utc» — допустимо: местное, мск",
        f"{path}:11: -: повторяет строку 2",
    ]
    assert not MonthHours.objects.exists() and not CapacityPeakHour.objects.exists()


def test_zones_of_a_month_may_not_overlap_and_three_must_cover_the_day(db, tmp_path, capsys):
    overlap = HEADER + "night3;2026-11;;0-7;\npeak3;2026-11;;7-9, 17-20;\n"
    with pytest.raises(CommandError, match="Строк с ошибками: 1 из 2"):
        run(write(tmp_path, overlap))
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith("h.csv:3: hours: час 7 уже в зоне night3 месяца 2026-11")
    )
    gap = (
        HEADER
        + "night3;2026-11;;0-5, 23;\nhalfpeak3;2026-11;;10-16, 21-22;\npeak3;2026-11;;7-9, 17-20;\n"
    )
    with pytest.raises(CommandError, match="Строк с ошибками: 1 из 3"):
        run(write(tmp_path, gap))
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith("h.csv:4: hours: три зоны месяца 2026-11 не покрывают часы 6")
    )
    assert not MonthHours.objects.exists()


def test_a_zone_is_checked_against_the_zones_already_loaded(db, tmp_path, capsys):
    MonthHours.objects.create(month=dt.date(2026, 11, 1), kind="night3", hours="0-6, 23")
    with pytest.raises(CommandError):
        run(write(tmp_path, HEADER + "peak3;2026-11;;6-9;\n"))
    assert "h.csv:2: hours: час 6 уже в зоне night3 месяца 2026-11" in capsys.readouterr().err


def test_dry_run_writes_nothing(db, tmp_path, capsys):
    run(write(tmp_path, GOOD), "--dry-run")
    assert not MonthHours.objects.exists() and not CapacityPeakHour.objects.exists()
    assert "Проверено строк: 6, ошибок нет" in capsys.readouterr().out
