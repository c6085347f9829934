"""A customer's file of readings for many meters: every row checked, all saved or none."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from core.importing import UPLOAD_MAX_ROWS, ImportFileError, Row, RowError, read_rows
from meters.imports import zone_of
from meters.models import Meter
from meters.readings import Entry, ReadingAlreadySaved, ReadingCheck, parse_value, submit_many

COLUMNS = ("meter_number", "date", "value")


@dataclass
class UploadResult:
    problems: list[str] = field(default_factory=list)
    checks: list[ReadingCheck] = field(default_factory=list)

    @property
    def saved(self) -> bool:
        return not self.problems and bool(self.checks)


def _value(row: Row) -> Decimal:
    raw = row.raw("value")
    if isinstance(raw, float):
        raw = repr(raw)
    try:
        return parse_value("" if raw is None else raw)
    except ValueError as error:
        raise RowError("value", str(error)) from None


def _parse(path: Path, meters: dict[str, list[Meter]], result: UploadResult) -> list[Entry]:
    groups: dict[tuple[int, object], Entry] = {}
    seen: dict[tuple[int, object, str], int] = {}
    for row in read_rows(path, COLUMNS, max_rows=UPLOAD_MAX_ROWS):
        try:
            number = row.text("meter_number", max_length=64)
            found = meters.get(number, [])
            if not found:
                raise RowError("meter_number", f"прибора учета {number} нет в договоре")
            if len(found) > 1:
                raise RowError(
                    "meter_number", f"в договоре несколько приборов учета с номером {number}"
                )
            meter = found[0]
            if meter.is_automatic:
                raise RowError(
                    "meter_number",
                    f"прибор учета {number} опрашивается автоматически (АИИСКУЭ)",
                )
            day = row.date("date")
            zone = zone_of(row, meter, meter.number)
            value = _value(row)
        except RowError as error:
            result.problems.append((row.line, f"строка {row.line}: {error.column}: {error.reason}"))
            continue
        key = (meter.pk, day, zone)
        if key in seen:
            result.problems.append(
                (row.line, f"строка {row.line}: -: повторяет строку {seen[key]}")
            )
            continue
        seen[key] = row.line
        entry = groups.setdefault((meter.pk, day), Entry(meter=meter, date=day, values={}))
        entry.values[zone] = value
        entry.lines[zone] = row.line
    return list(groups.values())


def _place(entry: Entry, where: str) -> tuple[int, str]:
    """The line and column of the file a rule's message belongs to."""
    first = min(entry.lines.values())
    if where == "date":
        return first, "date"
    if where in entry.lines:
        return entry.lines[where], "value"
    return first, "zone"


def upload_readings(
    meters: list[Meter], upload, *, user, confirm_rollover: bool, confirm_spike: bool
) -> UploadResult:
    """Check every row of the uploaded file against the reading rules; save all rows or none."""
    by_number: dict[str, list[Meter]] = {}
    for meter in meters:
        by_number.setdefault(meter.number, []).append(meter)
    result = UploadResult()
    suffix = Path(upload.name).suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        try:
            entries = _parse(Path(handle.name), by_number, result)
        except ImportFileError as error:
            # Said with the file's own name: the person never saw the temporary path.
            where = "" if error.column == "-" else f"{error.column}: "
            return UploadResult(problems=[f"{upload.name}: {where}{error.reason}"])
    if not entries and not result.problems:
        return UploadResult(problems=[f"{upload.name}: в файле нет строк с показаниями"])
    for entry in entries:
        entry.confirm_rollover = confirm_rollover
        entry.confirm_spike = confirm_spike
    # Rows already refused above make the file fail; the rest are still checked and reported.
    try:
        checks = submit_many(entries, user=user, save=not result.problems)
    except ReadingAlreadySaved:
        return UploadResult(
            problems=["Показания на эти даты уже сохранены другим запросом: обновите страницу."]
        )
    for entry, check in zip(entries, checks, strict=True):
        for where, message in check.messages():
            line, column = _place(entry, where)
            result.problems.append((line, f"строка {line}: {column}: {message}"))
    result.problems = [text for _, text in sorted(result.problems, key=lambda p: p[0])]
    result.checks = checks
    return result
