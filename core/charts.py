"""Charts drawn on the server as SVG: geometry only, the figures come from the apps.

A chart is a dataclass of shapes in a fixed `viewBox` that the templates in
templates/core/fragment_chart_*.html draw with SVG attributes (no inline style,
no script: the CSP stays strict) and scale to the page's width, so a phone at
390 px sees the whole chart. Every chart keeps its figures (`rows`) for the
table under it, which screen readers and the PDF read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from core.formatting import group_digits

WIDTH = 600
HEIGHT = 260
LEFT = 72  # room for the axis labels
BOTTOM = 36
TOP = 12
HEAT_LEVELS = 6
# Colours as SVG attributes, not CSS: the PDF renderer's SVG reads attributes only.
SERIES_COLOURS = ("#0b5394", "#9fc5e8")
HEAT_COLOURS = ("#eef4fb", "#cfe0f3", "#9fc5e8", "#6fa8dc", "#3d85c6", "#0b5394")
PEAK_COLOUR = "#fde9a9"
AXIS_COLOUR = "#5c6670"
GRID_COLOUR = "#d0d7de"


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest 1, 2 or 5 × 10ⁿ not below `value`: the top of an axis."""
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    for step in (1, 2, 5, 10):
        top = Decimal(step).scaleb(exponent)
        if top >= value:
            return top
    return Decimal(10).scaleb(exponent)  # pragma: no cover (the loop ends at 10)


def _label(value: Decimal) -> str:
    """An axis label short enough for a phone: «4 млн», «375 тыс.», «950»."""
    if value >= 1_000_000:
        return f"{group_digits(value / 1_000_000, 1).removesuffix(',0')} млн"
    if value >= 10_000:
        return f"{group_digits(value / 1000, 0)} тыс."
    return group_digits(value, 0)


@dataclass(frozen=True)
class Bar:
    x: Decimal
    y: Decimal
    width: Decimal
    height: Decimal
    series: int  # 0, 1 …: the CSS class chart-series-N
    title: str

    @property
    def fill(self) -> str:
        return SERIES_COLOURS[self.series % len(SERIES_COLOURS)]


@dataclass(frozen=True)
class Tick:
    y: Decimal
    label: str


@dataclass(frozen=True)
class AxisLabel:
    x: Decimal
    label: str


@dataclass
class BarChart:
    """Bars of one or more series by category (months), sharing one axis."""

    title: str
    unit: str
    series: list[str]
    columns: list[str]  # the table's header: category, then the series
    rows: list[list[str]]  # the table: a category and each series' figure
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    labels: list[AxisLabel] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: Decimal = Decimal(HEIGHT - BOTTOM)

    @property
    def legend(self) -> list[tuple[str, str]]:
        return [
            (name, SERIES_COLOURS[n % len(SERIES_COLOURS)]) for n, name in enumerate(self.series)
        ]


def bar_chart(
    title: str,
    unit: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    *,
    places: int = 0,
) -> BarChart:
    """Grouped bars: for each category one bar per series (None: no bar, «—» in the table)."""
    values = [v for _, column in series for v in column if v is not None]
    top = nice_ceiling(max(values, default=Decimal(0)))
    plot_height = Decimal(HEIGHT - BOTTOM - TOP)
    plot_width = Decimal(WIDTH - LEFT - 8)
    slot = plot_width / max(len(categories), 1)
    bar_width = (slot * Decimal("0.8") / max(len(series), 1)).quantize(Decimal("0.1"))
    chart = BarChart(
        title=title,
        unit=unit,
        series=[name for name, _ in series],
        columns=["", *(f"{name}, {unit}" for name, _ in series)],
        rows=[],
    )
    for index, category in enumerate(categories):
        x0 = Decimal(LEFT) + slot * index + slot * Decimal("0.1")
        row = [category]
        for number, (name, column) in enumerate(series):
            value = column[index]
            row.append("—" if value is None else group_digits(value, places))
            if value is None:
                continue
            height = (plot_height * max(value, Decimal(0)) / top).quantize(Decimal("0.1"))
            chart.bars.append(
                Bar(
                    x=(x0 + bar_width * number).quantize(Decimal("0.1")),
                    y=chart.baseline - height,
                    width=bar_width,
                    height=height,
                    series=number,
                    title=f"{category}, {name}: {group_digits(value, places)} {unit}",
                )
            )
        chart.rows.append(row)
        chart.labels.append(
            AxisLabel((x0 + slot * Decimal("0.4")).quantize(Decimal("0.1")), category)
        )
    for step in range(5):
        value = top * step / 4
        chart.ticks.append(
            Tick(chart.baseline - (plot_height * step / 4).quantize(Decimal("0.1")), _label(value))
        )
    return chart


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    level: int  # 0 (least) … HEAT_LEVELS − 1 (most): the CSS class heat-N
    title: str

    @property
    def fill(self) -> str:
        return HEAT_COLOURS[self.level]


