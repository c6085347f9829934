"""A customer's file of readings for many meters: every row checked, all saved or none.

The page keeps the file and answers at once (`submit_upload`); the worker reads
it (`read_job`, within the upload time limit of core.jobs) and checks and saves
the readings through meters.readings (`save_job`), in one transaction with the
job's outcome, which the page then shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from core import jobs
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


def _parse(
    path: Path, meters: dict[str, list[Meter]], problems: list[tuple[int, str]]
) -> list[Entry]:
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
            problems.append((row.line, f"строка {row.line}: {error.column}: {error.reason}"))
            continue
        key = (meter.pk, day, zone)
        if key in seen:
            problems.append((row.line, f"строка {row.line}: -: повторяет строку {seen[key]}"))
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


KIND = "readings"


@dataclass
class ParsedFile:
    """The rows of a file turned into readings, with the problems found on the way."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    refused: str = ""  # the file as a whole cannot be read


def submit_upload(contract, upload, *, user, confirm_rollover: bool, confirm_spike: bool):
    """Keep the file and let the worker check and save it (meters.tasks); returns the job."""
    from meters import tasks

    params = {"confirm_rollover": confirm_rollover, "confirm_spike": confirm_spike}
    return jobs.submit(
        KIND, {"file": upload}, contract=contract, user=user, params=params,
        task=tasks.process_upload,
    )  # fmt: skip


def read_file(path: Path, name: str, meters: list[Meter]) -> ParsedFile:
    """Every row of the file `name` (kept at `path`) as readings of the contract's meters."""
    by_number: dict[str, list[Meter]] = {}
    for meter in meters:
        by_number.setdefault(meter.number, []).append(meter)
    problems: list[tuple[int, str]] = []
    try:
        entries = _parse(path, by_number, problems)
    except ImportFileError as error:
        # Said with the file's own name: the person never saw the temporary path.
        where = "" if error.column == "-" else f"{error.column}: "
        return ParsedFile(refused=f"{name}: {where}{error.reason}")
    if not entries and not problems:
        return ParsedFile(refused=f"{name}: в файле нет строк с показаниями")
    return ParsedFile(entries=entries, problems=problems)


def save_file(
    parsed: ParsedFile, *, user, confirm_rollover: bool, confirm_spike: bool
) -> UploadResult:
    """Check the readings of a file against the rules; save all of them or none."""
    if parsed.refused:
        return UploadResult(problems=[parsed.refused])
    result = UploadResult(problems=list(parsed.problems))
    for entry in parsed.entries:
        entry.confirm_rollover = confirm_rollover
        entry.confirm_spike = confirm_spike
    # Rows already refused above make the file fail; the rest are still checked and reported.
    try:
        checks = submit_many(parsed.entries, user=user, save=not result.problems)
    except ReadingAlreadySaved:
        return UploadResult(
            problems=["Показания на эти даты уже сохранены другим запросом: обновите страницу."]
        )
    for entry, check in zip(parsed.entries, checks, strict=True):
        for where, message in check.messages():
            line, column = _place(entry, where)
            result.problems.append((line, f"строка {line}: {column}: {message}"))
    result.problems = [text for _, text in sorted(result.problems, key=lambda p: p[0])]
    result.checks = checks
    return result


# --- the worker's side (meters.tasks.process_upload) -----------------------------------


def read_job(job, paths: dict[str, Path]) -> ParsedFile:
    meters = list(
        Meter.objects.filter(delivery_point__contract=job.contract).select_related("delivery_point")
    )
    return read_file(paths["file"], job.files[0]["name"], meters)


def save_job(job, parsed: ParsedFile) -> dict:
    result = save_file(
        parsed,
        user=job.user,
        confirm_rollover=job.params["confirm_rollover"],
        confirm_spike=job.params["confirm_spike"],
    )
    return {
        "problems": result.problems,
        "saved": result.saved,
        "values": sum(len(c.values) for c in result.checks),
        "records": len(result.checks),
    }
