import datetime as dt

import holidays
import pytest

from core.calendar import is_working_day, next_working_day, working_days


@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027])
def test_every_day_of_a_year_is_what_the_package_says(year):
    """The year read once says of each day what the package's calendar says of it."""
    package = holidays.country_holidays("RU", years=year)
    day = dt.date(year, 1, 1)
    while day.year == year:
        assert is_working_day(day) == package.is_working_day(day), day
        day += dt.timedelta(days=1)


def test_moved_days_off_and_a_working_saturday():
    assert not is_working_day(dt.date(2025, 5, 2))  # Friday, a day off moved from 4 January
    assert is_working_day(dt.date(2025, 11, 1))  # Saturday worked, for Monday 3 November
    assert not is_working_day(dt.date(2025, 11, 3))


def test_a_term_crosses_the_new_year_holidays():
    assert next_working_day(dt.date(2025, 12, 31)) == dt.date(2026, 1, 12)
    assert working_days(dt.date(2025, 12, 29), dt.date(2026, 1, 12)) == [
        dt.date(2025, 12, 29),
        dt.date(2025, 12, 30),
        dt.date(2026, 1, 12),
    ]
