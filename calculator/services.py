"""The calculator's domain: load a month's tariffs, price one category, compare them all.

`calculate` and `compare` are what the view calls; the arithmetic is in `pricing`.
Both raise `TariffMissing` when the month lacks a rate they need.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from billing.models import PRICE_CATEGORY_FOR_POWER_MESSAGE, allowed_price_categories
from billing.vat import vat_rate_for
from calculator import pricing
from calculator.models import (
    HOURLY_CATEGORIES,
    HOURLY_KINDS_BY_CATEGORY,
    MONTHLY_KINDS_BY_CATEGORY,
    THREE_ZONE_KINDS,
    CapacityPeakHour,
    FlatRate,
    HourlyKind,
    HourlyRate,
    MonthHours,
    MonthHoursKind,
    MonthlyKind,
    MonthlyRate,
    PowerBand,
    TariffMonth,
)
from core.formatting import month_label
from meters.hourly import contract_profile
from meters.hourly import profile_months as contract_profile_months

# The contract's metered hours live with its meters; the calculator prices them.
__all__ = ["contract_profile", "contract_profile_months"]

CATEGORY_ORDINALS = {1: "первая", 2: "вторая", 3: "третья", 4: "четвертая", 5: "пятая", 6: "шестая"}
SCHEME_LABELS = {2: "две зоны суток", 3: "три зоны суток"}


class TariffMissing(Exception):
    """The month's tariffs lack a rate the calculation needs; said in Russian."""


@dataclass(frozen=True)
class Inputs:
    """A checked request: what to price and the consumption to price."""

    tariff_month: TariffMonth
    category: int
    voltage_level: str
    max_power_kw: Decimal
    consumption: pricing.MonthlyConsumption
    zone_scheme: int = 2


@dataclass(frozen=True)
class Estimate:
    inputs: Inputs
    band: str
    cost: pricing.Cost
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # which days and hours the powers were counted in

    @property
    def band_label(self) -> str:
        return PowerBand(self.band).label


@dataclass(frozen=True)
class Option:
    """One line of «Сравнить категории»: a cost, or why there is none."""

    category: int
    scheme: int | None
    cost: pricing.Cost | None
    reason: str = ""
    is_current: bool = False
    # The cost with НДС minus the current category's (negative: cheaper); None without one.
    difference: Decimal | None = None

    @property
    def saving(self) -> Decimal | None:
        """How much less than the current category this one costs (None: not cheaper)."""
        return -self.difference if self.difference is not None and self.difference < 0 else None

    @property
    def label(self) -> str:
        text = f"{self.category}-я ({CATEGORY_ORDINALS[self.category]})"
        return f"{text}, {SCHEME_LABELS[self.scheme]}" if self.scheme else text


