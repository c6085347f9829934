"""Pen-test Medium 4 (issue 23): no XLSX holds a worker, whatever it claims or packs.

Every XLSX door (the readings upload, the calculator's files, every import_*) reads
through core.importing.read_rows, so these limits hold for all of them.
"""

import secrets
import shutil
import time
import zipfile

import pytest
from openpyxl import Workbook

from core.importing import UPLOAD_MAX_ROWS, ImportFileError, _xlsx_rows, read_rows


def workbook(path, rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def rewrite_sheet(path, replace):
    """Edit the first sheet's XML inside the archive, as an attacker would."""
    patched = path.with_name("patched-" + path.name)
    with (
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = replace(data.decode()).encode()
            out.writestr(item, data)
    shutil.move(patched, path)
    return path


def test_the_declared_dimension_is_ignored_and_rows_stop_16_columns_past_the_header(tmp_path):
    path = workbook(tmp_path / "wide.xlsx", [["a", "b"], ["1", "2"]])
    # Claim the whole sheet and put one cell in its last column and row.
    rewrite_sheet(
        path,
        lambda xml: xml.replace(
            '<dimension ref="A1:B2"/>', '<dimension ref="A1:XFD1048576"/>'
        ).replace(
            "</sheetData>",
            '<row r="3"><c r="A3" t="inlineStr"><is><t>3</t></is></c>'
            '<c r="XFD3" t="inlineStr"><is><t>far</t></is></c></row></sheetData>',
        ),
    )
    assert path.stat().st_size < 10_000
    started = time.monotonic()
    rows = list(read_rows(path, ["a", "b"]))
    assert time.monotonic() - started < 5
    assert [row.values for row in rows] == [{"a": "1", "b": "2"}, {"a": "3", "b": None}]
    # What the reader holds per row: the header's 2 columns and 16 more, not 16 384.
    assert {len(values) for _, values in _xlsx_rows(path)} <= {2, 18}


def test_an_upload_stops_at_10_000_rows_even_if_the_sheet_claims_a_million(tmp_path):
    path = workbook(tmp_path / "tall.xlsx", [["a"], ["1"]])
    rewrite_sheet(
        path,
        lambda xml: xml.replace(
            "</sheetData>",
            '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        ),
    )
    with pytest.raises(ImportFileError) as error:
        list(read_rows(path, ["a"], max_rows=UPLOAD_MAX_ROWS))
    assert str(error.value) == f"{path}:10002: -: больше 10000 строк данных"


def test_an_archive_that_unpacks_over_50_times_its_size_is_refused(tmp_path):
    path = workbook(tmp_path / "bomb.xlsx", [["a"], ["1"]])
    big = "x" * 5_000_000  # openpyxl itself cuts a cell at 32 767 characters: patch the XML
    rewrite_sheet(
        path,
        lambda xml: xml.replace(
            "</sheetData>",
            f'<row r="3"><c r="A3" t="inlineStr"><is><t>{big}</t></is></c></row></sheetData>',
        ),
    )
    assert path.stat().st_size < 100_000
    with pytest.raises(ImportFileError) as error:
        list(read_rows(path, ["a"]))
    assert str(error.value).startswith(f"{path}:0: -: архив XLSX распаковывается в")


def test_a_cell_over_10_000_characters_is_refused_with_its_line_and_column(tmp_path):
    text = secrets.token_hex(6000)  # random: no zip bomb, only a long cell
    path = workbook(tmp_path / "long.xlsx", [["a", "comment"], ["1", "ok"], ["2", text]])
    with pytest.raises(ImportFileError) as error:
        list(read_rows(path, ["a"]))
    assert str(error.value) == f"{path}:3: comment: ячейка длиннее 10000 символов"


def test_a_broken_archive_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ImportFileError) as error:
        list(read_rows(path, ["a"]))
    assert "файл XLSX не читается" in str(error.value)
