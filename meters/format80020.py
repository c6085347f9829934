"""Hourly data in the wholesale market's own XML: the «макет 80020» (versions 1 and 2).

One file holds one day (`<datetime><day>YYYYMMDD</day>`) of one or more areas
(`<area>` with the customer's ИНН), each with measuring points
(`<measuringpoint code=…>`) and their channels; channel `01` is active energy
taken from the network, as 48 half-hours `<period start="0000" end="0030">`
each holding `<value status="…">kWh</value>`. Other channels (reactive energy,
energy given back) are not billed and are skipped.

`read_files` checks everything before anything is written and says each
problem as `file:line: element: reason`: a point of another contract or
customer, a half-hour missing or given twice, a negative value, a day outside
the file's own date, a bad status. Half-hours are summed to hours.

Statuses: only `0` (достоверные данные) is accepted; `1` marks data the
metering system itself distrusts and any other value is unknown — a careful
accountant bills neither, so the file is refused and billing is asked for a
corrected one. Times are the local time of the day in the file.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.sax import SAXParseException  # nosec B406  # the parser itself is defusedxml's
from xml.sax.handler import ContentHandler  # nosec B406

import defusedxml.sax

from core.importing import Issue
from meters.models import DeliveryPoint

ACTIVE_ENERGY = "01"
VERSIONS = ("1", "2")
HALF_HOURS = tuple(range(0, 24 * 60, 30))
ACCEPTED_STATUS = "0"
# One day of a few hundred points is well under this; anything larger is not a day's file.
MAX_FILE_BYTES = 20 * 1024 * 1024
KWH = Decimal("0.001")

# (point id, date, hour) → kWh
Volumes = dict[tuple[int, dt.date, int], Decimal]


def half_hour_label(start: int) -> str:
    end = (start + 30) % (24 * 60)
    return f"{start // 60:02d}:{start % 60:02d}–{end // 60:02d}:{end % 60:02d}"


@dataclass
class _Channel:
    line: int
    point_code: str
    point_line: int
    inn: str
    starts: dict[int, int] = field(default_factory=dict)  # every half-hour given → its line
    values: dict[int, Decimal] = field(default_factory=dict)  # the good ones → kWh


@dataclass
class File80020:
    """What one file says, read but not yet matched to delivery points."""

    name: str
    day: dt.date | None = None
    channels: list[_Channel] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


class _Handler(ContentHandler):
    def __init__(self, result: File80020):
        super().__init__()
        self.result = result
        self.path: list[str] = []
        self.text: list[str] = []
        self.inn = ""
        self.point: tuple[str, int] | None = None
        self.channel: _Channel | None = None
        self.period: tuple[int, int] | None = None  # (start minute, line)
        self.value_status: str | None = None
        self.period_date: str = ""

    # -- helpers -------------------------------------------------------------
    @property
    def line(self) -> int:
        return self._locator.getLineNumber() if self._locator else 0

    def problem(self, element: str, reason: str, line: int | None = None) -> None:
        self.result.issues.append(
            Issue(self.result.name, self.line if line is None else line, element, reason)
        )

    # -- SAX -----------------------------------------------------------------
    def startElement(self, name, attrs):  # noqa: N802 (SAX's name)
        self.path.append(name)
        self.text = []
        if len(self.path) == 1:
            if name != "message" or attrs.get("class") != "80020":
                self.problem(name, 'это не макет 80020 (нужен <message class="80020">)')
                raise _Stop
            version = attrs.get("version", "1")
            if version not in VERSIONS:
                self.problem("message", f"версия макета «{version}» не поддерживается (1 или 2)")
        elif name == "area":
            self.inn = ""
        elif name == "measuringpoint":
            code = (attrs.get("code") or "").strip()
            if not code:
                self.problem("measuringpoint", "нет кода точки (code)")
            self.point = (code, self.line)
        elif name == "measuringchannel" and self.point is not None:
            if (attrs.get("code") or "").strip() == ACTIVE_ENERGY and self.point[0]:
                self.channel = _Channel(self.line, self.point[0], self.point[1], self.inn)
        elif name == "period" and self.channel is not None:
            self.period = self._period(attrs)
        elif name == "value" and self.channel is not None:
            self.value_status = attrs.get("status")

    def characters(self, content):
        self.text.append(content)

    def endElement(self, name):  # noqa: N802 (SAX's name)
        text = "".join(self.text).strip()
        parent = self.path[-2] if len(self.path) > 1 else ""
        if name == "day" and parent == "datetime":
            self._day(text)
        elif name == "inn" and parent == "area":
            self.inn = text
        elif name == "value" and self.channel is not None and self.period is not None:
            self._value(text)
        elif name == "period":
            self.period = None
        elif name == "measuringchannel" and self.channel is not None:
            self._close_channel()
        elif name == "measuringpoint":
            self.point = None
        self.path.pop()
        self.text = []

    # -- the rules -----------------------------------------------------------
    def _day(self, text: str) -> None:
        try:
            day = dt.datetime.strptime(text, "%Y%m%d").date()
        except ValueError:
            self.problem("day", f"дата «{text}» не в виде ГГГГММДД")
            return
        self.result.day = day
        from_name = re.search(r"(?<!\d)(20\d{6})(?!\d)", Path(self.result.name).name)
        if from_name and from_name.group(1) != text:
            self.problem("day", f"дата {text} не совпадает с датой в имени файла")

    def _period(self, attrs) -> tuple[int, int] | None:
        start, end = (attrs.get("start") or "").strip(), (attrs.get("end") or "").strip()
        if len(start) == 12 and start.isdigit():
            # A start with its date: the day must be the file's own.
            if self.result.day and start[:8] != f"{self.result.day:%Y%m%d}":
                self.problem("period", f"получас другого дня ({start[:8]}), не дня файла")
                return None
            start, end = start[8:], end[8:]
        minutes = _minutes(start)
        if minutes is None or minutes not in HALF_HOURS or _minutes(end) != (minutes + 30) % 1440:
            self.problem("period", f"неверный получас start={start!r} end={end!r}")
            return None
        if minutes in self.channel.starts:
            first = self.channel.starts[minutes]
            label = half_hour_label(minutes)
            self.problem("period", f"получас {label} повторяется (первый — строка {first})")
            return None
        self.channel.starts[minutes] = self.line
        return minutes, self.line

    def _value(self, text: str) -> None:
        start, _ = self.period
        label = half_hour_label(start)
        status = self.value_status
        if status is None:
            self.problem("value", f"{label}: нет статуса (status)")
            return
        if status != ACCEPTED_STATUS:
            reason = (
                "данные недостоверны (status=1), такие не принимаются"
                if status == "1"
                else f"неизвестный статус «{status}»"
            )
            self.problem("value", f"{label}: {reason}")
            return
        try:
            kwh = Decimal(text.replace(",", "."))
        except InvalidOperation:
            kwh = None
        if kwh is None or not kwh.is_finite():
            self.problem("value", f"{label}: «{text}» — не число")
            return
        if kwh < 0:
            self.problem("value", f"{label}: отрицательное значение {text}")
            return
        self.channel.values[start] = kwh

    def _close_channel(self) -> None:
        channel, self.channel = self.channel, None
        missing = [start for start in HALF_HOURS if start not in channel.starts]
        if missing:
            shown = ", ".join(half_hour_label(start) for start in missing[:3])
            more = f" и еще {len(missing) - 3}" if len(missing) > 3 else ""
            self.problem(
                "measuringchannel",
                f"точка «{channel.point_code}»: нет получасов {shown}{more}",
                channel.line,
            )
        self.result.channels.append(channel)


class _Stop(Exception):
    """The root says this is another format: nothing more to read."""


def _minutes(text: str) -> int | None:
    if len(text) != 4 or not text.isdigit():
        return None
    hours, minutes = int(text[:2]), int(text[2:])
    return hours * 60 + minutes if hours < 24 and minutes < 60 else None


def read_file(path: Path, name: str | None = None) -> File80020:
    """Parse one file; every problem goes to `issues` (none raised)."""
    result = File80020(name=name or str(path))
    if path.stat().st_size > MAX_FILE_BYTES:
        result.issues.append(Issue(result.name, 0, "-", "файл больше 20 МБ: это не один день"))
        return result
    try:
        with open(path, "rb") as handle:
            defusedxml.sax.parse(handle, _Handler(result), forbid_dtd=True)
    except _Stop:
        pass
    except SAXParseException as error:
        result.issues.append(
            Issue(result.name, error.getLineNumber(), "-", "файл не читается как XML")
        )
    except defusedxml.DefusedXmlException:
        result.issues.append(Issue(result.name, 0, "-", "XML с сущностями (DTD) не принимается"))
    if result.day is None and not result.issues:
        result.issues.append(Issue(result.name, 1, "datetime", "нет даты файла (<day>)"))
    return result


@dataclass
class Checked:
    """Files matched to delivery points: the hours to store, or what stops them."""

    volumes: Volumes
    issues: list[Issue]
    points: dict[int, DeliveryPoint]

    def days(self) -> list[dt.date]:
        return sorted({day for _, day, _ in self.volumes})


def check(
    files: Iterable[File80020],
    points: Mapping[str, list[DeliveryPoint]],
    *,
    contract=None,
    today: dt.date | None = None,
) -> Checked:
    """Match the files' points to delivery points and sum half-hours to hours.

    `points` are the candidates by code (`meters.hourly.points_by_code`); with
    `contract` (a customer's upload) only that contract's points count, and the
    answer never tells whether a code belongs to someone else.
    """
    issues: list[Issue] = []
    volumes: Volumes = {}
    matched: dict[int, DeliveryPoint] = {}
    seen: dict[tuple[int, dt.date], str] = {}
    names = []
    for item in files:
        names.append(item.name)
        issues.extend(item.issues)
        if item.day is None:
            continue
        if today is not None and item.day > today:
            issues.append(Issue(item.name, 1, "day", f"день {item.day:%d.%m.%Y} еще не наступил"))
            continue
        for channel in item.channels:
            point = _match(channel, points, contract, item.name, issues)
            if point is None:
                continue
            where = f"{item.name}:{channel.point_line}"
            if (point.pk, item.day) in seen:
                issues.append(
                    Issue(
                        item.name,
                        channel.point_line,
                        "measuringpoint",
                        f"точка «{channel.point_code}» за {item.day:%d.%m.%Y} уже есть: "
                        f"{seen[(point.pk, item.day)]}",
                    )
                )
                continue
            seen[(point.pk, item.day)] = where
            matched[point.pk] = point
            for start, kwh in channel.values.items():
                key = (point.pk, item.day, start // 60)
                volumes[key] = (volumes.get(key, Decimal(0)) + kwh).quantize(KWH)
    if not volumes and not issues and names:
        issues.append(
            Issue(names[0], 1, "measuringchannel", "нет данных канала 01 (активная энергия, прием)")
        )
    return Checked(volumes=volumes if not issues else {}, issues=issues, points=matched)


def _match(channel, points, contract, name, issues) -> DeliveryPoint | None:
    def refuse(reason: str) -> None:
        issues.append(Issue(name, channel.point_line, "measuringpoint", reason))

    candidates = points.get(channel.point_code.casefold(), [])
    if contract is not None:
        own = [point for point in candidates if point.contract_id == contract.pk]
        if not own:
            refuse(f"точка «{channel.point_code}» не относится к договору № {contract.number}")
            return None
        if channel.inn != contract.customer.inn:
            refuse(f"ИНН в файле «{channel.inn}» не совпадает с ИНН договора")
            return None
        return own[0]
    if not candidates:
        refuse(f"точка поставки «{channel.point_code}» не найдена")
        return None
    own = [point for point in candidates if point.contract.customer.inn == channel.inn]
    if not own:
        refuse(
            f"точка «{channel.point_code}» относится к договору другого потребителя "
            f"(ИНН в файле «{channel.inn}»)"
        )
        return None
    if len(own) > 1:
        numbers = ", ".join(f"№ {point.contract.number}" for point in own)
        refuse(f"код точки «{channel.point_code}» есть у нескольких договоров: {numbers}")
        return None
    return own[0]


def write_file(
    handle,
    *,
    day: dt.date,
    inn: str,
    name: str,
    points: Mapping[str, Mapping[int, Decimal]],
    version: str = "2",
    number: int = 1,
) -> None:
    """Write a day's file: {point code: {half-hour start minute: kWh}} (demo data, tests)."""
    from xml.sax.saxutils import escape, quoteattr  # nosec B406  # writing, not parsing

    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<message class="80020" version="{version}" number="{number}">',
        "  <datetime>",
        f"    <timestamp>{day:%Y%m%d}235959</timestamp>",
        "    <daylightsavingtime>0</daylightsavingtime>",
        f"    <day>{day:%Y%m%d}</day>",
        "  </datetime>",
        f"  <sender><inn>{escape(inn)}</inn><name>{escape(name)}</name></sender>",
        "  <area>",
        f"    <inn>{escape(inn)}</inn>",
        f"    <name>{escape(name)}</name>",
    ]
    for code, values in points.items():
        lines.append(f"    <measuringpoint code={quoteattr(code)} name={quoteattr(code)}>")
        lines.append('      <measuringchannel code="01" desc="активная энергия, прием">')
        for start, kwh in values.items():
            end = (start + 30) % 1440
            lines.append(
                f'        <period start="{start // 60:02d}{start % 60:02d}" '
                f'end="{end // 60:02d}{end % 60:02d}"><value status="0">{kwh}</value></period>'
            )
        lines.append("      </measuringchannel>")
        lines.append("    </measuringpoint>")
    lines += ["  </area>", "</message>", ""]
    handle.write("\n".join(lines).encode())
