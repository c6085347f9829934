"""The rules of a meter reading, in one place.

`validate_reading` decides whether a reading may be accepted; the single form,
the table of many meters, the file upload and (for the value rules) the
operators' import all call it. It is a pure function of the meter, what is
known of its past (`MeterState`), the closed months and today, so that many
meters can be checked against states loaded in one query.
`submit_reading` / `submit_many` check again and write, inside a transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Window
from django.db.models.functions import DenseRank
from django.utils import timezone

from core import audit
from core.formatting import group_digits, month_label
from core.numbers import parse_decimal
from meters.models import ClosedPeriod, Meter, Reading, ReadingZone

SPIKE_FACTOR = 3
DAYS_PER_MONTH = Decimal("30.4375")
# The average monthly consumption is taken over at most this many recent readings.
HISTORY_DEPTH = 13
# Under this span the history says too little about a month to call anything a spike.
MIN_HISTORY_DAYS = 20

Values = dict[str, Decimal]


class ReadingAlreadySaved(Exception):
    """Another request saved a reading for this meter and date first."""


def last_reading_dates(contract_ids) -> dict[int, dt.date]:
    """The date of the latest reading of any meter of each contract, in one query."""
    rows = (
        Reading.objects.filter(meter__delivery_point__contract_id__in=contract_ids)
        .values("meter__delivery_point__contract_id")
        .order_by("meter__delivery_point__contract_id")
        .annotate(latest=Max("date"))
    )
    return {row["meter__delivery_point__contract_id"]: row["latest"] for row in rows}


def parse_value(text: str) -> Decimal:
    """`36 156,5` → Decimal('36156.5'); ValueError with a Russian message otherwise."""
    if not str(text).strip():
        raise ValueError("Введите показание.")
    try:
        return parse_decimal(text)
    except ValueError:
        raise ValueError(f"«{str(text).strip()}» — не число.") from None


def value_error(meter: Meter, value: Decimal) -> str | None:
    """Why `value` cannot be a reading of this meter's register, or None."""
    if value < 0:
        return "Показание не может быть отрицательным."
    places = -value.normalize().as_tuple().exponent if value != value.to_integral() else 0
    if meter.decimals == 0 and places > 0:
        return "Показание этого прибора учета — целое число, без дробной части."
    if places > meter.decimals:
        return f"У этого прибора учета не более {meter.decimals} знаков после запятой."
    if value >= Decimal(10) ** meter.digits:
        return f"У этого прибора учета не более {meter.digits} цифр до запятой."
    return None


def zone_error(meter: Meter, zone: str) -> str | None:
    """Why `zone` is not one of this meter's tariff zones (a value per zone of the meter), or None."""
    if zone in meter.zone_codes:
        return None
    names = ", ".join(zone_label(code) for code in meter.zone_codes)
    return f"У этого прибора учета нет зоны «{zone_label(zone)}» (его зоны: {names})."


def date_error(day: dt.date, today: dt.date) -> str | None:
    """Why `day` cannot be a reading's date (DESIGN.md: never in the future), or None."""
    if day > today:
        return "Дата показания не может быть в будущем."
    return None


def zone_label(zone: str) -> str:
    return ReadingZone(zone).label


def format_value(value: Decimal) -> str:
    places = 0 if value == value.to_integral() else min(3, -value.normalize().as_tuple().exponent)
    return group_digits(value, places)


def months_between(earlier: dt.date, later: dt.date) -> Decimal:
    """Months from one date to another; month-end to month-end is a whole number of months."""

    def day_of(day: dt.date) -> int:
        # Readings are taken on the last day of a month, however long the month is.
        return 31 if (day + dt.timedelta(days=1)).day == 1 else day.day

    whole = (later.year - earlier.year) * 12 + later.month - earlier.month
    return whole + Decimal(day_of(later) - day_of(earlier)) / DAYS_PER_MONTH


