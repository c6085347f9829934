"""`manage.py import_tariffs FILE`: the supplier's published tariffs, by month.

Columns (README, «Калькулятор»): month, price_category, voltage_level,
power_band, zone, rate for categories 1–2; categories 3–6 add `kind` and, for
the hourly rates (energy, and the deviations of 5 and 6), `date` and `hour`.
"""

from collections import Counter
from collections.abc import Iterable

from billing.models import VoltageLevel
from calculator.models import (
    HOURLY_KINDS_BY_CATEGORY,
    MONTHLY_KINDS_BY_CATEGORY,
    FlatRate,
    FlatRateZone,
    HourlyKind,
    HourlyRate,
    MonthlyRate,
    PowerBand,
    TariffMonth,
)
from core.importing import ImportCommand, Row, RowError

ENERGY_HOURLY = "energy_hourly"
# The file's kind of an hourly rate → HourlyRate.kind.
HOURLY_FILE_KINDS = {
    ENERGY_HOURLY: HourlyKind.ENERGY,
    HourlyKind.DEVIATION_UP.value: HourlyKind.DEVIATION_UP,
    HourlyKind.DEVIATION_DOWN.value: HourlyKind.DEVIATION_DOWN,
}
FLAT_KINDS = ("", "energy")
ZONE_CODES = [z for z in FlatRateZone.values if z]


class Command(ImportCommand):
    help = (
        "Загружает опубликованные тарифы (предельные уровни нерегулируемых цен, без НДС). "
        "Столбцы: month, price_category, voltage_level, power_band, zone, rate; для категорий "
        "3–6 еще kind (energy_hourly, capacity, transmission, transmission_maintenance, "
        "transmission_losses, deviation_up, deviation_down) и для почасовых ставок "
        "(energy_hourly; deviation_up, deviation_down — ставки отклонений 5–6 категорий на "
        "каждый час) date, hour (0–23). Сначала проверяется весь файл; повторная загрузка ничего не дублирует; "
        "демонстрационные тарифы месяца заменяются загруженными."
    )
    required_columns = ("month", "price_category", "voltage_level", "power_band", "rate")

    def parse_row(self, row: Row) -> tuple:
        month = row.month("month")
        category = row.integer("price_category", minimum=1, maximum=6)
        voltage = row.choice("voltage_level", VoltageLevel.values)
        band = row.choice("power_band", PowerBand.values)
        rate = row.decimal("rate", places=2, minimum=0)
        kind = row.text("kind", required=False).lower()
        zone = row.text("zone", required=False).lower()
        if category in (1, 2):
            if kind not in FLAT_KINDS:
                raise RowError("kind", f"«{kind}» не для {category}-й категории (оставьте пустым)")
            if category == 1 and zone:
                raise RowError("zone", "у 1-й категории зоны нет (оставьте пустым)")
            if category == 2 and zone not in ZONE_CODES:
                raise RowError(
                    "zone", f"«{zone}» — допустимо для 2-й категории: {', '.join(ZONE_CODES)}"
                )
            return ("flat", month, category, voltage, band, zone, rate)
        if zone:
            raise RowError("zone", f"у {category}-й категории зон нет (оставьте пустым)")
        hourly = [
            name for name, value in HOURLY_FILE_KINDS.items()
            if value in HOURLY_KINDS_BY_CATEGORY[category]
        ]  # fmt: skip
        allowed = [*hourly, *MONTHLY_KINDS_BY_CATEGORY[category]]
        if kind not in allowed:
            raise RowError("kind", f"«{kind}» — допустимо для {category}-й категории: "
                           + ", ".join(allowed))  # fmt: skip
        if kind not in hourly:
            return ("monthly", month, category, voltage, band, kind, rate)
        date = row.date("date")
        if (date.year, date.month) != (month.year, month.month):
            raise RowError("date", f"{date:%d.%m.%Y} не из месяца {month:%Y-%m}")
        hour = row.integer("hour", minimum=0, maximum=23)
        kind = HOURLY_FILE_KINDS[kind].value
        return ("hourly", month, category, voltage, band, kind, date, hour, rate)

    def key(self, record: tuple) -> tuple:
        return record[:-1]

    def prepare(self) -> None:
        self._months: dict = {}

    def _tariff_month(self, month) -> TariffMonth:
        """The month's row; its demo rates, if any, give way to the published ones."""
        if month not in self._months:
            tariff_month, _ = TariffMonth.objects.get_or_create(month=month)
            if tariff_month.is_demo:
                for model in (FlatRate, HourlyRate, MonthlyRate):
                    model.objects.filter(tariff_month=tariff_month).delete()
                tariff_month.is_demo = False
                tariff_month.save(update_fields=("is_demo",))
            self._months[month] = tariff_month
        return self._months[month]

    def write_batch(self, records: list[tuple]) -> Counter:
        counts: Counter = Counter()
        by_kind: dict[str, list[tuple]] = {"flat": [], "monthly": [], "hourly": []}
        for kind, month, *rest in records:
            by_kind[kind].append((self._tariff_month(month), *rest))
        counts.update(self._store(FlatRate, ("zone",), by_kind["flat"]))
        counts.update(self._store(MonthlyRate, ("kind",), by_kind["monthly"]))
        counts.update(self._store(HourlyRate, ("kind", "date", "hour"), by_kind["hourly"]))
        return counts

    def _store(self, model, extra: tuple[str, ...], rows: Iterable[tuple]) -> Counter:
        """Create new rates, update changed ones, in bulk; one query to find what exists."""
        rows = list(rows)
        counts: Counter = Counter()
        if not rows:
            return counts
        fields = ("tariff_month", "price_category", "voltage_level", "power_band", *extra)
        existing_qs = model.objects.filter(tariff_month__in={r[0] for r in rows})
        if "date" in extra:
            dates = [r[4 + extra.index("date")] for r in rows]
            existing_qs = existing_qs.filter(date__gte=min(dates), date__lte=max(dates))
        existing = {
            tuple(getattr(obj, f"{f}_id" if f == "tariff_month" else f) for f in fields): obj
            for obj in existing_qs
        }
        new, changed = [], []
        for tariff_month, *values, rate in rows:
            key = (tariff_month.pk, *values)
            obj = existing.get(key)
            if obj is None:
                new.append(
                    model(rate=rate, **dict(zip(fields, (tariff_month, *values), strict=True)))
                )
            elif obj.rate != rate:
                obj.rate = rate
                changed.append(obj)
            else:
                counts["unchanged"] += 1
        model.objects.bulk_create(new, batch_size=2000)
        model.objects.bulk_update(changed, ["rate"], batch_size=2000)
        counts["created"] += len(new)
        counts["updated"] += len(changed)
        return counts