class Tariffs:
    """The rates of one month, voltage level and band, and the month's hours, in five queries."""

    def __init__(self, tariff_month: TariffMonth, voltage_level: str, band: str):
        self.tariff_month = tariff_month
        self.voltage_level = voltage_level
        self.band = band
        keys = dict(tariff_month=tariff_month, voltage_level=voltage_level, power_band=band)
        self.flat = {
            (category, zone): rate
            for category, zone, rate in FlatRate.objects.filter(**keys)
            .order_by()
            .values_list("price_category", "zone", "rate")
        }
        self.monthly = {
            (category, kind): rate
            for category, kind, rate in MonthlyRate.objects.filter(**keys)
            .order_by()
            .values_list("price_category", "kind", "rate")
        }
        self.per_hour: dict[tuple[int, str], dict[pricing.Hour, Decimal]] = defaultdict(dict)
        for category, kind, date, hour, rate in (
            HourlyRate.objects.filter(**keys)
            .order_by()
            .values_list("price_category", "kind", "date", "hour", "rate")
        ):
            self.per_hour[(category, kind)][(date, hour)] = rate
        month = tariff_month.month
        self.month_hours = {
            kind: pricing.parse_peak_hours(hours)
            for kind, hours in MonthHours.objects.filter(month=month).values_list("kind", "hours")
        }
        last = pricing.month_hours(month)[-1][0]
        self.capacity_hours = dict(
            CapacityPeakHour.objects.filter(date__gte=month, date__lte=last).values_list(
                "date", "hour"
            )
        )

    def _where(self, category: int) -> str:
        return (
            f"{category}-й категории ({self.voltage_level}, {PowerBand(self.band).label}) "
            f"за {month_label(self.tariff_month.month)}"
        )

    def flat_rate(self, category: int, zone: str = "") -> Decimal:
        try:
            return self.flat[(category, zone)]
        except KeyError:
            raise TariffMissing(f"Нет тарифа {self._where(category)}.") from None

    def _month(self) -> str:
        return month_label(self.tariff_month.month)

    def zone_hours(self, scheme: int) -> dict[str, frozenset[int]]:
        """The hours of each zone of the day: two zones all year, three zones as published."""
        if scheme == 2:
            return dict(pricing.TWO_ZONE_HOURS)
        zones = {kind.value: self.month_hours.get(kind) for kind in THREE_ZONE_KINDS}
        absent = [MonthHoursKind(kind).label for kind, hours in zones.items() if hours is None]
        if absent:
            raise TariffMissing(
                f"Нет интервалов зон суток за {self._month()}: {', '.join(absent)}."
            )
        every = [hour for hours in zones.values() for hour in hours]
        if sorted(every) != list(range(24)):
            raise TariffMissing(
                f"Интервалы трех зон суток за {self._month()} не делят сутки: каждый час "
                "должен быть ровно в одной зоне."
            )
        return zones

    def _hour_rates(self, category: int, kind: str) -> dict[pricing.Hour, Decimal]:
        rates = self.per_hour.get((category, kind), {})
        missing = [h for h in pricing.month_hours(self.tariff_month.month) if h not in rates]
        if missing:
            day, hour = missing[0]
            what = "почасовых ставок" if kind == HourlyKind.ENERGY else (
                f"почасовых ставок «{HourlyKind(kind).label}»"
            )  # fmt: skip
            raise TariffMissing(
                f"Нет {what} {self._where(category)}: не хватает {len(missing)} ч "
                f"(первый — {day:%d.%m.%Y} {hour} ч)."
            )
        return rates

    def _capacity_hours(self) -> dict[dt.date, int]:
        days = pricing.working_days(self.tariff_month.month)
        missing = [day for day in days if day not in self.capacity_hours]
        if missing:
            raise TariffMissing(
                f"Нет часов пиковой нагрузки системного оператора за {self._month()}: "
                f"не хватает {len(missing)} рабочих дней (первый — {missing[0]:%d.%m.%Y})."
            )
        return {day: self.capacity_hours[day] for day in days}

    def network_peak_hours(self) -> frozenset[int]:
        hours = self.month_hours.get(MonthHoursKind.NETWORK_PEAK)
        if hours is None:
            raise TariffMissing(
                f"Нет плановых часов пиковой нагрузки системного оператора за {self._month()}."
            )
        return hours

    def hourly(self, category: int) -> pricing.HourlyTariff:
        per_hour = {
            kind: self._hour_rates(category, kind) for kind in HOURLY_KINDS_BY_CATEGORY[category]
        }
        rates = {}
        for kind in MONTHLY_KINDS_BY_CATEGORY[category]:
            if (category, kind) not in self.monthly:
                raise TariffMissing(
                    f"Нет ставки «{MonthlyKind(kind).label}» {self._where(category)}."
                )
            rates[kind] = self.monthly[(category, kind)]
        return pricing.HourlyTariff(
            energy=per_hour[HourlyKind.ENERGY],
            capacity=rates[MonthlyKind.CAPACITY],
            capacity_hours=self._capacity_hours(),
            network_peak_hours=self.network_peak_hours() if category in (4, 6) else frozenset(),
            transmission=rates.get(MonthlyKind.TRANSMISSION),
            maintenance=rates.get(MonthlyKind.TRANSMISSION_MAINTENANCE),
            losses=rates.get(MonthlyKind.TRANSMISSION_LOSSES),
            deviation_up=per_hour.get(HourlyKind.DEVIATION_UP),
            deviation_down=per_hour.get(HourlyKind.DEVIATION_DOWN),
        )


