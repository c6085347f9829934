"""Reading the billing system's exports: CSV (as Excel writes it) or XLSX.

Every `manage.py import_*` command is an `ImportCommand`: it reads the file
twice, streaming. The first pass checks every row and reports each bad one as
`file:line: column: reason`; if any row is bad nothing is written and the
command exits non-zero. The second pass writes in batches inside one
transaction, so a file is loaded whole or not at all.
"""

from __future__ import annotations

import abc
import csv
import datetime as dt
import functools
import io
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.numbers import parse_decimal

MAX_LINE_CHARS = 10_000
MAX_ERRORS_SHOWN = 1000


# A spreadsheet takes a cell starting with one of these as a formula (CSV injection,
# OWASP): an export prefixes such a cell with «'», and every import takes the «'» off.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A cell for a CSV that people open in Excel: `=HYPERLINK(…)` becomes `'=HYPERLINK(…)`."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def from_spreadsheet_safe(text: str) -> str:
    """The value `spreadsheet_safe` protected, as it was (the round trip of an export)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


class RowError(Exception):
    """A value in one column of one row is wrong; `reason` is said in Russian."""

    def __init__(self, column: str, reason: str):
        super().__init__(f"{column}: {reason}")
        self.column = column
        self.reason = reason


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, format, header).

    It keeps its parts so that a page can say them in its own words; `str()` is
    the operator's `file:line: column: reason` (line 0 and column `-` when the
    problem is not in one place).
    """

    def __init__(self, path: str | Path, line: int, column: str, reason: str):
        super().__init__(path, line, column, reason)
        self.path = str(path)
        self.line = line
        self.column = column
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.column}: {self.reason}"


@dataclass(frozen=True)
class Issue:
    path: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.column}: {self.reason}"


def normalise_header(name: Any) -> str:
    return str(name or "").strip().lower().lstrip("\ufeff")


DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d")
PERIOD_FORMATS = ("%Y-%m", "%m.%Y", "%Y-%m-%d", "%d.%m.%Y")


@functools.lru_cache(maxsize=4096)
def _parse_date(text: str, formats: tuple[str, ...]) -> dt.date | None:
    """`text` read by the first of `formats` it fits, or None.

    Cached: a file repeats few dates and periods, and strptime costs more than the rest
    of a row's checks (issue 22).
    """
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