@dataclass
class MeterState:
    """What the rules know of a meter's past: its most recent readings, by date."""

    meter: Meter
    history: dict[dt.date, dict[str, Reading]] = field(default_factory=dict)
    # Readings staff rejected do not count as the last reading, but a new one replaces them.
    rejected: dict[dt.date, dict[str, Reading]] = field(default_factory=dict)

    @property
    def last_date(self) -> dt.date | None:
        return max(self.history, default=None)

    def last(self) -> tuple[dt.date, dict[str, Reading]] | None:
        day = self.last_date
        return (day, self.history[day]) if day else None

    def latest_before(self, day: dt.date) -> tuple[dt.date, dict[str, Reading]] | None:
        earlier = [d for d in self.history if d < day]
        if not earlier:
            return None
        latest = max(earlier)
        return latest, self.history[latest]

    def average_monthly(self, before: dt.date) -> Decimal | None:
        """Average kWh a month over the known readings before `before`, or None without history."""
        dates = sorted(d for d in self.history if d < before)
        if len(dates) < 2 or (dates[-1] - dates[0]).days < MIN_HISTORY_DAYS:
            return None
        total = Decimal(0)
        for previous, current in zip(dates, dates[1:], strict=False):
            for zone, reading in self.history[current].items():
                old = self.history[previous].get(zone)
                if old is not None:
                    total += self.meter.consumption(
                        old.value, reading.value, rollover=reading.rollover
                    )
        return total / months_between(dates[0], dates[-1])

    def remember(self, check: ReadingCheck) -> None:
        """Take an accepted reading into account for the next one (several dates in a file)."""
        self.history[check.date] = {
            zone: Reading(
                meter=self.meter,
                date=check.date,
                zone=zone,
                value=value,
                rollover=zone in check.rollover_zones,
            )
            for zone, value in check.values.items()
        }


def spike_limit(average: Decimal | None, months: Decimal) -> Decimal | None:
    """The most kWh a reading may show without a confirmation, or None without a history.

    Seed rule: a consumption more than SPIKE_FACTOR times the monthly average
    (over the months since the previous reading) is asked about.
    """
    if average is None or average <= 0:
        return None
    return SPIKE_FACTOR * average * max(Decimal(1), months)


def rollover_limit(meter: Meter, spike: Decimal | None) -> Decimal:
    """The most kWh a pass through zero may imply: the spike limit of the meter.

    Decision (issue 17): a meter without a month of history has no spike limit; its
    rollover may then imply at most a tenth of the register, so only a value read
    near the register's top can wrap (36 150 after 36 156 cannot).
    """
    if spike is not None:
        return spike
    return meter.register_span / 10 * meter.coefficient


def rollover_error(reading: Reading) -> str | None:
    """Why `reading` may not be marked as a pass through zero, or None (staff's door).

    The same rule as a customer's confirmation in `validate_reading`: the
    consumption across zero since the reading before it is within `rollover_limit`.
    """
    meter = reading.meter
    state = load_states([meter])[meter.pk]
    previous = state.latest_before(reading.date)
    old = previous[1].get(reading.zone) if previous else None
    if old is None or reading.value >= old.value:
        return None
    average = state.average_monthly(before=reading.date)
    most = rollover_limit(meter, spike_limit(average, months_between(previous[0], reading.date)))
    wrapped = meter.consumption(old.value, reading.value, rollover=True)
    return implausible_rollover(old.value, wrapped, most) if wrapped > most else None