def latest_tariff_month() -> TariffMonth | None:
    return TariffMonth.objects.order_by("-month").first()


def _lines(
    category: int, scheme: int, consumption: pricing.MonthlyConsumption, tariffs: Tariffs
) -> list[pricing.Line]:
    """The components of one category for the consumption given (ValueError: not enough data)."""
    if category == 1:
        if consumption.total_kwh is None:
            raise ValueError("нужен объем потребления")
        return pricing.category_1_lines(consumption.total_kwh, tariffs.flat_rate(1))
    if category == 2:
        zones = pricing.ZONES_BY_SCHEME[scheme]
        if consumption.profile is not None:
            zone_kwh = pricing.split_by_zones(consumption.profile, tariffs.zone_hours(scheme))
        elif set(zones) <= set(consumption.zones):
            zone_kwh = {zone: consumption.zones[zone] for zone in zones}
        else:
            raise ValueError("нужны объемы по зонам суток или почасовой профиль")
        rates = {zone: tariffs.flat_rate(2, zone) for zone in zones}
        return pricing.category_2_lines(zone_kwh, rates)
    if consumption.profile is None:
        raise ValueError("нужен почасовой профиль")
    return pricing.hourly_lines(
        category,
        consumption.profile,
        tariffs.hourly(category),
        month=consumption.month,
        planned=consumption.planned,
    )


def calculate(inputs: Inputs) -> Estimate:
    """The cost of the consumption under the chosen category, with НДС of the month."""
    band = pricing.band_for(inputs.max_power_kw)
    tariffs = Tariffs(inputs.tariff_month, inputs.voltage_level, band)
    lines = _lines(inputs.category, inputs.zone_scheme, inputs.consumption, tariffs)
    vat_rate = vat_rate_for(inputs.tariff_month.month)
    consumption = inputs.consumption
    warnings = ()
    if inputs.category in HOURLY_CATEGORIES and consumption.profile is not None:
        peak_hours = tariffs.month_hours.get(MonthHoursKind.NETWORK_PEAK, frozenset())
        warnings = tuple(
            pricing.profile_warnings(consumption.profile, peak_hours, consumption.previous)
        )
    return Estimate(
        inputs=inputs,
        band=band,
        cost=pricing.with_vat(lines, vat_rate),
        warnings=warnings,
        notes=tuple(_power_notes(inputs.category, tariffs)),
    )


def _power_notes(category: int, tariffs: Tariffs) -> list[str]:
    """What the powers of categories 3–6 were counted in, said for the customer."""
    if category not in HOURLY_CATEGORIES:
        return []
    days = len(pricing.working_days(tariffs.tariff_month.month))
    notes = [
        f"Рабочих дней по производственному календарю: {days}. Мощность — средний по рабочим "
        "дням объем в час пиковой нагрузки системного оператора этого дня."
    ]
    if category in (4, 6):
        hours = pricing.format_peak_hours(tariffs.network_peak_hours())
        notes.append(
            "Содержание сетей — среднее по рабочим дням из максимальных часовых объемов "
            f"каждого дня в плановые часы пиковой нагрузки системного оператора: {hours} "
            "(местное время, час 8 — с 08:00 до 09:00)."
        )
    if category in (5, 6):
        notes.append("Отклонения от плана — по каждому часу, по ставкам этого часа.")
    return notes


