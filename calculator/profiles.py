"""An hourly profile uploaded by a customer: CSV or XLSX with `date, hour, kwh`.

The columns may be named in Russian too: «дата», «час», «кВт·ч» (or «кВтч»), in
any case. Hours are 0–23 (hour 0 is 00:00–01:00). A profile must hold every
hour of the month exactly once; every problem is reported with its date and
hour (or its line), so the customer can fix the file.

The page only checks a file's type and size; the background worker reads it
(`submit`, `read_job`: calculator.tasks, within the upload time limit of
core.jobs) and stores the hours on the job as Decimal strings, from which the
calculator's page computes (`parsed_of`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from calculator.pricing import Hour, month_hours
from core import jobs
from core.formatting import month_label
from core.importing import UPLOAD_MAX_ROWS, ImportFileError, RowError, read_rows

COLUMNS = ("date", "hour", "kwh")
HEADER_ALIASES = {
    "date": ("дата",),
    "hour": ("час",),
    "kwh": ("квт·ч", "квтч", "квт.ч", "квт ч", "квт*ч", "квт⋅ч"),
}
SUFFIXES = (".csv", ".xlsx")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_SHOWN = 10
KIND = "calculator"


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


def check_upload(upload: UploadedFile) -> None:
    """The checks the page makes before the worker reads the file: its type and size."""
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ProfileError([f"Файл «{name}» не CSV и не XLSX: загрузите таблицу date, hour, kwh."])
    if upload.size > MAX_UPLOAD_BYTES:
        raise ProfileError([f"Файл «{name}» больше 5 МБ: почасовой профиль месяца намного меньше."])


@dataclass
class Parsed:
    """A file the worker read: its hours, or why they cannot be used."""

    name: str
    hours: dict[Hour, Decimal] | None = None
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        if self.hours is None:
            return {"name": self.name, "errors": self.errors}
        hours = [[f"{day:%Y-%m-%d}", hour, str(kwh)] for (day, hour), kwh in self.hours.items()]
        return {"name": self.name, "hours": hours}

    @classmethod
    def from_json(cls, data: dict) -> Parsed:
        if "hours" not in data:
            return cls(name=data["name"], errors=list(data["errors"]))
        hours = {
            (dt.date.fromisoformat(day), hour): Decimal(kwh) for day, hour, kwh in data["hours"]
        }
        return cls(name=data["name"], hours=hours)


def submit(uploads: dict[str, UploadedFile], *, data: dict, month: dt.date, contract, user):
    """Keep the files (form field → upload) and the form's data; the worker reads them."""
    from calculator import tasks

    params = {"data": data, "month": month.isoformat()}
    return jobs.submit(
        KIND, uploads, contract=contract, user=user, params=params, task=tasks.read_profiles
    )


def read_job(job, paths: dict[str, Path]) -> dict:
    """The worker's side: each file of the job read for the month, as JSON for the job."""
    month = dt.date.fromisoformat(job.params["month"])
    result = {}
    for entry in job.files:
        name = entry["name"]
        try:
            parsed = Parsed(
                name, hours=read_profile(paths[entry["field"]], month, display_name=name)
            )
        except ProfileError as error:
            parsed = Parsed(name, errors=error.messages)
        result[entry["field"]] = parsed.to_json()
    return result


def parsed_of(job) -> dict[str, Parsed]:
    """What the worker read, by form field; a refused job refuses each of its files."""
    if job.status == job.Status.DONE:
        return {name: Parsed.from_json(data) for name, data in job.result.items()}
    return {f["field"]: Parsed(f["name"], errors=[job.report]) for f in job.files}


def read_profile(path: Path, month: dt.date, *, display_name: str = "") -> dict[Hour, Decimal]:
    """The profile in a file as {(date, hour): kWh}, checked against the month."""
    display_name = display_name or path.name
    rows: dict[Hour, tuple[int, Decimal]] = {}
    problems: list[str] = []
    doubled: list[str] = []
    outside: list[str] = []
    try:
        for row in read_rows(path, COLUMNS, max_rows=UPLOAD_MAX_ROWS, aliases=HEADER_ALIASES):
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


# --- «Образец файла» -------------------------------------------------------------------

SAMPLE_HEADER = ("дата", "час", "кВт·ч")
SAMPLE_PEAK_HOURS = frozenset({8, 9, 10, 17, 18, 19, 20})


def sample_month() -> dt.date:
    """The month of the sample: the latest with tariffs (the form's default), else this one."""
    from calculator import services

    latest = services.latest_tariff_month()
    return latest.month if latest else timezone.localdate().replace(day=1)


def sample_xlsx(month: dt.date) -> bytes:
    """A profile of every hour of `month` in the form the calculator reads, with Russian
    headers: more at the peak hours, less at night and on days off."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Почасовой профиль"
    sheet.append(SAMPLE_HEADER)
    for day, hour in month_hours(month):
        base = (
            Decimal(150) if hour in SAMPLE_PEAK_HOURS else Decimal(80) if hour < 7 else Decimal(120)
        )
        if day.weekday() >= 5:
            base = base * Decimal("0.6")
        sheet.append([day, hour, base + Decimal(day.day % 5) / 2])
        sheet.cell(row=sheet.max_row, column=1).number_format = "DD.MM.YYYY"
    sheet.column_dimensions["A"].width = 12
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