@dataclass
class ReadingCheck:
    """The verdict on one reading: errors by field ("date" or a zone code), or what it implies."""

    meter: Meter
    date: dt.date
    values: Values
    errors: dict[str, list[str]] = field(default_factory=dict)
    rollover_unconfirmed: list[str] = field(default_factory=list)
    spike_unconfirmed: bool = False
    rollover_zones: set[str] = field(default_factory=set)
    spike: bool = False
    replaces: dict[str, Reading] = field(default_factory=dict)
    previous: tuple[dt.date, dict[str, Reading]] | None = None
    consumption: dict[str, Decimal] = field(default_factory=dict)
    average: Decimal | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.rollover_unconfirmed and not self.spike_unconfirmed

    @property
    def total_consumption(self) -> Decimal | None:
        return sum(self.consumption.values(), Decimal(0)) if self.consumption else None

    def add(self, where: str, message: str) -> None:
        self.errors.setdefault(where, []).append(message)

    def messages(self) -> list[tuple[str, str]]:
        """Every reason not to save, as (field, message), confirmations included."""
        found = [(where, text) for where, texts in self.errors.items() for text in texts]
        for zone in self.rollover_unconfirmed:
            found.append((zone, rollover_question(self, zone)))
        if self.spike_unconfirmed:
            found.append((self.meter.zone_codes[0], spike_question(self)))
        return found


def rollover_question(check: ReadingCheck, zone: str) -> str:
    old = check.previous[1][zone].value
    return (
        f"Показание меньше предыдущего ({format_value(old)}). Если счетчик перешел через ноль, "
        "подтвердите это; иначе проверьте показание."
    )


def implausible_rollover(old: Decimal, wrapped: Decimal, limit: Decimal) -> str:
    return (
        f"Показание меньше предыдущего ({format_value(old)}), а переход через ноль "
        f"невозможен: расход составил бы {format_value(wrapped)} кВт·ч, больше "
        f"допустимого для этого прибора учета ({format_value(limit.quantize(Decimal(1)))} "
        "кВт·ч). Проверьте показание."
    )


def spike_question(check: ReadingCheck) -> str:
    average = check.average.quantize(Decimal(1) if check.average >= 10 else Decimal("0.1"))
    return (
        f"Расход {format_value(check.total_consumption)} кВт·ч более чем в {SPIKE_FACTOR} раза "
        f"превышает средний за месяц ({format_value(average)} кВт·ч). "
        "Если показание верно, подтвердите его."
    )


def validate_reading(
    meter: Meter,
    date: dt.date,
    values: Mapping[str, Decimal],
    *,
    state: MeterState,
    closed_months: frozenset[dt.date] | set[dt.date],
    today: dt.date,
    confirm_rollover: bool = False,
    confirm_spike: bool = False,
) -> ReadingCheck:
    """Check a reading of `meter` on `date` (one value per tariff zone) against every rule."""
    check = ReadingCheck(meter=meter, date=date, values=dict(values))
    if meter.is_automatic:
        check.add("date", "Этот прибор учета опрашивается автоматически (АИИСКУЭ).")
        return check
    for zone in meter.zone_codes:
        if zone not in values:
            check.add(zone, f"Введите показание ({zone_label(zone)}).")
    for zone, value in values.items():
        if (message := zone_error(meter, zone) or value_error(meter, value)) is not None:
            check.add(zone, message)

    last_date = state.last_date
    if (message := date_error(date, today)) is not None:
        check.add("date", message)
    elif last_date and date < last_date:
        check.add(
            "date",
            f"Дата раньше даты последнего показания ({last_date:%d.%m.%Y}).",
        )
    elif date.replace(day=1) in closed_months:
        if date in state.history:
            check.add(
                "date",
                f"Показание на {date:%d.%m.%Y} уже принято, а период "
                f"{month_label(date)} закрыт: заменить его нельзя.",
            )
        else:
            check.add(
                "date", f"Период {month_label(date)} закрыт: показания за него не принимаются."
            )
    if check.errors:
        return check

    # Only stored readings are replaced; one remembered from the same file is not.
    check.replaces = {
        **state.rejected.get(date, {}),
        **{z: r for z, r in state.history.get(date, {}).items() if r.pk},
    }
    check.previous = state.latest_before(date)
    if check.previous is None:
        return check
    previous_day, previous_readings = check.previous
    check.average = state.average_monthly(before=date)
    limit = spike_limit(check.average, months_between(previous_day, date))
    for zone, value in values.items():
        old = previous_readings.get(zone)
        if old is None:
            continue
        if value < old.value:
            wrapped = meter.consumption(old.value, value, rollover=True)
            if wrapped > (most := rollover_limit(meter, limit)):
                check.add(zone, implausible_rollover(old.value, wrapped, most))
                continue
            if not confirm_rollover:
                check.rollover_unconfirmed.append(zone)
                continue
            check.rollover_zones.add(zone)
        check.consumption[zone] = meter.consumption(
            old.value, value, rollover=zone in check.rollover_zones
        )
    if check.errors or check.rollover_unconfirmed:
        return check

    if limit is not None and check.consumption and check.total_consumption > limit:
        check.spike = True
        check.spike_unconfirmed = not confirm_spike
    return check