class Row:
    """One data row, with typed getters that raise RowError in Russian."""

    def __init__(self, line: int, values: dict[str, Any]):
        self.line = line
        self.values = values

    def raw(self, column: str) -> Any:
        return self.values.get(column)

    def text(self, column: str, *, required: bool = True, max_length: int = 255) -> str:
        value = self.values.get(column)
        text = "" if value is None else from_spreadsheet_safe(str(value)).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))  # Excel turns 0012 into 12.0; keep what it still holds
        if required and not text:
            raise RowError(column, "пустое значение")
        if len(text) > max_length:
            raise RowError(column, f"значение длиннее {max_length} символов")
        return text

    def date(self, column: str, *, required: bool = True) -> dt.date | None:
        value = self.values.get(column)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = self.text(column, required=required, max_length=32)
        if not text:
            return None
        day = _parse_date(text, DATE_FORMATS)
        if day is None:
            raise RowError(column, f"«{text}» не дата (ожидается 31.10.2026 или 2026-10-31)")
        return day

    def month(self, column: str) -> dt.date:
        """A period `YYYY-MM` (or a date) as the first day of that month."""
        value = self.values.get(column)
        if isinstance(value, dt.date):
            return (value.date() if isinstance(value, dt.datetime) else value).replace(day=1)
        text = self.text(column, max_length=32)
        day = _parse_date(text, PERIOD_FORMATS)
        if day is None:
            raise RowError(column, f"«{text}» не период (ожидается ГГГГ-ММ, например 2026-10)")
        return day.replace(day=1)

    def decimal(
        self,
        column: str,
        *,
        places: int = 2,
        required: bool = True,
        minimum: Decimal | None = None,
        maximum: Decimal | None = None,
    ) -> Decimal | None:
        value = self.values.get(column)
        if isinstance(value, bool):
            raise RowError(column, "ожидается число")
        if isinstance(value, int | Decimal):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))
        else:
            text = self.text(column, required=required, max_length=64)
            if not text:
                return None
            try:
                number = parse_decimal(text)
            except ValueError:
                raise RowError(column, f"«{text}» не число") from None
        if not number.is_finite():
            raise RowError(column, "ожидается число")
        if number != number.quantize(Decimal(1).scaleb(-places)):
            raise RowError(column, f"больше {places} знаков после запятой")
        if minimum is not None and number < minimum:
            raise RowError(column, f"меньше допустимого ({minimum})")
        if maximum is not None and number > maximum:
            raise RowError(column, f"больше допустимого ({maximum})")
        return number.quantize(Decimal(1).scaleb(-places))

    def integer(
        self, column: str, *, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        number = self.decimal(column, places=0)
        if minimum is not None and number < minimum:
            raise RowError(column, f"должно быть не меньше {minimum}")
        if maximum is not None and number > maximum:
            raise RowError(column, f"должно быть не больше {maximum}")
        return int(number)

    def choice(self, column: str, choices: Iterable[str]) -> str:
        text = self.text(column)
        options = list(choices)
        for option in options:
            if text.upper() == str(option).upper():
                return str(option)
        raise RowError(column, f"«{text}» — допустимо: {', '.join(map(str, options))}")


def csv_delimiter(header: str) -> str:
    """The delimiter of a CSV file judged by its header line: `;` as Excel writes it, or `,`."""
    return ";" if header.count(";") >= header.count(",") and ";" in header else ","


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        try:
            first = handle.readline(MAX_LINE_CHARS + 1)
        except UnicodeDecodeError:
            raise ImportFileError(
                path, 1, "-", "файл не в кодировке UTF-8 (сохраните его как «CSV UTF-8»)"
            ) from None
        if len(first) > MAX_LINE_CHARS:
            raise ImportFileError(
                path, 1, "-", f"строка заголовка длиннее {MAX_LINE_CHARS} символов"
            )
        delimiter = csv_delimiter(first)
        handle.seek(0)
        if handle.read(1) != "\ufeff":
            handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter)
        line = 1
        try:
            for values in reader:
                if sum(map(len, values)) > MAX_LINE_CHARS:
                    raise ImportFileError(
                        path, reader.line_num, "-", f"строка длиннее {MAX_LINE_CHARS} символов"
                    )
                yield reader.line_num, values
                line = reader.line_num
        except UnicodeDecodeError:
            raise ImportFileError(
                path, line + 1, "-", "файл не в кодировке UTF-8 (сохраните его как «CSV UTF-8»)"
            ) from None
        except csv.Error as error:
            raise ImportFileError(path, line + 1, "-", f"файл CSV поврежден ({error})") from None


# XLSX limits (issue 23, pen-test Medium 4: a 1.5 KB file claiming A1:XFD1048576 held a
# worker for minutes; a 99 KB file with one 100 MB shared string took 254 MB).
XLSX_MAX_RATIO = 50
XLSX_MAX_UNPACKED = 200 * 1024 * 1024
XLSX_MAX_HEADER_COLUMNS = 256
XLSX_EXTRA_COLUMNS = 16
MAX_CELL_CHARS = 10_000
OPERATOR_MAX_ROWS = 2_000_000
UPLOAD_MAX_ROWS = 10_000


