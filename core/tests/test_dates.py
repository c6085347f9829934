import datetime as dt

from core.dates import month_end, month_start


def test_month_start_counts_months_forward_and_back_across_years():
    day = dt.date(2026, 1, 31)
    assert month_start(day) == dt.date(2026, 1, 1)
    assert month_start(day, 1) == dt.date(2026, 2, 1)
    assert month_start(day, -1) == dt.date(2025, 12, 1)
    assert month_start(day, -13) == dt.date(2024, 12, 1)
    assert month_start(day, 12) == dt.date(2027, 1, 1)


def test_month_end_is_the_last_day_including_a_leap_february():
    assert month_end(dt.date(2028, 2, 10)) == dt.date(2028, 2, 29)
    assert month_end(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
    assert month_end(dt.date(2026, 12, 1), 1) == dt.date(2027, 1, 31)
    assert month_end(dt.date(2026, 1, 15), -1) == dt.date(2025, 12, 31)
