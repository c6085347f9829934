"""The fast path of `manage.py import_readings` on PostgreSQL.

The CSV file goes as it is, by COPY, into a temporary table of text columns and
every rule of the Python path (meters/imports.py, core/importing.py) is checked
in SQL over the whole table at once. The few distinct cities, dates and zones of
a file are checked by the Python functions themselves; contracts, meters and
values row by row in SQL, by the same rules.

It only ever accepts a file the Python path would accept, and writes the same
rows. Whatever it is not sure of — an XLSX file, an odd header, a quote inside a
field, a value like `1e3` or `+5`, any bad row, a duplicate — raises NotHandled
with nothing written, and the caller runs the Python path, which reports each bad
row as `file:line: column: reason`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core.importing import MAX_LINE_CHARS, Row, RowError, csv_delimiter, normalise_header
from meters import imports
from meters.models import ZONES_BY_COUNT, Reading

# What Python's str.strip() removes: every character for which str.isspace() holds.
PYTHON_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# A value the fast path takes, as it is or after parse_value's cleaning; anything else
# Decimal() might accept (`+5`, `.5`, `1e3`, `1_000`) goes to the Python path.
PLAIN_NUMBER = r"^[0-9]+(?:[.,][0-9]+)?$"
CHUNK = 1 << 20
MAX_PENDING = 16 * CHUNK


class NotHandled(Exception):
    """The fast path cannot vouch for this file; nothing was written."""


@dataclass
class Result:
    """Rows of the file (blank ones aside), what was written, and how long each phase took."""

    total: int
    created: int = 0
    updated: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def read_header(path: Path, required: tuple[str, ...]) -> tuple[str, list[str]]:
    """The delimiter and the column names, when the header is one plain line."""
    if not path.is_file() or path.suffix.lower() not in (".csv", ".txt", ""):
        raise NotHandled("не файл CSV")
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            first = handle.readline(MAX_LINE_CHARS + 1)
    except UnicodeDecodeError:
        raise NotHandled("не UTF-8") from None
    if len(first) > MAX_LINE_CHARS or not first.endswith("\n") or '"' in first:
        raise NotHandled("заголовок не в одну простую строку")
    delimiter = csv_delimiter(first)
    columns = [normalise_header(name) for name in first.rstrip("\r\n").split(delimiter)]
    if len(set(columns)) != len(columns) or any(name not in columns for name in required):
        raise NotHandled("столбцы заголовка")
    return delimiter, columns


def quotes_are_whole_fields(path: Path, delimiter: str) -> bool:
    """Every `"` opens or closes a field or is doubled inside one, as Excel writes.

    Python's csv module and PostgreSQL's COPY read such a file alike; a quote in the
    middle of a bare field they read differently. The file is read in pieces that end
    at a line break outside quotes (an even number of `"` before it), never whole.
    """
    d = re.escape(delimiter.encode())
    field_pattern = re.compile(
        rb"(?:^|(?<=" + d + rb')|(?<=\n)|(?<=\r))"(?:[^"]|"")*"(?=' + d + rb"|\r|\n|\Z)"
    )
    pending = b""
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(CHUNK)
            pending += chunk
            cut = len(pending) if not chunk else _line_end_outside_quotes(pending)
            if cut is None:
                if len(pending) > MAX_PENDING:
                    return False  # a quoted field over many megabytes: the Python path
                continue
            piece, pending = pending[:cut], pending[cut:]
            quoted = sum(match.group().count(b'"') for match in field_pattern.finditer(piece))
            if quoted != piece.count(b'"'):
                return False
            if not chunk:
                return True


def _line_end_outside_quotes(data: bytes) -> int | None:
    """Just past the last line break with an even number of `"` before it, if any."""
    end = data.rfind(b"\n")
    while end != -1:
        if data.count(b'"', 0, end) % 2 == 0:
            return end + 1
        end = data.rfind(b"\n", 0, end)
    return None


def run(path: str, required: tuple[str, ...], *, dry_run: bool) -> Result:
    """Check and store the readings of a CSV file; NotHandled if unsure, nothing written."""
    file = Path(path)
    delimiter, columns = read_header(file, required)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                result = _run(cursor, file, delimiter, columns, dry_run)
                _drop_tables(cursor)
            if dry_run:
                transaction.set_rollback(True)
            started = time.perf_counter()
        # The foreign keys are checked at commit (DEFERRABLE INITIALLY DEFERRED).
        result.seconds["commit"] = time.perf_counter() - started
    except (DatabaseError, psycopg.Error) as error:
        # A bad row breaks a NOT NULL or the unique index of the checked table (or a
        # concurrent writer took a key, or deleted a meter): all was rolled back.
        raise NotHandled(type(error).__name__) from None
    return result


def _run(cursor, file: Path, delimiter: str, columns: list[str], dry_run: bool) -> Result:
    started = time.perf_counter()
    seconds = {}
    # Sorts and hashes of a million rows in memory, not in temporary files.
    cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    names = [f"c{n}" for n in range(len(columns))]
    cursor.execute(
        f"CREATE TEMPORARY TABLE import_raw ({', '.join(f'{n} text' for n in names)}) "
        "ON COMMIT DROP"
    )
    quoted = False
    sql = (
        f"COPY import_raw FROM STDIN WITH (FORMAT csv, HEADER true, "
        f"DELIMITER '{delimiter}', ENCODING 'UTF8')"
    )
    with cursor.copy(sql) as copy, open(file, "rb") as handle:
        last = b""
        while chunk := handle.read(CHUNK):
            # A line `\.` ends COPY's data early; Python's reader reads on.
            if b"\\." in last + chunk[:1] or b"\\." in chunk:
                raise NotHandled("\\. в файле")
            quoted = quoted or b'"' in chunk
            copy.write(chunk)
            last = chunk[-1:]
    if quoted and not quotes_are_whole_fields(file, delimiter):
        raise NotHandled("кавычки внутри поля")
    seconds["copy"] = time.perf_counter() - started

    started = time.perf_counter()
    column = {name: f"r.c{columns.index(name)}" for name in columns}
    zone = column.get("zone", "NULL::text")
    _load_lookups(cursor, column["city"], column["date"], zone)
    blank = " AND ".join(f"coalesce(btrim(r.{n}, %(ws)s), '') = ''" for n in names)
    # Bytes, not characters: a row within the limit in bytes is within it in characters.
    width = " + ".join(f"coalesce(octet_length(r.{n}), 0)" for n in names)
    cursor.execute(
        "CREATE TEMPORARY TABLE import_checked (meter_id bigint NOT NULL, date date NOT NULL, "
        "zone varchar(1) NOT NULL, value numeric(15, 3) NOT NULL) ON COMMIT DROP"
    )
    # Any rule broken leaves a NULL, which the NOT NULL columns refuse; a row twice
    # in the file breaks the unique index built next. Contract and meter numbers are compared as
    # they are: import_meters holds only numbers without spaces around them, so a
    # number with spaces (which Python would strip) goes to the Python path. A value
    # is a plain number (`36156`, `20450,5`), or one once the spaces are taken out.
    cursor.execute(
        f"""
        INSERT INTO import_checked (meter_id, date, zone, value)
        SELECT CASE WHEN k.n = 1 AND r.width <= %(width)s THEN k.id END,
               g.day,
               CASE k.zones WHEN 1 THEN g.zone1 WHEN 2 THEN g.zone2 WHEN 3 THEN g.zone3 END,
               CASE WHEN length(rtrim(split_part(r.value, '.', 2), '0')) <= k.decimals
                     AND length(ltrim(split_part(r.value, '.', 1), '0')) <= k.digits
                    THEN r.value::numeric(15, 3) END
        FROM (
            SELECT r.*, {column["city"]} AS city, {column["date"]} AS date,
                   coalesce({zone}, '') AS zone,
                   {column["contract_number"]} AS contract, {column["meter_number"]} AS number,
                   replace(coalesce(
                       substring({column["value"]} FROM %(plain)s),
                       substring(replace(replace(btrim({column["value"]}, %(ws)s), %(nbsp)s, ''),
                           ' ', '') FROM %(plain)s)
                   ), ',', '.') AS value,
                   {width} AS width
            FROM import_raw r
            OFFSET 0  -- each value cleaned once, not once per use below
        ) r
        LEFT JOIN import_keys g ON g.city = r.city AND g.date = r.date AND g.zone = r.zone
        LEFT JOIN import_meters k
            ON k.branch_id = g.branch_id AND k.contract = r.contract AND k.number = r.number
        -- Python's reader skips a blank line (a known city is not blank), not a long one.
        WHERE g.branch_id IS NOT NULL OR NOT ({blank}) OR r.width > %(width)s
        """,  # noqa: S608  # nosec B608 (only our own column names are put in)
        {"ws": PYTHON_WHITESPACE, "nbsp": "\xa0", "plain": PLAIN_NUMBER, "width": MAX_LINE_CHARS},
    )
    result = Result(total=cursor.rowcount, seconds=seconds)
    # Built at once after the rows are in, faster than kept up row by row.
    cursor.execute("CREATE UNIQUE INDEX ON import_checked (meter_id, date, zone)")
    if result.total == 0:
        raise NotHandled("нет строк")
    seconds["checks"] = time.perf_counter() - started
    if not dry_run:
        started = time.perf_counter()
        result.updated, result.created = _write(cursor, result.total)
        seconds["insert"] = time.perf_counter() - started
    return result


def _load_lookups(cursor, city: str, date: str, zone: str) -> None:
    """The file's few (city, date, zone) texts, checked by the Python path's own functions."""
    sql = f"SELECT {city}, {date}, {zone} FROM import_raw r GROUP BY 1, 2, 3"  # noqa: S608  # nosec B608
    cursor.execute(sql)
    known = imports.branches()
    today = timezone.localdate()
    branches, days, zones = {}, {}, {}
    keys = {}
    for raw_city, raw_date, raw_zone in cursor.fetchall():
        if raw_city not in branches:
            branches[raw_city] = _checked(imports.branch_of, Row(0, {"city": raw_city}), known)
        if raw_date not in days:
            row = Row(0, {"date": raw_date})
            days[raw_date] = _checked(imports.reading_date, row, "date", today)
        if raw_zone not in zones:
            # The zone's code for a meter of 1, 2 or 3 zones (None: not one of its zones).
            row = Row(0, {"zone": raw_zone})
            zones[raw_zone] = [
                _checked(imports.zone_of, row, ZONES_BY_COUNT[count], "") for count in (1, 2, 3)
            ]
        if branches[raw_city] is not None and days[raw_date] is not None:
            key = raw_city, raw_date, raw_zone or ""
            keys[key] = [branches[raw_city], days[raw_date], *zones[raw_zone]]
    if not keys:
        raise NotHandled("нет строк с известным городом и верной датой")
    columns = list(zip(*[(*key, *value) for key, value in keys.items()], strict=True))
    cursor.execute(
        "CREATE TEMPORARY TABLE import_keys ON COMMIT DROP AS SELECT * FROM unnest("
        "%s::text[], %s::text[], %s::text[], %s::bigint[], %s::date[], %s::text[], %s::text[], "
        "%s::text[]) AS t (city, date, zone, branch_id, day, zone1, zone2, zone3)",
        [list(values) for values in columns],
    )
    # imports.meters(): a number twice in one contract of a city is ambiguous (n > 1).
    cursor.execute(
        """
        CREATE TEMPORARY TABLE import_meters ON COMMIT DROP AS
        SELECT c.branch_id, c.number AS contract, m.number, min(m.id) AS id, count(*) AS n,
               min(m.digits) AS digits, min(m.decimals) AS decimals, min(m.zones) AS zones
        FROM meters_meter m
        JOIN meters_deliverypoint p ON p.id = m.delivery_point_id
        JOIN billing_contract c ON c.id = p.contract_id
        WHERE c.branch_id IN (SELECT branch_id FROM import_keys)
          AND c.number <> '' AND c.number = btrim(c.number, %s)
          AND m.number <> '' AND m.number = btrim(m.number, %s)
        GROUP BY 1, 2, 3
        """,
        [PYTHON_WHITESPACE, PYTHON_WHITESPACE],
    )
    # Sizes for the planner: hash joins against these small tables, no sorts.
    cursor.execute("ANALYZE import_keys, import_meters")


def _checked(check, *args):
    """What a check of the Python path returns, or None where it raises RowError."""
    try:
        return check(*args)
    except RowError:
        return None


def _write(cursor, total: int) -> tuple[int, int]:
    """Insert the new readings, update the changed ones: (updated, created).

    As MERGE_SQL of the command: an equal value is left alone; the billing
    system's value wins over one typed on the portal. A plain INSERT in key order
    and an UPDATE are faster than INSERT … ON CONFLICT on a million rows, and the
    UPDATE (a join with all stored readings) is skipped when every row was new.
    """
    kept = [Reading.Source.IMPORT, Reading.Status.ACCEPTED]
    cursor.execute(
        """
        INSERT INTO meters_reading
            (meter_id, date, zone, value, source, status, rollover, submitted_by_id, created_at)
        SELECT c.meter_id, c.date, c.zone, c.value, %s, %s, false, NULL, now()
        FROM import_checked c
        WHERE NOT EXISTS (
            SELECT FROM meters_reading r
            WHERE r.meter_id = c.meter_id AND r.date = c.date AND r.zone = c.zone
        )
        ORDER BY c.meter_id, c.date, c.zone
        """,
        kept,
    )
    created = cursor.rowcount
    if created == total:
        return 0, created
    cursor.execute(
        """
        UPDATE meters_reading r
        SET value = c.value, source = %s, status = %s, rollover = false, submitted_by_id = NULL
        FROM import_checked c
        WHERE r.meter_id = c.meter_id AND r.date = c.date AND r.zone = c.zone
          AND r.value <> c.value
        """,
        kept,
    )
    return cursor.rowcount, created


def _drop_tables(cursor) -> None:
    # ON COMMIT DROP does not fire inside an outer transaction (a test's).
    cursor.execute("DROP TABLE import_raw, import_keys, import_meters, import_checked")
