"""An hourly profile uploaded by a customer: CSV or XLSX with `date, hour, kwh`.

Hours are 0–23 (hour 0 is 00:00–01:00). A profile must hold every hour of the
month exactly once; every problem is reported with its date and hour (or its
line), so the customer can fix the file.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile

from calculator.pricing import Hour, month_hours
from core.formatting import month_label
from core.importing import UPLOAD_MAX_ROWS, ImportFileError, RowError, read_rows

COLUMNS = ("date", "hour", "kwh")
SUFFIXES = (".csv", ".xlsx")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_SHOWN = 10


class ProfileError(Exception):
    """The profile cannot be used; `messages` say why, in Russian."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def _shown(items: list[str]) -> str:
    text = ", ".join(items[:MAX_SHOWN])
    return text + (f" и еще {len(items) - MAX_SHOWN}" if len(items) > MAX_SHOWN else "")


def _hour(day: dt.date, hour: int) -> str:
    return f"{day:%d.%m.%Y} {hour} ч"


def read_upload(upload: UploadedFile, month: dt.date) -> dict[Hour, Decimal]:
    """Read and check an uploaded profile for `month`; ProfileError if it is not usable."""
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ProfileError([f"Файл «{name}» не CSV и не XLSX: загрузите таблицу date, hour, kwh."])
    if upload.size > MAX_UPLOAD_BYTES:
        raise ProfileError([f"Файл «{name}» больше 5 МБ: почасовой профиль месяца намного меньше."])
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        return read_profile(Path(handle.name), month, display_name=name)


def read_profile(path: Path, month: dt.date, *, display_name: str = "") -> dict[Hour, Decimal]:
    """The profile in a file as {(date, hour): kWh}, checked against the month."""
    display_name = display_name or path.name
    rows: dict[Hour, tuple[int, Decimal]] = {}
    problems: list[str] = []
    doubled: list[str] = []
    outside: list[str] = []
    try:
        for row in read_rows(path, COLUMNS, max_rows=UPLOAD_MAX_ROWS):
            try:
                day = row.date("date")
                hour = row.integer("hour", minimum=0, maximum=23)
                kwh = row.decimal("kwh", places=3)
            except RowError as error:
                problems.append(f"строка {row.line}, столбец {error.column}: {error.reason}")
                continue
            if kwh < 0:
                problems.append(
                    f"строка {row.line}: объем за {_hour(day, hour)} отрицательный ({kwh})"
                )
                continue
            if (day.year, day.month) != (month.year, month.month):
                outside.append(f"{_hour(day, hour)} (строка {row.line})")
                continue
            if (day, hour) in rows:
                doubled.append(f"{_hour(day, hour)} (строки {rows[(day, hour)][0]} и {row.line})")
                continue
            rows[(day, hour)] = (row.line, kwh)
    except ImportFileError as error:
        raise ProfileError([_file_message(error, display_name)]) from None
    messages = [f"Ошибка в файле «{display_name}»: {p}." for p in problems[:MAX_SHOWN]]
    if len(problems) > MAX_SHOWN:
        messages.append(f"И еще строк с ошибками: {len(problems) - MAX_SHOWN}.")
    if outside:
        messages.append(f"Часы не из месяца {month_label(month)}: {_shown(outside)}.")
    if doubled:
        messages.append(f"Часы указаны дважды: {_shown(doubled)}.")
    missing = [_hour(day, hour) for day, hour in month_hours(month) if (day, hour) not in rows]
    if missing and not problems:
        messages.append(f"Нет часов ({len(missing)}): {_shown(missing)}.")
    if messages:
        raise ProfileError(messages)
    return {key: kwh for key, (_, kwh) in rows.items()}


def check_complete(profile: dict[Hour, Decimal], month: dt.date) -> list[str]:
    """Messages about the hours of the month a stored profile lacks (empty when complete)."""
    missing = [_hour(day, hour) for day, hour in month_hours(month) if (day, hour) not in profile]
    return [f"Нет часов ({len(missing)}): {_shown(missing)}."] if missing else []


def _file_message(error: ImportFileError, display_name: str) -> str:
    """The unreadable file said as a sentence about the customer's file, not the temporary one."""
    where = f", строка {error.line}" if error.line else ""
    what = f"столбец {error.column}: " if error.column != "-" else ""
    return f"Файл «{display_name}» не прочитан{where}: {what}{error.reason}."