# --- loading what the rules need ---------------------------------------------------


LAST_DATES_OF_ONE_METER = """
    SELECT id, meter_id, date, zone, value, rollover, source, status FROM meters_reading
    WHERE meter_id = %s AND date IN (
        SELECT DISTINCT date FROM meters_reading WHERE meter_id = %s ORDER BY date DESC LIMIT %s
    )
"""


def load_states(meters: Iterable[Meter], depth: int = HISTORY_DEPTH) -> dict[int, MeterState]:
    """The last `depth` reading dates of every meter, in one query whatever their number."""
    states = {meter.pk: MeterState(meter) for meter in meters}
    if not states:
        return states
    if len(states) == 1:
        # One meter (its page, on every visit): its last dates by the (meter, -date)
        # index, in plain SQL; the ORM takes three times as long to build the window
        # query below than the database takes to answer it.
        (pk,) = states
        recent = Reading.objects.raw(LAST_DATES_OF_ONE_METER, [pk, pk, depth])
    else:
        recent = (
            Reading.objects.filter(meter_id__in=list(states))
            .annotate(
                rank=Window(DenseRank(), partition_by=[F("meter_id")], order_by=F("date").desc())
            )
            .filter(rank__lte=depth)
            .only("id", "meter_id", "date", "zone", "value", "rollover", "source", "status")
        )
    for reading in recent:
        state = states[reading.meter_id]
        reading.meter = state.meter
        kept = state.rejected if reading.status == Reading.Status.REJECTED else state.history
        kept.setdefault(reading.date, {})[reading.zone] = reading
    return states


def closed_months() -> frozenset[dt.date]:
    return frozenset(ClosedPeriod.objects.values_list("month", flat=True))


def today() -> dt.date:
    return timezone.localdate()


# --- writing -----------------------------------------------------------------------


def _write(checks: list[ReadingCheck], *, user, source: str) -> None:
    """Create or replace the readings of accepted checks; the unique constraint guards races.

    Each reading leaves a «reading.submitted» audit entry here, so the form, the
    table and the upload leave the same trace.
    """
    created, replaced = [], []
    for check in checks:
        status = Reading.Status.FLAGGED if check.spike else Reading.Status.ACCEPTED
        for zone, value in check.values.items():
            existing = check.replaces.get(zone)
            reading = existing or Reading(meter=check.meter, date=check.date, zone=zone)
            reading.value = value
            reading.source = source
            reading.status = status
            reading.rollover = zone in check.rollover_zones
            reading.submitted_by = user
            (replaced if existing else created).append(reading)
    events = [
        audit.event(
            "reading.submitted",
            user=user,
            target=check.meter,
            date=check.date,
            values={zone: str(value) for zone, value in check.values.items()},
            source=source,
        )
        for check in checks
    ]
    try:
        with transaction.atomic():
            Reading.objects.bulk_create(created, batch_size=1000)
            Reading.objects.bulk_update(
                replaced,
                ["value", "source", "status", "rollover", "submitted_by"],
                batch_size=1000,
            )
            audit.record_many(events)
    except IntegrityError:
        raise ReadingAlreadySaved from None


