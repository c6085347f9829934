"""The shared import machinery, through a tiny command that loads customers."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from billing.models import Customer
from billing.validators import validate_inn
from core.importing import ImportCommand, ImportFileError, RowError, read_rows


class CustomerImport(ImportCommand):
    required_columns = ("inn", "name", "limit")

    def parse_row(self, row):
        inn = row.text("inn", max_length=12)
        try:
            validate_inn(inn)
        except Exception as error:
            raise RowError("inn", error.messages[0]) from None
        return inn, row.text("name"), row.decimal("limit", places=2)

    def key(self, record):
        return record[0]

    def write_batch(self, records):
        counts = Counter()
        for inn, name, _limit in records:
            _, created = Customer.objects.update_or_create(
                inn=inn, kpp="420501001", defaults={"name": name}
            )
            counts["created" if created else "updated"] += 1
        return counts


def run(path, *args):
    return call_command(CustomerImport(), str(path), *args)


def test_csv_with_bom_and_semicolons_as_excel_writes_it(db, tmp_path, capsys):
    path = tmp_path / "c.csv"
    path.write_bytes("\ufeffINN;Name;Limit;extra\n4205000016;ООО «Альфа»;1 234,50;x\n".encode())
    run(path)
    assert Customer.objects.get(inn="4205000016").name == "ООО «Альфа»"
    assert "Создано: 1" in capsys.readouterr().out


def test_comma_separated_csv_with_dot_decimals(db, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("inn,name,limit\n4205000023,ООО «Бета»,10.5\n", encoding="utf-8")
    run(path)
    assert Customer.objects.filter(inn="4205000023").exists()


def test_xlsx(db, tmp_path):
    book = Workbook()
    book.active.append(["inn", "name", "limit"])
    book.active.append(["4205000016", "ООО «Альфа»", 12.25])
    path = tmp_path / "c.xlsx"
    book.save(path)
    run(path)
    assert Customer.objects.filter(inn="4205000016").exists()


def test_bad_rows_are_all_reported_as_file_line_column_reason_and_nothing_is_written(
    db, tmp_path, capsys
):
    path = tmp_path / "c.csv"
    path.write_text(
        "inn;name;limit\n4205000016;ООО «Альфа»;1\n4205000017;ООО;1\n4205000023;;abc\n4205000016;Дубль;1\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="Ничего не записано"):
        run(path)
    err = capsys.readouterr().err.splitlines()
    assert f"{path}:3: inn: ИНН указан неверно: не сходится контрольное число." in err
    assert f"{path}:4: name: пустое значение" in err
    assert f"{path}:5: -: повторяет строку 2" in err
    assert not Customer.objects.exists()


def test_a_missing_column_is_named(db, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("inn;name\n4205000016;ООО\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"c.csv:1: limit: нет обязательного столбца"):
        run(path)


def test_an_unreadable_file_carries_its_parts_and_reads_as_file_line_column_reason(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("inn;name\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        list(read_rows(path, ("inn", "name", "limit")))
    error = caught.value
    assert (error.path, error.line, error.column) == (str(path), 1, "limit")
    assert error.reason == "нет обязательного столбца"
    assert str(error) == f"{path}:1: limit: нет обязательного столбца"


def test_a_file_not_in_utf8_is_refused(db, tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes("inn;name;limit\n4205000016;ООО Альфа;1\n".encode("cp1251"))
    with pytest.raises(CommandError, match="не в кодировке UTF-8"):
        run(path)
    assert not Customer.objects.exists()


def test_a_broken_xlsx_is_refused(db, tmp_path):
    path = tmp_path / "c.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(CommandError, match="XLSX не читается"):
        run(path)


def test_dry_run_writes_nothing(db, tmp_path, capsys):
    path = tmp_path / "c.csv"
    path.write_text("inn;name;limit\n4205000016;ООО;1\n", encoding="utf-8")
    run(path, "--dry-run")
    assert not Customer.objects.exists()
    assert "ошибок нет" in capsys.readouterr().out


def test_an_empty_file_is_an_error(db, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("inn;name;limit\n", encoding="utf-8")
    with pytest.raises(CommandError, match="нет строк"):
        run(path)


def test_a_huge_line_is_refused_without_reading_on(db, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("inn;name;limit\n4205000016;" + "Я" * 50_000 + ";1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="строка длиннее"):
        run(path)
    assert not Customer.objects.exists()


def test_a_1_gb_file_is_refused_quickly_and_nothing_is_written(db, tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:  # sparse: a gigabyte that takes no disk
        handle.truncate(1024**3)
    with pytest.raises(CommandError, match="строка заголовка длиннее|нет обязательного"):
        run(path)
    xlsx = tmp_path / "huge.xlsx"
    with open(xlsx, "wb") as handle:
        handle.truncate(1024**3)
    with pytest.raises(CommandError, match="XLSX не читается"):
        run(xlsx)
    assert not Customer.objects.exists()


def test_accepted_gets_each_good_unique_row_until_the_first_bad_one(db, tmp_path):
    # A command that writes while the file streams takes rows here (import_readings).
    handed = []

    class Streaming(CustomerImport):
        def accepted(self, record):
            handed.append(record[0])

    path = tmp_path / "c.csv"
    path.write_text(
        "inn;name;limit\n"
        "4205000016;Альфа;1\n"
        "   ;  ;  \n"  # blank: skipped, not a bad row
        "4205000023;Бета;1\n"
        "4205000016;Альфа again;1\n"  # repeats line 2: a bad row, not handed on
        "4205000030;Дельта;1\n"  # good, but after a bad row: nothing will be written
        "12;Гамма;1\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="Строк с ошибками: 2 из 5"):
        call_command(Streaming(), str(path))
    assert handed == ["4205000016", "4205000023"]


def test_dates_and_periods_read_the_same_every_time(tmp_path):
    from core.importing import Row

    for _ in range(2):  # the second time from the cache
        row = Row(2, {"d": "31.10.2026", "iso": "2026-10-31", "p": "10.2026", "bad": "31.13.2026"})
        assert row.date("d") == row.date("iso") == row.month("d").replace(day=31)
        assert row.month("p") == row.month("iso") == row.date("iso").replace(day=1)
        with pytest.raises(RowError, match="«31.13.2026» не дата"):
            row.date("bad")
        with pytest.raises(RowError, match="«31.13.2026» не период"):
            row.month("bad")


def test_the_file_is_read_and_each_row_checked_once(db, tmp_path, monkeypatch):
    """The checked records are kept for the writing: a second reading was a third of an
    import's time (issue 22)."""
    from core import importing

    path = tmp_path / "c.csv"
    path.write_text(
        "inn;name;limit\n4205000016;ООО «А»;1\n4205000023;ООО «Б»;2\n", encoding="utf-8"
    )
    readings, parsed = [], []
    parse_row = CustomerImport.parse_row

    def reading(*args, **kwargs):
        readings.append(args)
        return read_rows(*args, **kwargs)

    def checking(self, row):
        parsed.append(row.line)
        return parse_row(self, row)

    monkeypatch.setattr(importing, "read_rows", reading)
    monkeypatch.setattr(CustomerImport, "parse_row", checking)
    run(path)
    assert len(readings) == 1
    assert parsed == [2, 3]
    assert set(Customer.objects.values_list("name", flat=True)) >= {"ООО «А»", "ООО «Б»"}
