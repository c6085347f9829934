"""The cost of a month's electricity by price category: pure functions, no database.

Units: volumes in kWh, energy rates in руб/МВт·ч (so kWh × rate / 1000),
capacity and network-maintenance rates in руб/МВт per month. Hours are local
(Кемерово); the hours the rules count in (the system operator's peak hours, the
three-zone intervals) are data of the month, passed in. Each component
is rounded to the kopeck half up; the net total is the sum of the rounded
components; НДС is computed on the net total and rounded the same way.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from billing.vat import vat_amount
from core import calendar as production_calendar
from core.formatting import round_money

THOUSAND = Decimal(1000)
# The bands of the сбытовая надбавка; 670 kW is also where categories 1–2 end
# (billing.models.allowed_price_categories).
BAND_670_KW = Decimal(670)
BAND_10_MW = Decimal(10_000)

# The two zones of the day (hours 0–23, local time) are the same all year: night
# 23:00–07:00. The three-zone intervals change by month and are data
# (calculator.models.MonthHours), passed to `split_by_zones`.
TWO_ZONE_HOURS = {
    "night2": frozenset((23, 0, 1, 2, 3, 4, 5, 6)),
    "day2": frozenset(range(7, 23)),
}
THREE_ZONES = ("night3", "halfpeak3", "peak3")
ZONES_BY_SCHEME = {2: tuple(TWO_ZONE_HOURS), 3: THREE_ZONES}

Hour = tuple[dt.date, int]
Profile = Mapping[Hour, Decimal]


def band_for(max_power_kw: Decimal) -> str:
    """The maximum-power band code: `lt670`, `670-10000` or `ge10000`."""
    if max_power_kw < BAND_670_KW:
        return "lt670"
    if max_power_kw < BAND_10_MW:
        return "670-10000"
    return "ge10000"


def month_hours(month: dt.date) -> list[Hour]:
    """Every hour of the month (the time zone has no daylight saving: 24 a day)."""
    days = calendar.monthrange(month.year, month.month)[1]
    return [(month.replace(day=d), h) for d in range(1, days + 1) for h in range(24)]


def working_days(month: dt.date) -> list[dt.date]:
    """The working days of the month by the production calendar (holidays and moved days off
    excluded, working Saturdays included: core.calendar)."""
    days = calendar.monthrange(month.year, month.month)[1]
    return production_calendar.working_days(month, month.replace(day=days))


def energy_amount(kwh: Decimal, rate: Decimal) -> Decimal:
    """kWh at a rate in руб/МВт·ч, rounded to the kopeck."""
    return round_money(kwh * rate / THOUSAND)


@dataclass(frozen=True)
class Line:
    """One component of the cost: what was counted, at what rate, for how much."""

    label: str
    quantity: Decimal
    unit: str
    rate: Decimal
    rate_unit: str
    amount: Decimal
    rate_note: str = ""


@dataclass(frozen=True)
class Cost:
    lines: tuple[Line, ...]
    net: Decimal
    vat_rate: Decimal
    vat: Decimal
    total: Decimal


@dataclass(frozen=True)
class HourlyTariff:
    """Rates of one category 3–6 for one voltage level and band, and the month's peak hours.

    `capacity_hours`: the system operator's peak hour of each working day (capacity);
    `network_peak_hours`: its planned peak hours of the month (network maintenance, 4 and 6).
    """

    energy: Mapping[Hour, Decimal]
    capacity: Decimal
    capacity_hours: Mapping[dt.date, int] = field(default_factory=dict)
    network_peak_hours: frozenset[int] = frozenset()
    transmission: Decimal | None = None  # one-part, categories 3 and 5
    maintenance: Decimal | None = None  # two-part, categories 4 and 6
    losses: Decimal | None = None
    deviation_up: Mapping[Hour, Decimal] | None = None  # categories 5 and 6, per hour
    deviation_down: Mapping[Hour, Decimal] | None = None


@dataclass(frozen=True)
class MonthlyConsumption:
    """What a customer consumed in a month, as much of it as is known."""

    month: dt.date
    total_kwh: Decimal | None = None
    zones: Mapping[str, Decimal] = field(default_factory=dict)
    profile: Profile | None = None
    planned: Profile | None = None
    previous: Profile | None = None  # the contract's profile of the month before, if any


def with_vat(lines: Iterable[Line], vat_rate: Decimal) -> Cost:
    """Net total as the sum of the rounded components, НДС on it, and the total."""
    lines = tuple(lines)
    net = sum((line.amount for line in lines), Decimal("0.00"))
    vat = vat_amount(net, vat_rate)
    return Cost(lines=lines, net=net, vat_rate=vat_rate, vat=vat, total=net + vat)


def category_1_lines(total_kwh: Decimal, rate: Decimal) -> list[Line]:
    return [
        Line(
            "Электроэнергия", total_kwh, "кВт·ч", rate, "руб/МВт·ч", energy_amount(total_kwh, rate)
        )
    ]


ZONE_LABELS = {
    "night2": "ночь",
    "day2": "день",
    "night3": "ночь",
    "halfpeak3": "полупик",
    "peak3": "пик",
}


def category_2_lines(zone_kwh: Mapping[str, Decimal], rates: Mapping[str, Decimal]) -> list[Line]:
    """Each zone's volume at that zone's rate; `zone_kwh` names the zones of one scheme."""
    return [
        Line(
            f"Электроэнергия, {ZONE_LABELS[zone]}",
            kwh,
            "кВт·ч",
            rates[zone],
            "руб/МВт·ч",
            energy_amount(kwh, rates[zone]),
        )
        for zone, kwh in zone_kwh.items()
    ]


def split_by_zones(profile: Profile, hours: Mapping[str, frozenset[int]]) -> dict[str, Decimal]:
    """The kWh of each zone of the day; `hours` are the zones' hours (TWO_ZONE_HOURS, or the
    month's three-zone intervals)."""
    totals = {zone: Decimal(0) for zone in hours}
    for (_, hour), kwh in profile.items():
        for zone, zone_hours in hours.items():
            if hour in zone_hours:
                totals[zone] += kwh
    return totals