def compare(inputs: Inputs) -> list[Option]:
    """Every category the customer could choose priced for the same consumption, cheapest first.

    Categories the band forbids, or that need data not given (an hourly profile
    for 3–6), follow with the reason. Without planned volumes, 5 and 6 are
    priced as if the plan matched the consumption (no deviations).
    """
    band = pricing.band_for(inputs.max_power_kw)
    tariffs = Tariffs(inputs.tariff_month, inputs.voltage_level, band)
    vat_rate = vat_rate_for(inputs.tariff_month.month)
    allowed = allowed_price_categories(inputs.max_power_kw)
    priced: list[Option] = []
    missing: list[Option] = []
    variants = [(1, None), (2, 2), (2, 3), *((c, None) for c in HOURLY_CATEGORIES)]
    for category, scheme in variants:
        current = category == inputs.category and (category != 2 or scheme == inputs.zone_scheme)
        if category not in allowed:
            missing.append(Option(category, scheme, None, PRICE_CATEGORY_FOR_POWER_MESSAGE))
            continue
        try:
            lines = _lines(category, scheme or 2, inputs.consumption, tariffs)
        except ValueError as error:
            missing.append(Option(category, scheme, None, f"для расчета {error}"))
            continue
        except TariffMissing as error:
            missing.append(Option(category, scheme, None, str(error)))
            continue
        cost = pricing.with_vat(lines, vat_rate)
        priced.append(Option(category, scheme, cost, is_current=current))
    priced.sort(key=lambda option: (option.cost.total, option.category, option.scheme or 0))
    current_cost = next((o.cost.total for o in priced if o.is_current), None)
    if current_cost is not None:
        priced = [replace(o, difference=o.cost.total - current_cost) for o in priced]
    return priced + missing


def planned_peak_hours(month: dt.date) -> frozenset[int]:
    """The system operator's planned peak hours of the month (ПП 442 п. 97), local time;
    empty when they are not published yet (`MonthHours`, loaded by import_peak_hours)."""
    hours = (
        MonthHours.objects.filter(month=month.replace(day=1), kind=MonthHoursKind.NETWORK_PEAK)
        .values_list("hours", flat=True)
        .first()
    )
    return pricing.parse_peak_hours(hours) if hours else frozenset()


# The account page suggests another category only when it would have saved more than this.
HINT_SAVING = Decimal("0.03")


@dataclass(frozen=True)
class Hint:
    """Another category would have cost less for the contract's own hours of a month."""

    month: dt.date
    current: Option
    cheapest: Option

    @property
    def saving(self) -> Decimal:
        return self.current.cost.total - self.cheapest.cost.total


def contract_inputs(contract, tariff_month: TariffMonth, profile) -> Inputs:
    """The contract's own category, voltage, power and hours of a month, to price."""
    month = tariff_month.month
    previous = contract_profile(contract, (month - dt.timedelta(days=1)).replace(day=1))
    consumption = pricing.MonthlyConsumption(
        month=month,
        total_kwh=sum(profile.values(), Decimal(0)),
        profile=profile,
        previous=previous or None,
    )
    return Inputs(
        tariff_month=tariff_month,
        category=contract.price_category,
        voltage_level=contract.voltage_level,
        max_power_kw=contract.max_power_kw,
        consumption=consumption,
    )


def cheaper_category(contract, month: dt.date) -> Hint | None:
    """The cheapest category for the contract's complete hours of `month`, if it beats the
    current one by more than HINT_SAVING; None when the month's hours or tariffs are missing."""
    tariff_month = TariffMonth.objects.filter(month=month).first()
    if tariff_month is None:
        return None
    profile = contract_profile(contract, month)
    if len(profile) != len(pricing.month_hours(month)):
        return None
    options = compare(contract_inputs(contract, tariff_month, profile))
    priced = [option for option in options if option.cost is not None]
    current = next((option for option in priced if option.is_current), None)
    if current is None or not priced:
        return None
    cheapest = priced[0]
    if cheapest.cost.total < current.cost.total * (1 - HINT_SAVING):
        return Hint(month=month, current=current, cheapest=cheapest)
    return None
