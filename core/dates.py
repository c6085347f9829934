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


def command_date(text: str) -> dt.date:
    """A date typed on a command line (`--date`), in the two forms every import accepts."""
    from django.core.management.base import CommandError

    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"«{text}» не дата (ожидается 31.10.2026 или 2026-10-31)")
