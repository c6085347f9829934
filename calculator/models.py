"""The supplier's published tariffs (by month) and a contract's hourly consumption.

A month of tariffs (`TariffMonth`) holds three kinds of rates, all net of НДС
and keyed by price category, voltage level and maximum-power band:
- `FlatRate`: categories 1 and 2, one rate per zone of the day (руб/МВт·ч);
- `HourlyRate`: categories 3–6, the rates of every hour of the month: energy,
  and for 5–6 the upward and downward deviations from the plan;
- `MonthlyRate`: categories 3–6, the other components (capacity,
  transmission), one value per month.

The hours the rules count in are data too: `MonthHours` holds a month's planned
peak hours of the system operator (network power, ПП 442 п. 97) and the
three-zone intervals, `CapacityPeakHour` the system operator's peak hour of each
working day (capacity).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from billing.models import VoltageLevel

NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]


class PowerBand(models.TextChoices):
    """Maximum-power bands; the сбытовая надбавка and the allowed categories depend on them."""

    UNDER_670 = "lt670", "менее 670 кВт"
    UNDER_10000 = "670-10000", "от 670 кВт до 10 МВт"
    FROM_10000 = "ge10000", "не менее 10 МВт"


class FlatRateZone(models.TextChoices):
    """Zones of the day of category 2; the two- and three-zone night rates differ."""

    NONE = "", "сутки (1-я категория)"
    TWO_NIGHT = "night2", "ночь (две зоны)"
    TWO_DAY = "day2", "день (две зоны)"
    THREE_NIGHT = "night3", "ночь (три зоны)"
    THREE_HALF_PEAK = "halfpeak3", "полупик (три зоны)"
    THREE_PEAK = "peak3", "пик (три зоны)"


class MonthlyKind(models.TextChoices):
    """Per-month components of categories 3–6 and the categories each applies to."""

    CAPACITY = "capacity", "мощность, руб/МВт в месяц"
    TRANSMISSION = "transmission", "передача (одноставочный тариф), руб/МВт·ч"
    TRANSMISSION_MAINTENANCE = (
        "transmission_maintenance",
        "передача: содержание сетей, руб/МВт в месяц",
    )
    TRANSMISSION_LOSSES = "transmission_losses", "передача: нормативные потери, руб/МВт·ч"


class HourlyKind(models.TextChoices):
    """Per-hour rates of categories 3–6: energy, and the deviations of categories 5 and 6."""

    ENERGY = "energy", "электроэнергия"
    DEVIATION_UP = "deviation_up", "отклонения вверх (факт больше плана)"
    DEVIATION_DOWN = "deviation_down", "отклонения вниз (факт меньше плана)"


HOURLY_KINDS_BY_CATEGORY = {
    3: (HourlyKind.ENERGY,),
    4: (HourlyKind.ENERGY,),
    5: (HourlyKind.ENERGY, HourlyKind.DEVIATION_UP, HourlyKind.DEVIATION_DOWN),
    6: (HourlyKind.ENERGY, HourlyKind.DEVIATION_UP, HourlyKind.DEVIATION_DOWN),
}


MONTHLY_KINDS_BY_CATEGORY = {
    3: (MonthlyKind.CAPACITY, MonthlyKind.TRANSMISSION),
    4: (
        MonthlyKind.CAPACITY,
        MonthlyKind.TRANSMISSION_MAINTENANCE,
        MonthlyKind.TRANSMISSION_LOSSES,
    ),
    5: (MonthlyKind.CAPACITY, MonthlyKind.TRANSMISSION),
    6: (
        MonthlyKind.CAPACITY,
        MonthlyKind.TRANSMISSION_MAINTENANCE,
        MonthlyKind.TRANSMISSION_LOSSES,
    ),
}

FLAT_CATEGORIES = (1, 2)
HOURLY_CATEGORIES = (3, 4, 5, 6)


class TariffMonth(models.Model):
    """The tariffs published for one month of supply."""

    month = models.DateField("месяц", unique=True, help_text="первое число месяца")
    is_demo = models.BooleanField(
        "демонстрационные тарифы",
        default=False,
        help_text="придуманы для демонстрации, а не опубликованы поставщиком",
    )

    class Meta:
        verbose_name = "тарифы месяца"
        verbose_name_plural = "тарифы по месяцам"
        ordering = ("-month",)
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="tariff_month_first_day")
        ]

    def __str__(self) -> str:
        from core.formatting import month_label

        label = month_label(self.month)
        return f"{label} (демо)" if self.is_demo else label


class _Rate(models.Model):
    tariff_month = models.ForeignKey(TariffMonth, models.CASCADE, verbose_name="месяц")
    voltage_level = models.CharField(
        "уровень напряжения", max_length=3, choices=VoltageLevel.choices
    )
    power_band = models.CharField(
        "диапазон максимальной мощности", max_length=10, choices=PowerBand.choices
    )

    class Meta:
        abstract = True


class FlatRate(_Rate):
    """The rate of category 1 (no zone) or of one zone of category 2, руб/МВт·ч net."""

    price_category = models.PositiveSmallIntegerField(
        "ценовая категория", choices=[(1, "1"), (2, "2")]
    )
    zone = models.CharField("зона суток", max_length=10, choices=FlatRateZone.choices, blank=True)
    rate = models.DecimalField(
        "ставка, руб/МВт·ч без НДС", max_digits=14, decimal_places=2, validators=NOT_NEGATIVE
    )

    class Meta:
        verbose_name = "ставка 1–2 категории"
        verbose_name_plural = "ставки 1–2 категорий"
        ordering = ("tariff_month", "price_category", "voltage_level", "power_band", "zone")
        constraints = [
            models.UniqueConstraint(
                fields=("tariff_month", "price_category", "voltage_level", "power_band", "zone"),
                name="flat_rate_unique",
            ),
            models.CheckConstraint(
                condition=(Q(price_category=1) & Q(zone="")) | (Q(price_category=2) & ~Q(zone="")),
                name="flat_rate_zone_matches_category",
            ),
            models.CheckConstraint(condition=Q(rate__gte=0), name="flat_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.price_category} кат., {self.voltage_level}, {self.power_band} {self.zone}"


class HourlyRate(_Rate):
    """A rate of one hour (0–23: from hh:00 to hh+1:00) for categories 3–6.

    `kind` is the energy rate, or (categories 5 and 6) the rate of that hour's
    upward or downward deviation from the planned volume.
    """

    price_category = models.PositiveSmallIntegerField(
        "ценовая категория", choices=[(c, str(c)) for c in HOURLY_CATEGORIES]
    )
    kind = models.CharField(
        "ставка", max_length=16, choices=HourlyKind.choices, default=HourlyKind.ENERGY
    )
    date = models.DateField("дата")
    hour = models.PositiveSmallIntegerField(
        "час", validators=[MaxValueValidator(23)], help_text="0–23: час 0 — с 00:00 до 01:00"
    )
    rate = models.DecimalField(
        "ставка, руб/МВт·ч без НДС", max_digits=14, decimal_places=2, validators=NOT_NEGATIVE
    )

    class Meta:
        verbose_name = "почасовая ставка 3–6 категорий"
        verbose_name_plural = "почасовые ставки 3–6 категорий"
        ordering = (
            "tariff_month",
            "price_category",
            "voltage_level",
            "power_band",
            "kind",
            "date",
            "hour",
        )
        constraints = [
            models.UniqueConstraint(
                fields=(
                    "tariff_month", "price_category", "voltage_level", "power_band", "kind",
                    "date", "hour",
                ),
                name="hourly_rate_unique_per_kind",
            ),
            models.CheckConstraint(condition=Q(hour__lte=23), name="hourly_rate_hour_0_23"),
            models.CheckConstraint(condition=Q(rate__gte=0), name="hourly_rate_not_negative"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return (
            f"{self.price_category} кат., {self.get_kind_display()}, "
            f"{self.date:%d.%m.%Y} {self.hour} ч"
        )


class MonthlyRate(_Rate):
    """A per-month component of categories 3–6 (capacity, transmission)."""

    price_category = models.PositiveSmallIntegerField(
        "ценовая категория", choices=[(c, str(c)) for c in HOURLY_CATEGORIES]
    )
    kind = models.CharField("составляющая", max_length=32, choices=MonthlyKind.choices)
    rate = models.DecimalField(
        "ставка без НДС", max_digits=14, decimal_places=2, validators=NOT_NEGATIVE
    )

    class Meta:
        verbose_name = "ставка месяца 3–6 категорий"
        verbose_name_plural = "ставки месяца 3–6 категорий"
        ordering = ("tariff_month", "price_category", "voltage_level", "power_band", "kind")
        constraints = [
            models.UniqueConstraint(
                fields=("tariff_month", "price_category", "voltage_level", "power_band", "kind"),
                name="monthly_rate_unique",
            ),
            models.CheckConstraint(condition=Q(rate__gte=0), name="monthly_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.price_category} кат., {self.get_kind_display()}"


def validate_hours(text: str) -> None:
    """Hours of the day as `8-10, 17-20` (calculator.pricing.parse_peak_hours)."""
    from calculator.pricing import parse_peak_hours

    try:
        parse_peak_hours(text)
    except ValueError:
        raise ValidationError(
            "Часы указываются числами от 0 до 23 через запятую, диапазоны через дефис: 8-10, 17-20."
        ) from None


class MonthHoursKind(models.TextChoices):
    """What a month's published hours are for."""

    NETWORK_PEAK = "network_peak", "плановые часы пиковой нагрузки СО (мощность для сетей)"
    NIGHT3 = "night3", "ночная зона (три зоны суток)"
    HALF_PEAK3 = "halfpeak3", "полупиковая зона (три зоны суток)"
    PEAK3 = "peak3", "пиковая зона (три зоны суток)"


