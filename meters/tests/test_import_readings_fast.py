"""`import_readings` on PostgreSQL: a CSV file checked in SQL (meters/copy_import.py).

Each file is imported twice from the same state, once as it comes and once forced
onto the row-by-row Python path, and everything is compared: the output, the
errors, the stored rows. A good file must take the fast path; a bad one must fall
back and say what the Python path says, with nothing written.
"""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from conftest import in_ci
from meters import copy_import
from meters.management.commands.import_readings import Command
from meters.models import Reading
from meters.tests.conftest import make_meter

HEADER = "city;contract_number;meter_number;date;value;zone\n"


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        if in_ci():
            pytest.fail("the fast import must be tested on PostgreSQL in CI")
        pytest.skip("needs PostgreSQL: the fast path is COPY and SQL")


@pytest.fixture
def meters(alice_contract, kemerovo):
    single = make_meter(alice_contract, "108008060")
    double = make_meter(alice_contract, "36125481", zones=2, decimals=1)
    triple = make_meter(alice_contract, "5550001", zones=3, decimals=3, digits=8)
    # One number twice in the contract (two delivery points): it names no meter.
    make_meter(alice_contract, "777", point_code="ТП-2")
    make_meter(alice_contract, "777", point_code="ТП-3")
    return single, double, triple


def stored():
    return sorted(
        Reading.objects.values_list(
            "meter_id", "date", "zone", "value", "source", "status", "rollover", "submitted_by_id"
        )
    )


def outcome(path, *args, python=False, monkeypatch=None):
    """Run the command and roll back: (fast path taken, stdout, stderr, error, rows)."""
    command = Command()
    out, err = StringIO(), StringIO()
    with monkeypatch.context() as patch:
        if python:

            def refuse(*args, **kwargs):
                raise copy_import.NotHandled("test")

            patch.setattr(copy_import, "run", refuse)
        with transaction.atomic():
            try:
                call_command(command, str(path), *args, stdout=out, stderr=err)
                error = None
            except CommandError as raised:
                error = str(raised)
            rows = stored()
            transaction.set_rollback(True)
    return command.fast_path_taken, out.getvalue(), err.getvalue(), error, rows


def both(path, monkeypatch, *args):
    fast = outcome(path, *args, monkeypatch=monkeypatch)
    python = outcome(path, *args, python=True, monkeypatch=monkeypatch)
    assert python[0] is False
    assert fast[1:] == python[1:]
    return fast


def write(tmp_path, text, *, name="r.csv", bom=False):
    path = tmp_path / name
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return path


GOOD = (
    HEADER
    + "Кемерово;1001;108008060;31.10.2026;36156;\n"
    + "г. Кемерово;1001;36125481;2026-10-31;20450,5;день\n"
    + "kemerovo;1001;36125481;2026-10-31;9000;N\n"
    + "Кемерово;1001;5550001;31.10.2026;1234,125;P\n"
    + "Кемерово;1001;5550001;31.10.2026;1 234,5;полупик\n"
    + "Кемерово;1001;5550001;31.10.2026;00012.500;ночь\n"
    + "Кемерово;1001;108008060;30.10.2026;36100.000;сутки\n"
    + ";;;;;\n"
)


def test_a_good_file_takes_the_fast_path_and_stores_what_the_python_path_does(
    db, meters, tmp_path, monkeypatch
):
    fast, out, err, error, rows = both(write(tmp_path, GOOD), monkeypatch)
    assert fast is True
    assert out == "Создано: 7, обновлено: 0, без изменений: 0, отклонено: 0.\n"
    assert (err, error) == ("", None)
    single, double, triple = meters
    assert (single.pk, dt.date(2026, 10, 31), "T", Decimal("36156"), "import", "accepted") in [
        row[:6] for row in rows
    ]
    assert {(row[2], row[3]) for row in rows if row[0] == triple.pk} == {
        ("P", Decimal("1234.125")),
        ("H", Decimal("1234.5")),
        ("N", Decimal("12.5")),
    }


def test_commas_quotes_and_a_bom_take_the_fast_path(db, meters, tmp_path, monkeypatch):
    text = (
        "City,Contract_Number,Meter_Number,Date,Value,Zone,comment\r\n"
        '"Кемерово",1001,"108008060",31.10.2026,36156,,"a ""quoted"", text"\r\n'
        'Кемерово,"1001",36125481,31.10.2026,"20450,5",D,\r\n'
        'Кемерово,1001,36125481,31.10.2026,"9 000",ночь,"two\r\nlines"\r\n'
    )
    fast, out, *_ = both(write(tmp_path, text, bom=True), monkeypatch)
    assert fast is True
    assert out.startswith("Создано: 3,")


def test_changed_values_are_updated_and_equal_ones_left_alone(
    db, meters, alice, tmp_path, monkeypatch
):
    single, double, _ = meters
    day = dt.date(2026, 10, 31)
    Reading.objects.create(
        meter=single, date=day, value=36100, status="flagged", rollover=True, submitted_by=alice
    )
    Reading.objects.create(meter=double, date=day, zone="D", value=Decimal("20450.5"))
    fast, out, *_ = both(write(tmp_path, GOOD), monkeypatch)
    assert fast is True
    assert out == "Создано: 5, обновлено: 1, без изменений: 1, отклонено: 0.\n"


def test_a_rerun_of_the_same_file_changes_nothing(db, meters, tmp_path, monkeypatch):
    path = write(tmp_path, GOOD)
    call_command("import_readings", str(path), stdout=StringIO())
    before = stored()
    fast, out, _, _, rows = both(path, monkeypatch)
    assert fast is True
    assert out == "Создано: 0, обновлено: 0, без изменений: 7, отклонено: 0.\n"
    assert rows == before


