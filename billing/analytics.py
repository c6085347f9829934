"""What the account's figures say over time: monthly kWh and cost charts, and the forecast.

The figures are billing's own — the kWh and the charges of each month's
invoices (`billing.ledger.billed_kwh`, `monthly_charges`), the very figures of
«Расшифровка потребления» and the account's history — and the hours the
meters measured (`meters.hourly`). Nothing is stored twice.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from billing.ledger import billed_kwh, monthly_charges
from billing.models import Contract
from core import charts
from core.dates import month_end, month_start
from core.formatting import group_digits, money, month_label, round_money
from meters.hourly import contract_profile

MONTH_ABBREVIATIONS = (
    "янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек",
)  # fmt: skip
CHART_MONTHS = 12


def chart_months(today: dt.date) -> list[dt.date]:
    """The last CHART_MONTHS full months, oldest first."""
    return [month_start(today, -back) for back in range(CHART_MONTHS, 0, -1)]


def _label(month: dt.date) -> str:
    return MONTH_ABBREVIATIONS[month.month - 1]


class MonthFigures:
    """The billed kWh and the charges of the 24 months before this one: one query each,
    made when first read and shared by every chart and the forecast of a page."""

    def __init__(self, contract: Contract, today: dt.date):
        self.contract = contract
        self.first, self.last = month_start(today, -2 * CHART_MONTHS), month_start(today, -1)

    @classmethod
    def load(cls, contract: Contract, today: dt.date) -> "MonthFigures":
        return cls(contract, today)

    @cached_property
    def billed(self) -> dict:
        return billed_kwh(self.contract, self.first, self.last)

    @cached_property
    def charged(self) -> dict:
        return monthly_charges(self.contract, self.first, self.last)


def kwh_chart(contract: Contract, today: dt.date, figures: MonthFigures | None = None):
    """Monthly kWh of the last 24 months: each of the last 12 beside the same month a year
    before. None without any invoice in those months."""
    months = chart_months(today)
    billed = (figures or MonthFigures.load(contract, today)).billed
    if not billed:
        return None
    this_year = [billed[m].kwh if m in billed else None for m in months]
    before = [
        billed[month_start(m, -12)].kwh if month_start(m, -12) in billed else None for m in months
    ]
    return charts.bar_chart(
        f"Потребление по месяцам, кВт·ч: {month_label(months[0])} — {month_label(months[-1])} "
        "и те же месяцы годом ранее",
        "кВт·ч",
        [_label(m) for m in months],
        [(f"{months[0]:%m.%Y}–{months[-1]:%m.%Y}", this_year), ("годом ранее", before)],
    )


def cost_chart(contract: Contract, today: dt.date, figures: MonthFigures | None = None):
    """The energy charged (with НДС) for each of the last 12 months and a year before."""
    months = chart_months(today)
    charged = (figures or MonthFigures.load(contract, today)).charged
    if not charged:
        return None
    return charts.bar_chart(
        f"Стоимость по месяцам, руб. с НДС: {month_label(months[0])} — {month_label(months[-1])}",
        "руб.",
        [_label(m) for m in months],
        [
            (f"{months[0]:%m.%Y}–{months[-1]:%m.%Y}", [charged.get(m) for m in months]),
            ("годом ранее", [charged.get(month_start(m, -12)) for m in months]),
        ],
        places=2,
    )


@dataclass(frozen=True)
class Forecast:
    """The month's expected kWh and cost, and how they were estimated (one line)."""

    month: dt.date
    kwh: Decimal
    cost: Decimal | None
    method: str


def month_forecast(
    contract: Contract, today: dt.date, figures: MonthFigures | None = None
) -> Forecast | None:
    """The current month to its end.

    With hourly data of the days so far: the same month a year before scaled by
    how this month's days compare with the same days then (or, without last
    year's hours, the average hour so far times the month's hours). Without
    data of this month: the same month a year before. The cost is the kWh at
    the average price (with НДС) of the last month's invoice. None without any basis.
    """
    month = today.replace(day=1)
    last_year = month_start(month, -12)
    previous = month_start(month, -1)
    figures = figures or MonthFigures.load(contract, today)
    billed, charged = figures.billed, figures.charged
    so_far = {key: kwh for key, kwh in contract_profile(contract, month).items() if key[0] < today}
    year_before = billed.get(last_year)
    days = sorted({day for day, _ in so_far})
    if so_far:
        done = sum(so_far.values(), Decimal(0))
        then = contract_profile(contract, last_year)
        same_days = sum(
            (kwh for (day, _), kwh in then.items() if day.day <= days[-1].day), Decimal(0)
        )
        if year_before is not None and same_days > 0:
            kwh = year_before.kwh * done / same_days
            method = (
                f"По почасовым данным за {len(days)} дн. месяца ({group_digits(done, 0)} кВт·ч) "
                f"в сравнении с теми же днями год назад ({month_label(last_year)}: "
                f"{group_digits(year_before.kwh, 0)} кВт·ч за месяц)."
            )
        else:
            hours = month_end(month).day * 24
            kwh = done / len(so_far) * hours
            method = (
                f"По почасовым данным за {len(days)} дн. месяца: средний час × {hours} ч месяца."
            )
    elif year_before is not None:
        kwh = year_before.kwh
        method = f"Данных за этот месяц еще нет: по объему {month_label(last_year)} (год назад)."
    else:
        return None
    kwh = kwh.quantize(Decimal(1), ROUND_HALF_UP)
    cost = None
    last = billed.get(previous)
    if last is not None and last.kwh > 0 and previous in charged:
        price = (charged[previous] / last.kwh).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        cost = round_money(kwh * price)
        method += (
            f" Стоимость — по средней цене счета за {month_label(previous)}: "
            f"{group_digits(price, 4)} руб./кВт·ч с НДС."
        )
    return Forecast(month=month, kwh=kwh, cost=cost, method=method)


def forecast_words(forecast: Forecast) -> str:
    cost = f", около {money(forecast.cost)}" if forecast.cost is not None else "."
    return f"Ожидается до конца месяца: {group_digits(forecast.kwh, 0)} кВт·ч{cost}"