THREE_ZONE_KINDS = (MonthHoursKind.NIGHT3, MonthHoursKind.HALF_PEAK3, MonthHoursKind.PEAK3)


class MonthHours(models.Model):
    """Hours of the day published for one month, in local time (Кемерово, МСК+4).

    `network_peak`: the system operator's planned peak hours; the power paid for
    network maintenance (categories 4 and 6) is counted in them (ПП 442 п. 97).
    `night3`, `halfpeak3`, `peak3`: the intervals of the three-zone tariff for
    businesses that ФАС publishes for the month (in Moscow time; kept here local).
    """

    month = models.DateField("месяц", help_text="первое число месяца")
    kind = models.CharField("что это за часы", max_length=16, choices=MonthHoursKind.choices)
    hours = models.CharField(
        "часы (местное время)",
        max_length=100,
        validators=[validate_hours],
        help_text="0–23 через запятую, диапазоны через дефис: 8-10, 17-20; час 8 — с 08:00 до 09:00",
    )

    class Meta:
        verbose_name = "часы месяца (пик СО, зоны суток)"
        verbose_name_plural = "часы месяцев (пик СО, зоны суток)"
        ordering = ("-month", "kind")
        constraints = [
            models.UniqueConstraint(fields=("month", "kind"), name="month_hours_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="month_hours_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m.%Y} {self.get_kind_display()}: {self.hours}"


class CapacityPeakHour(models.Model):
    """The system operator's planned peak hour of one working day, local time.

    Capacity (мощность) of categories 3–6 is bought for the average over the
    month's working days of the volume consumed in this hour of each day.
    """

    date = models.DateField("рабочий день", unique=True)
    hour = models.PositiveSmallIntegerField(
        "час пиковой нагрузки", validators=[MaxValueValidator(23)],
        help_text="0–23: час 18 — с 18:00 до 19:00, местное время",
    )  # fmt: skip

    class Meta:
        verbose_name = "час пиковой нагрузки СО (мощность)"
        verbose_name_plural = "часы пиковой нагрузки СО (мощность)"
        ordering = ("-date",)
        constraints = [
            models.CheckConstraint(condition=Q(hour__lte=23), name="capacity_peak_hour_0_23"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {self.hour} ч"

    def clean(self) -> None:
        from core.calendar import is_working_day

        if self.date and not is_working_day(self.date):
            raise ValidationError(
                {
                    "date": "Не рабочий день производственного календаря: час пика задается только рабочим дням."
                }
            )
