"""Calendar months: the portal's billing period is a calendar month (ПП № 442, п. 82)."""

import datetime as dt


def month_start(day: dt.date, months: int = 0) -> dt.date:
    """The first day of the month `months` after `day`'s (negative: before).

    `month_start(today, -1)` is the first day of last month.
    """
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date, months: int = 0) -> dt.date:
    """The last day of the month `months` after `day`'s (negative: before).

    `month_end(today, -1)` is the last day of last month.
    """
    return month_start(day, months + 1) - dt.timedelta(days=1)