@dataclass
class HeatMap:
    """Days down, hours across: how much each hour of a month took."""

    title: str
    cells: list[Cell]
    days: list[tuple[int, str]]  # (y, label)
    hours: list[tuple[int, str]]  # (x, label)
    legend: list[tuple[str, str]]  # (colour, range)
    columns: list[str]
    rows: list[list[str]]
    width: int
    height: int
    cell: int = 20
    left: int = 48
    top: int = 22


def heat_map(
    title: str, days: Sequence[dt.date], values: Mapping[tuple[dt.date, int], Decimal]
) -> HeatMap:
    """A day × hour map of kWh; the levels split the month's range into equal steps."""
    cell, left, top = 20, 48, 22
    present = [values[key] for key in values]
    high = max(present, default=Decimal(0))
    low = min(present, default=Decimal(0))
    span = (high - low) or Decimal(1)

    def level(value: Decimal) -> int:
        return min(HEAT_LEVELS - 1, int((value - low) / span * HEAT_LEVELS))

    cells, rows = [], []
    for row_index, day in enumerate(days):
        row = [f"{day:%d.%m}"]
        for hour in range(24):
            value = values.get((day, hour))
            row.append("—" if value is None else group_digits(value, 1))
            if value is not None:
                cells.append(
                    Cell(
                        x=left + hour * cell,
                        y=top + row_index * cell,
                        level=level(value),
                        title=f"{day:%d.%m.%Y} {hour}:00–{hour + 1}:00: {group_digits(value, 3)} кВт·ч",
                    )
                )
        rows.append(row)
    steps = [low + span * n / HEAT_LEVELS for n in range(HEAT_LEVELS + 1)]
    return HeatMap(
        title=title,
        cells=cells,
        days=[(top + i * cell + cell - 6, f"{day:%d}") for i, day in enumerate(days)],
        hours=[(left + hour * cell + cell // 2, str(hour)) for hour in range(0, 24, 3)],
        legend=[
            (HEAT_COLOURS[n], f"{group_digits(steps[n], 0)}–{group_digits(steps[n + 1], 0)}")
            for n in range(HEAT_LEVELS)
        ],
        columns=["Дата", *(f"{hour}:00" for hour in range(24))],
        rows=rows,
        width=left + 24 * cell + 4,
        height=top + len(days) * cell + 4,
    )


@dataclass
class Profile:
    """A day's load by hour as a line, the peak hours shaded behind it."""

    title: str
    points: str  # the polyline's «x,y x,y …»
    shaded: list[tuple[Decimal, Decimal]]  # (x, width) of each peak hour
    ticks: list[Tick]
    labels: list[AxisLabel]
    columns: list[str]
    rows: list[list[str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: Decimal = Decimal(HEIGHT - BOTTOM)
    top: int = TOP
    line_colour: str = SERIES_COLOURS[0]
    peak_colour: str = PEAK_COLOUR


def profile(title: str, by_hour: Mapping[int, Decimal], peak_hours: Iterable[int]) -> Profile:
    """The average kWh of each hour 0–23, with the system operator's peak hours shaded."""
    top_value = nice_ceiling(max(by_hour.values(), default=Decimal(0)))
    plot_height = Decimal(HEIGHT - BOTTOM - TOP)
    step = Decimal(WIDTH - LEFT - 8) / 24
    baseline = Decimal(HEIGHT - BOTTOM)
    peaks = set(peak_hours)

    def x_of(hour: int) -> Decimal:
        return (Decimal(LEFT) + step * hour + step / 2).quantize(Decimal("0.1"))

    points = " ".join(
        f"{x_of(hour)},{(baseline - plot_height * by_hour[hour] / top_value).quantize(Decimal('0.1'))}"
        for hour in sorted(by_hour)
    )
    return Profile(
        title=title,
        points=points,
        shaded=[
            ((Decimal(LEFT) + step * hour).quantize(Decimal("0.1")), step.quantize(Decimal("0.1")))
            for hour in sorted(peaks)
        ],
        ticks=[
            Tick(
                baseline - (plot_height * n / 4).quantize(Decimal("0.1")), _label(top_value * n / 4)
            )
            for n in range(5)
        ],
        labels=[AxisLabel(x_of(hour), str(hour)) for hour in range(0, 24, 3)],
        columns=["Час", "Средний объем, кВт·ч", "Пиковый час"],
        rows=[
            [
                f"{hour}:00–{hour + 1}:00",
                group_digits(by_hour[hour], 1),
                "да" if hour in peaks else "",
            ]
            for hour in sorted(by_hour)
        ],
    )
