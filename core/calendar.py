"""The official Russian production calendar: working days and days off.

Holidays of ТК РФ ст. 112, their moves when they fall on a weekend, and the
government's yearly decree moving days off (and the Saturdays that become
working days) come from the `holidays` package's Russian calendar, kept current
by its maintainers with each decree. Terms (ГК РФ ст. 193), the working days of
network power (ПП 442 п. 97) and capacity hours all read it here.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _days_off(year: int) -> frozenset[dt.date]:
    """The year's days off as the package says them, asked once per day of the year.

    The package answers each day by several lookups (weekend, holiday, moved working
    day); a penalty run asks about ~200,000 days (every term of every contract), so the
    year is read once and kept, immutable.
    """
    calendar = holidays.country_holidays("RU", years=year)
    first = dt.date(year, 1, 1)
    days = (
        first + dt.timedelta(days=n) for n in range((first.replace(year=year + 1) - first).days)
    )
    return frozenset(day for day in days if not calendar.is_working_day(day))


def is_working_day(day: dt.date) -> bool:
    """A working day of the production calendar (moved days off and working Saturdays included)."""
    return day not in _days_off(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself if it is a working day, else the next one (ГК РФ ст. 193)."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """The working days from `first` to `last`, both included."""
    days = []
    day = first
    while day <= last:
        if is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days