def test_a_dry_run_checks_by_the_fast_path_and_writes_nothing(db, meters, tmp_path, monkeypatch):
    fast, out, _, _, rows = both(write(tmp_path, GOOD), monkeypatch, "--dry-run")
    assert fast is True
    assert out == "Проверено строк: 7, ошибок нет. Ничего не записано (--dry-run).\n"
    assert rows == []


def test_files_the_fast_path_is_unsure_of_go_by_rows_with_the_same_result(
    db, meters, tmp_path, monkeypatch
):
    texts = [
        # Spaces around a contract number: Python strips them, the fast path gives up.
        HEADER + "Кемерово; 1001 ;108008060;31.10.2026;36156;\n",
        # A quote inside a bare field: csv and COPY read it differently.
        HEADER + 'Кемерово;1001;1080"08060";31.10.2026;36156;\n',
        # A value in a form Decimal() reads but the fast path does not take.
        HEADER + "Кемерово;1001;108008060;31.10.2026;3.6156e4;\n",
        # A row shorter than the header, end-of-data marker of COPY.
        HEADER + "Кемерово;1001;108008060;31.10.2026;36156\n",
        HEADER + "Кемерово;1001;108008060;31.10.2026;36156;\n\\.\nКемерово;1001;1;1;1;\n",
    ]
    for n, text in enumerate(texts):
        fast, *_ = both(write(tmp_path, text, name=f"r{n}.csv"), monkeypatch)
        assert fast is False, text


def tomorrow():
    return f"{timezone.localdate() + dt.timedelta(days=1):%d.%m.%Y}"


# Each beside a good row of 31.10.2026 of the single-rate meter.
BAD_ROWS = {
    "unknown city": "Новосибирск;1001;108008060;30.10.2026;1;",
    "unknown meter": "Кемерово;1001;999;30.10.2026;1;",
    "unknown contract": "Кемерово;9999;108008060;30.10.2026;1;",
    "ambiguous meter": "Кемерово;1001;777;30.10.2026;1;",
    "future date": f"Кемерово;1001;108008060;{tomorrow()};1;",
    "bad date": "Кемерово;1001;108008060;31.13.2026;1;",
    "empty date": "Кемерово;1001;108008060;;1;",
    "zone missing": "Кемерово;1001;36125481;30.10.2026;1;",
    "zone not of the meter": "Кемерово;1001;36125481;30.10.2026;1;пик",
    "unknown zone": "Кемерово;1001;108008060;30.10.2026;1;утро",
    "negative value": "Кемерово;1001;108008060;30.10.2026;-1;",
    "too many digits": "Кемерово;1001;108008060;30.10.2026;1000000;",
    "decimals on a whole meter": "Кемерово;1001;108008060;30.10.2026;1,5;",
    "too many decimals": "Кемерово;1001;36125481;30.10.2026;1,25;D",
    "not a number": "Кемерово;1001;108008060;30.10.2026;abc;",
    "empty value": "Кемерово;1001;108008060;30.10.2026;;",
    "too long contract": f"Кемерово;{'1' * 33};108008060;30.10.2026;1;",
    "too long meter": f"Кемерово;1001;{'1' * 65};30.10.2026;1;",
    "too long line": f"Кемерово;1001;108008060;30.10.2026;1;{' ' * 10_000}",
    "duplicate": "Кемерово;1001;108008060;2026-10-31;36156;сутки",
}


@pytest.mark.parametrize("kind", BAD_ROWS)
def test_a_bad_row_falls_back_and_says_what_the_python_path_says(
    kind, db, meters, tmp_path, monkeypatch
):
    path = write(tmp_path, HEADER + "Кемерово;1001;108008060;31.10.2026;36156;\n")
    call_command("import_readings", str(path), stdout=StringIO())
    before = stored()
    text = HEADER + "Кемерово;1001;108008060;31.10.2026;36157;\n" + BAD_ROWS[kind] + "\n"
    fast, out, err, error, rows = both(write(tmp_path, text, name="bad.csv"), monkeypatch)
    assert fast is False
    assert out == ""
    assert error.endswith("Ничего не записано.")
    # A line too long stops the reading of the file: said in the error, not per row.
    assert (err or error).startswith(f"{tmp_path / 'bad.csv'}:3: ")
    assert rows == before


def test_the_whitespace_stripped_in_sql_is_what_python_strips():
    assert copy_import.PYTHON_WHITESPACE == "".join(
        c for c in map(chr, range(0x110000)) if c.isspace()
    )


def test_the_quote_check_reads_the_file_in_pieces_and_still_sees_every_quote(tmp_path, monkeypatch):
    # Pieces of 16 bytes: quoted fields, one over two lines, cross the pieces' ends.
    monkeypatch.setattr(copy_import, "CHUNK", 16)
    good = '"Кемерово";1001;"a ""b"" c";1\n"x\ny";2;3;4\n' * 20
    assert copy_import.quotes_are_whole_fields(write(tmp_path, good, name="g.csv"), ";")
    bad = good + 'Кемерово;1001;1080"08060";1\n' + good
    assert not copy_import.quotes_are_whole_fields(write(tmp_path, bad, name="b.csv"), ";")
    # A quote never closed: the piece never ends, and the check gives up, not the memory.
    monkeypatch.setattr(copy_import, "MAX_PENDING", 64)
    endless = '"never closed;1\n' + "row;2\n" * 50
    assert not copy_import.quotes_are_whole_fields(write(tmp_path, endless, name="e.csv"), ";")