def _check_archive(path: Path) -> None:
    """Refuse a zip bomb before openpyxl unpacks anything: the sizes the archive declares."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise ImportFileError(path, 1, "-", "файл XLSX не читается (BadZipFile)") from None
    packed = max(path.stat().st_size, 1)
    if unpacked > XLSX_MAX_UNPACKED or unpacked > XLSX_MAX_RATIO * packed:
        raise ImportFileError(
            path,
            0,
            "-",
            f"архив XLSX распаковывается в {unpacked // (1024 * 1024)} МБ "
            f"(допустимо не больше {XLSX_MAX_RATIO} размеров файла и 200 МБ)",
        )


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """The first sheet's rows, whatever `<dimension>` it declares.

    The declared dimension is ignored (openpyxl pads every row to it); a row is read
    16 columns past the header's last name and no further.
    """
    from openpyxl import load_workbook

    _check_archive(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except SoftTimeLimitExceeded:
        raise  # the worker's time limit (core.jobs), not a broken file
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(
            path, 1, "-", f"файл XLSX не читается ({type(error).__name__})"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        header = next(
            sheet.iter_rows(max_row=1, max_col=XLSX_MAX_HEADER_COLUMNS, values_only=True), ()
        )
        header = list(header)
        while header and header[-1] in (None, ""):
            header.pop()
        yield 1, header
        width = len(header) + XLSX_EXTRA_COLUMNS
        for number, values in enumerate(
            sheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2
        ):
            yield number, list(values)
    finally:
        workbook.close()


def _column_name(columns: list[str], index: int) -> str:
    if index < len(columns) and columns[index]:
        return columns[index]
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def read_rows(
    path: str | Path,
    required: Iterable[str],
    *,
    max_rows: int = OPERATOR_MAX_ROWS,
    aliases: Mapping[str, Iterable[str]] | None = None,
) -> Iterator[Row]:
    """Yield the data rows of a CSV or XLSX file, header checked first.

    At most `max_rows` data rows (UPLOAD_MAX_ROWS for a customer's upload,
    OPERATOR_MAX_ROWS for an operator's file) and no cell over MAX_CELL_CHARS.
    `aliases` names other headers a column may have (`{"date": ["дата"]}`,
    compared in lower case); the rows know the column by its own name.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(path, 0, "-", "файл не найден")
    suffix = path.suffix.lower()
    # A CSV row is a list of strings no longer than its line (MAX_LINE_CHARS, checked as it is
    # read): its cells need no check of their own, and a blank row is blank joined. A million
    # rows pay for every per-cell loop here (issue 22).
    texts = False
    if suffix in (".xlsx", ".xlsm"):
        source = _xlsx_rows(path)
    elif suffix in (".csv", ".txt", ""):
        source = _csv_rows(path)
        texts = MAX_LINE_CHARS <= MAX_CELL_CHARS
    else:
        raise ImportFileError(
            path, 0, "-", f"неизвестный формат «{suffix}» (ожидается CSV или XLSX)"
        )
    try:
        _, header = next(source)
    except StopIteration:
        raise ImportFileError(path, 1, "-", "файл пуст") from None
    columns = [normalise_header(name) for name in header]
    if aliases:
        canonical = {alias.lower(): name for name, names in aliases.items() for alias in names}
        columns = [canonical.get(column, column) for column in columns]
    missing = [name for name in required if name not in columns]
    if missing:
        raise ImportFileError(
            path,
            1,
            ", ".join(missing),
            "нет обязательного столбца"
            + ("" if len(missing) == 1 else " (нет нескольких столбцов)"),
        )
    for line, values in source:
        if line - 1 > max_rows:
            raise ImportFileError(path, line, "-", f"больше {max_rows} строк данных")
        if texts:
            if not "".join(values).strip():
                continue  # Excel leaves blank lines at the end
        else:
            for index, value in enumerate(values):
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    raise ImportFileError(
                        path,
                        line,
                        _column_name(columns, index),
                        f"ячейка длиннее {MAX_CELL_CHARS} символов",
                    )
            if not any(v not in (None, "") and str(v).strip() for v in values):
                continue  # Excel leaves blank lines at the end
        yield Row(line, dict(zip(columns, values, strict=False)))


class ImportCommand(BaseCommand, abc.ABC):
    """Base of the operators' import commands.

    A subclass names `required_columns`, turns a row into a record in
    `parse_row` (raising RowError) and writes a batch of records in
    `write_batch`, returning a Counter of created / updated / unchanged.
    `key(record)` names what must be unique within the file.
    """

    required_columns: tuple[str, ...] = ()
    batch_size = 2000

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8, ; или ,) или XLSX")
        parser.add_argument("--dry-run", action="store_true", help="только проверить файл")

    # -- hooks ---------------------------------------------------------------
    def prepare(self) -> None:
        """Load what parse_row looks up (e.g. contracts by city and number)."""

    @abc.abstractmethod
    def parse_row(self, row: Row) -> Any:
        """Check one row and return what write_batch will store."""

    def key(self, record: Any) -> Any:
        return None

    @abc.abstractmethod
    def write_batch(self, records: list[Any]) -> Counter:
        """Store checked records; count created / updated / unchanged."""

    def accepted(self, record: Any) -> None:
        """A checked row, its key not seen before in the file, while no row so far was bad.

        Kept here for the writing, so that the file is read and checked once (the second
        reading was a third of a billing import's time); a record is a few hundred bytes,
        100,000 accruals some 60 MB. A command that writes while the file streams (inside its one
        transaction: the readings, a million rows) takes the row here instead; after the first
        bad row nothing more is handed on, as nothing will be written.
        """
        self._checked_records.append(record)

    def finish(self, counts: Counter) -> None:
        """Runs inside the transaction after the last batch."""

    def checked(self, rows: int) -> None:
        """Progress of the check, every `batch_size` rows and at its end (outside any transaction)."""

    # -- the run -------------------------------------------------------------
    def handle(self, *args, **options):
        path = options["file"]
        self.prepare()
        issues, total = self._validate(path)
        if issues:
            for issue in issues[:MAX_ERRORS_SHOWN]:
                self.stderr.write(str(issue))
            if len(issues) > MAX_ERRORS_SHOWN:
                self.stderr.write(f"… и еще {len(issues) - MAX_ERRORS_SHOWN} ошибок")
            raise CommandError(f"Строк с ошибками: {len(issues)} из {total}. Ничего не записано.")
        if options["dry_run"]:
            self.stdout.write(
                f"Проверено строк: {total}, ошибок нет. Ничего не записано (--dry-run)."
            )
            return
        counts = self._write()
        self.stdout.write(
            f"Создано: {counts['created']}, обновлено: {counts['updated']}, "
            f"без изменений: {counts['unchanged']}, отклонено: 0."
        )

    def _progress(self, total: int | None, desc: str):
        from tqdm import tqdm

        return tqdm(
            total=total,
            desc=desc,
            unit=" стр.",
            disable=not sys.stderr.isatty(),
            file=sys.stderr,
        )

    def _validate(self, path: str) -> tuple[list[Issue], int]:
        self._checked_records: list[Any] = []
        issues: list[Issue] = []
        seen: dict[Any, int] = {}
        total = 0
        try:
            with self._progress(None, "Проверка") as bar:
                for row in read_rows(path, self.required_columns):
                    total += 1
                    bar.update(1)
                    if total % self.batch_size == 0:
                        self.checked(total)
                    try:
                        record = self.parse_row(row)
                    except RowError as error:
                        issues.append(Issue(path, row.line, error.column, error.reason))
                        continue
                    key = self.key(record)
                    if key is not None:
                        if key in seen:
                            issues.append(
                                Issue(path, row.line, "-", f"повторяет строку {seen[key]}")
                            )
                            continue
                        seen[key] = row.line
                    if not issues:
                        self.accepted(record)
        except ImportFileError as error:
            raise CommandError(f"{error}\nНичего не записано.") from None
        self.checked(total)
        if total == 0 and not issues:
            raise CommandError(f"{path}:2: -: в файле нет строк с данными. Ничего не записано.")
        return issues, total

    def _write(self) -> Counter:
        """The records the check kept (`accepted`), in batches, in one transaction."""
        counts: Counter = Counter(created=0, updated=0, unchanged=0)
        records, self._checked_records = self._checked_records, []
        with transaction.atomic(), self._progress(len(records), "Запись") as bar:
            for start in range(0, len(records), self.batch_size):
                batch = records[start : start + self.batch_size]
                counts.update(self.write_batch(batch))
                bar.update(len(batch))
            self.finish(counts)
        return counts


def write_csv(rows: Iterable[Iterable[Any]], handle: io.TextIOBase, delimiter: str = ";") -> None:
    """Write rows as Excel reads them (the caller adds a BOM if it wants one)."""
    writer = csv.writer(handle, delimiter=delimiter)
    for row in rows:
        writer.writerow(row)