def network_power_mw(profile: Profile, month: dt.date, peak_hours: frozenset[int]) -> Decimal:
    """The power paid for network maintenance (categories 4 and 6), in MW.

    ПП 442 п. 97 (and the network rules of ПП 861): the average over the month's
    working days (production calendar, holidays excluded) of each day's MAXIMUM
    hourly volume within the system operator's planned peak hours. An hour's kWh
    is the average kW of that hour; hours absent from the profile count as 0.
    """
    days = working_days(month)
    if not days or not peak_hours:
        return Decimal(0)
    maxima = (max(profile.get((day, hour), Decimal(0)) for hour in peak_hours) for day in days)
    return sum(maxima, Decimal(0)) / len(days) / THOUSAND


def capacity_power_mw(profile: Profile, month: dt.date, capacity_hours: Mapping[dt.date, int]):
    """The capacity (мощность) bought by categories 3–6, in MW.

    ПП 442 п. 97: the average over the month's working days of the volume consumed
    in the system operator's planned peak hour of each working day (one hour a day).
    KeyError when a working day has no such hour: the data must be complete.
    """
    days = working_days(month)
    if not days:
        return Decimal(0)
    volume = sum((profile.get((day, capacity_hours[day]), Decimal(0)) for day in days), Decimal(0))
    return volume / len(days) / THOUSAND


def deviations(
    profile: Profile, planned: Profile
) -> tuple[dict[Hour, Decimal], dict[Hour, Decimal]]:
    """Hour by hour, the kWh consumed above the plan (upward) and below it (downward)."""
    up: dict[Hour, Decimal] = {}
    down: dict[Hour, Decimal] = {}
    for hour in sorted(set(profile) | set(planned)):
        difference = profile.get(hour, Decimal(0)) - planned.get(hour, Decimal(0))
        if difference > 0:
            up[hour] = difference
        elif difference < 0:
            down[hour] = -difference
    return up, down


def _hourly_sum(volumes: Mapping[Hour, Decimal], rates: Mapping[Hour, Decimal]):
    """kWh and руб. (unrounded, kWh × руб/МВт·ч / 1000) of volumes each at its hour's rate."""
    kwh = sum(volumes.values(), Decimal(0))
    rub = sum((v * rates[hour] for hour, v in volumes.items()), Decimal(0)) / THOUSAND
    return kwh, rub


def _hourly_line(label: str, volumes: Mapping[Hour, Decimal], rates: Mapping[Hour, Decimal]):
    """A line of volumes priced hour by hour, shown with the weighted average rate."""
    kwh, rub = _hourly_sum(volumes, rates)
    average = round_money(rub * THOUSAND / kwh) if kwh else Decimal("0.00")
    return Line(label, kwh, "кВт·ч", average, "руб/МВт·ч", round_money(rub),
                rate_note="средневзвешенная")  # fmt: skip