def submit_reading(
    meter: Meter,
    date: dt.date,
    values: Mapping[str, Decimal],
    *,
    user=None,
    source: str = Reading.Source.CUSTOMER,
    confirm_rollover: bool = False,
    confirm_spike: bool = False,
) -> ReadingCheck:
    """Check and save one reading; nothing is written unless `check.ok`."""
    state = load_states([meter])[meter.pk]
    check = validate_reading(
        meter,
        date,
        values,
        state=state,
        closed_months=closed_months(),
        today=today(),
        confirm_rollover=confirm_rollover,
        confirm_spike=confirm_spike,
    )
    if check.ok:
        _write([check], user=user, source=source)
    return check


@dataclass
class Entry:
    """One reading among many (a row of the table, a group of lines of a file)."""

    meter: Meter
    date: dt.date
    values: Values
    confirm_rollover: bool = False
    confirm_spike: bool = False
    lines: dict[str, int] = field(default_factory=dict)  # zone → line of the file


def check_many(entries: list[Entry]) -> list[ReadingCheck]:
    """Check many readings, of one or several dates per meter, against states loaded once.

    The checks come back in the order of `entries`; a meter's dates are checked
    oldest first, each against the one before it.
    """
    states = load_states({entry.meter.pk: entry.meter for entry in entries}.values())
    closed = closed_months()
    day = today()
    checks: list[ReadingCheck | None] = [None] * len(entries)
    order = sorted(range(len(entries)), key=lambda i: (entries[i].meter.pk, entries[i].date))
    for index in order:
        entry = entries[index]
        state = states[entry.meter.pk]
        check = validate_reading(
            entry.meter,
            entry.date,
            entry.values,
            state=state,
            closed_months=closed,
            today=day,
            confirm_rollover=entry.confirm_rollover,
            confirm_spike=entry.confirm_spike,
        )
        checks[index] = check
        if check.ok:
            state.remember(check)
    return checks


def submit_many(entries: list[Entry], *, user=None, save: bool = True) -> list[ReadingCheck]:
    """All or nothing: the readings are saved only if every one passes (and `save`)."""
    checks = check_many(entries)
    if save and checks and all(check.ok for check in checks):
        _write(checks, user=user, source=Reading.Source.CUSTOMER)
    return checks


def confirmation(check: ReadingCheck) -> str:
    """What the customer is told once a reading is saved."""
    values = ", ".join(
        format_value(check.values[zone])
        if check.meter.zones == 1
        else f"{zone_label(zone)} {format_value(check.values[zone])}"
        for zone in check.meter.zone_codes
    )
    verb = "заменено" if check.replaces else "принято"
    text = f"Показание прибора учета № {check.meter.number} на {check.date:%d.%m.%Y} ({values}) {verb}."
    if check.total_consumption is None:
        text += " Расход будет рассчитан по следующему показанию."
    else:
        text += (
            f" Расход с {check.previous[0]:%d.%m.%Y}: "
            f"{format_value(check.total_consumption)} кВт·ч."
        )
    if check.rollover_zones:
        text += " Учтен переход счетчика через ноль."
    if check.spike:
        text += " Расход выше обычного: показание будет проверено сотрудником."
    return text


@dataclass
class HistoryRow:
    reading: Reading
    consumption: Decimal | None


def history(meter: Meter) -> list[HistoryRow]:
    """Every reading of the meter, newest first, with the consumption since the one before it."""
    order = {zone: index for index, zone in enumerate(meter.zone_codes)}
    readings = sorted(
        Reading.objects.filter(meter=meter).select_related("submitted_by__membership"),
        key=lambda r: (r.date, order.get(r.zone, len(order)), r.zone),
    )
    previous: dict[str, Reading] = {}
    rows = []
    for reading in readings:
        reading.meter = meter
        old = previous.get(reading.zone)
        used = (
            meter.consumption(old.value, reading.value, rollover=reading.rollover) if old else None
        )
        rows.append(HistoryRow(reading, used))
        if reading.status != Reading.Status.REJECTED:
            previous[reading.zone] = reading
    # Newest date first, the zones of a date in the meter's order (пик, полупик, ночь).
    rows.sort(key=lambda row: (-row.reading.date.toordinal(), order.get(row.reading.zone, 9)))
    return rows
