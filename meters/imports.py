"""Look-ups shared by the operators' meter and reading imports, loaded once per run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone

from billing.branches import Branches
from billing.models import Contract
from core.importing import Row, RowError
from meters.models import ZONES_BY_COUNT, Meter, ReadingZone
from meters.readings import date_error, parse_value, value_error, zone_error

ZONE_NAMES = {
    **{zone.value.lower(): zone.value for zone in ReadingZone},
    **{zone.label.lower(): zone.value for zone in ReadingZone},
}
ZONE_INDEX = {zone.value: index for index, zone in enumerate(ReadingZone)}
AMBIGUOUS = -1


class MeterSpec(NamedTuple):
    """What a reading row is checked against: small, as a million rows may name many meters."""

    id: int
    digits: int
    decimals: int
    zones: int

    @property
    def zone_codes(self) -> tuple[str, ...]:
        return ZONES_BY_COUNT[self.zones]


def branches() -> Branches:
    """A city as the billing system writes it («Кемерово», «г. Кемерово», «kemerovo»)."""
    return Branches()


def branch_of(row: Row, known: Branches) -> int:
    return known.of_row(row).pk


def contracts() -> dict[tuple[int, str], int]:
    return {
        (branch_id, number): pk
        for pk, branch_id, number in Contract.objects.values_list("id", "branch_id", "number")
    }


def contract_of(row: Row, branch_id: int, known: dict[tuple[int, str], int]) -> int:
    number = row.text("contract_number", max_length=32)
    pk = known.get((branch_id, number))
    if pk is None:
        raise RowError("contract_number", f"договора {number} в этом городе нет")
    return pk


def meters() -> dict[tuple[int, str, str], MeterSpec | int]:
    """(branch, contract number, meter number) → its spec, or AMBIGUOUS for a repeated number."""
    found: dict[tuple[int, str, str], MeterSpec | int] = {}
    rows = Meter.objects.values_list(
        "id",
        "number",
        "digits",
        "decimals",
        "zones",
        "delivery_point__contract__branch_id",
        "delivery_point__contract__number",
    )
    for pk, number, digits, decimals, zones, branch_id, contract in rows.iterator(2000):
        key = (branch_id, contract, number)
        found[key] = AMBIGUOUS if key in found else MeterSpec(pk, digits, decimals, zones)
    return found


def zone_of(row: Row, meter, meter_number: str) -> str:
    """The tariff zone of a row: by code (D, N…) or name (день, ночь…); none for a single-rate meter.

    Whether the meter has that zone is the reading form's rule (`zone_error`).
    """
    raw = row.values.get("zone")
    # Most files have no zone column (single-rate meters): no text to make of nothing.
    text = "" if raw is None or raw == "" else row.text("zone", required=False, max_length=16)
    text = text.lower()
    if not text:
        if len(meter.zone_codes) == 1:
            return meter.zone_codes[0]
        # The names only for a message: a million good rows should not build them.
        names = ", ".join(ReadingZone(z).label for z in meter.zone_codes)
        raise RowError("zone", f"у прибора учета {meter_number} несколько зон: укажите {names}")
    zone = ZONE_NAMES.get(text)
    if zone is None:
        names = ", ".join(ReadingZone(z).label for z in meter.zone_codes)
        raise RowError(
            "zone", f"«{text}» — не тарифная зона; у прибора учета {meter_number}: {names}"
        )
    if (message := zone_error(meter, zone)) is not None:
        raise RowError("zone", message)
    return zone


def reading_value(row: Row, column: str, meter) -> Decimal:
    """A register value, by the reading form's rules (`parse_value`, `value_error`)."""
    raw = row.raw(column)
    try:
        value = parse_value(repr(raw) if isinstance(raw, float) else ("" if raw is None else raw))
    except ValueError as error:
        raise RowError(column, str(error)) from None
    if (message := value_error(meter, value)) is not None:
        raise RowError(column, message)
    return value


def reading_date(row: Row, column: str, today: dt.date | None = None) -> dt.date:
    """A reading's date, by the reading form's rule (`date_error`)."""
    day = row.date(column)
    if (message := date_error(day, today or timezone.localdate())) is not None:
        raise RowError(column, message)
    return day