def _mw(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.000001"))


def hourly_lines(
    category: int,
    profile: Profile,
    tariff: HourlyTariff,
    *,
    month: dt.date,
    planned: Profile | None = None,
) -> list[Line]:
    """Categories 3–6: hourly energy, capacity, transmission and (5, 6) deviations.

    Capacity is bought for `capacity_power_mw` (the system operator's peak hour of
    each working day); network maintenance (4, 6) is paid for `network_power_mw`
    (each working day's maximum within the planned peak hours). Deviations (5, 6):
    each hour's upward and downward volume at that hour's own rate.
    """
    total_kwh = sum(profile.values(), Decimal(0))
    capacity = capacity_power_mw(profile, month, tariff.capacity_hours)
    lines = [
        _hourly_line("Электроэнергия (почасовые ставки)", profile, tariff.energy),
        Line(
            "Мощность",
            _mw(capacity),
            "МВт",
            tariff.capacity,
            "руб/МВт в месяц",
            round_money(capacity * tariff.capacity),
        ),
    ]
    if category in (3, 5):
        lines.append(
            Line(
                "Передача (одноставочный тариф)",
                total_kwh,
                "кВт·ч",
                tariff.transmission,
                "руб/МВт·ч",
                energy_amount(total_kwh, tariff.transmission),
            )
        )
    else:
        network = network_power_mw(profile, month, tariff.network_peak_hours)
        lines += [
            Line(
                "Передача: содержание сетей",
                _mw(network),
                "МВт",
                tariff.maintenance,
                "руб/МВт в месяц",
                round_money(network * tariff.maintenance),
            ),
            Line(
                "Передача: нормативные потери",
                total_kwh,
                "кВт·ч",
                tariff.losses,
                "руб/МВт·ч",
                energy_amount(total_kwh, tariff.losses),
            ),
        ]
    if category in (5, 6):
        up, down = deviations(profile, planned if planned is not None else profile)
        lines += [
            _hourly_line("Отклонения вверх (сверх планового объема)", up, tariff.deviation_up),
            _hourly_line("Отклонения вниз (меньше планового объема)", down, tariff.deviation_down),
        ]
    return lines


PEAK_DROP = Decimal("0.9")


def profile_warnings(
    profile: Profile, peak_hours: frozenset[int], previous: Profile | None = None
) -> list[str]:
    """What makes a profile suspicious (flat, a drop in peak hours, last month repeated).

    Only warnings: the cost is still calculated from the profile as given.
    """
    warnings = []
    values = [profile[key] for key in sorted(profile)]
    if len(values) > 1 and len(set(values)) == 1:
        warnings.append("профиль ровный: во всех часах одинаковый объем")
    peak = [kwh for (_, hour), kwh in profile.items() if hour in peak_hours]
    other = [kwh for (_, hour), kwh in profile.items() if hour not in peak_hours]
    if peak and other:
        peak_average = sum(peak, Decimal(0)) / len(peak)
        other_average = sum(other, Decimal(0)) / len(other)
        if peak_average < other_average * PEAK_DROP:
            warnings.append(
                "в часы пиковой нагрузки объем более чем на 10 % ниже, чем в остальные часы"
            )
    if previous:
        before = [previous[key] for key in sorted(previous)]
        overlap = min(len(before), len(values))
        if overlap >= 24 and before[:overlap] == values[:overlap]:
            warnings.append("профиль повторяет почасовые данные предыдущего месяца")
    return warnings


def parse_peak_hours(text: str) -> frozenset[int]:
    """`8-10, 17-20` → {8, 9, 10, 17, 18, 19, 20}; ValueError on anything else."""
    hours: set[int] = set()
    for part in text.replace(";", ",").split(","):
        part = part.strip().replace("–", "-").replace("—", "-")
        if not part:
            continue
        first, _, last = part.partition("-")
        start, end = int(first), int(last or first)
        if not (0 <= start <= end <= 23):
            raise ValueError(part)
        hours.update(range(start, end + 1))
    if not hours:
        raise ValueError(text)
    return frozenset(hours)


def format_peak_hours(hours: Iterable[int]) -> str:
    """{8, 9, 10, 17} → `8-10, 17`."""
    ordered = sorted(hours)
    parts: list[str] = []
    start = previous = None
    for hour in [*ordered, None]:
        if hour is not None and previous is not None and hour == previous + 1:
            previous = hour
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = hour
    return ", ".join(parts)
