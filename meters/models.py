from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from billing.models import Contract, VoltageLevel


class ReadingZone(models.TextChoices):
    """Tariff zones of the day; a single-rate meter reads the whole day («сутки»)."""

    TOTAL = "T", "сутки"
    DAY = "D", "день"
    NIGHT = "N", "ночь"
    PEAK = "P", "пик"
    HALF_PEAK = "H", "полупик"


ZONES_BY_COUNT = {
    1: (ReadingZone.TOTAL,),
    2: (ReadingZone.DAY, ReadingZone.NIGHT),
    3: (ReadingZone.PEAK, ReadingZone.HALF_PEAK, ReadingZone.NIGHT),
}


class DeliveryPoint(models.Model):
    """Точка поставки: an address of the contract where energy is delivered."""

    contract = models.ForeignKey(
        Contract, models.PROTECT, related_name="delivery_points", verbose_name="договор"
    )
    code = models.CharField("код точки поставки", max_length=64)
    address = models.CharField("адрес", max_length=500)
    voltage_level = models.CharField(
        "уровень напряжения",
        max_length=3,
        choices=VoltageLevel.choices,
        default=VoltageLevel.LOW,
    )

    class Meta:
        verbose_name = "точка поставки"
        verbose_name_plural = "точки поставки"
        ordering = ("code",)
        constraints = [
            models.UniqueConstraint(fields=("contract", "code"), name="delivery_point_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.address}"


class Meter(models.Model):
    """Прибор учета at a delivery point."""

    delivery_point = models.ForeignKey(
        DeliveryPoint,
        models.PROTECT,
        related_name="meters",
        verbose_name="точка поставки",
    )
    number = models.CharField("номер прибора учета", max_length=64)
    model = models.CharField("наименование прибора учета", max_length=128)
    coefficient = models.DecimalField(
        "коэф. расчета",
        max_digits=12,
        decimal_places=4,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.0001"))],
        help_text="произведение коэффициентов трансформации тока и напряжения, например 300/5 → 60",
    )
    digits = models.PositiveSmallIntegerField(
        "разрядность (целая часть)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    decimals = models.PositiveSmallIntegerField(
        "знаков после запятой", default=0, validators=[MaxValueValidator(3)]
    )
    zones = models.PositiveSmallIntegerField(
        "число тарифных зон", default=1, choices=[(1, "1"), (2, "2"), (3, "3")]
    )
    is_automatic = models.BooleanField(
        "автоматический сбор данных (АИИСКУЭ)",
        default=False,
        help_text="такой прибор не принимает показания вручную",
    )

    class Meta:
        verbose_name = "прибор учета"
        verbose_name_plural = "приборы учета"
        ordering = ("number",)
        constraints = [
            models.UniqueConstraint(
                fields=("delivery_point", "number"), name="meter_number_unique_in_point"
            )
        ]

    def __str__(self) -> str:
        return f"№ {self.number} {self.model}"

    @property
    def zone_codes(self) -> tuple[str, ...]:
        return ZONES_BY_COUNT[self.zones]

    @property
    def register_span(self) -> Decimal:
        """How many units the register counts before it starts again from zero."""
        return Decimal(10) ** self.digits

    def consumption(self, old: Decimal, new: Decimal, *, rollover: bool) -> Decimal:
        """kWh between two readings of one zone: (new − old) × the calculation coefficient.

        The rule of DESIGN.md («Readings»). A drop is a pass through zero only when
        it was confirmed as one (`Reading.rollover`); any other drop — a value
        billing corrected downwards — is a negative consumption, never a rollover.
        """
        delta = new - old
        if rollover and delta < 0:
            delta += self.register_span
        return delta * self.coefficient


class Reading(models.Model):
    """Показание прибора учета for one date and tariff zone."""

    class Source(models.TextChoices):
        CUSTOMER = "customer", "потребитель"
        IMPORT = "import", "выгрузка оператора"
        STAFF = "staff", "сотрудник"

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "принято"
        FLAGGED = "flagged", "требует проверки"
        REJECTED = "rejected", "отклонено"

    # No index of its own: the unique (meter, date, zone) one serves every look-up by
    # meter, newest first by a backward scan (docs/performance.md, Imports).
    meter = models.ForeignKey(
        Meter,
        models.PROTECT,
        related_name="readings",
        verbose_name="прибор учета",
        db_index=False,
    )
    date = models.DateField("дата")
    zone = models.CharField(
        "зона", max_length=1, choices=ReadingZone.choices, default=ReadingZone.TOTAL
    )
    value = models.DecimalField("показание", max_digits=15, decimal_places=3)
    source = models.CharField(
        "источник", max_length=16, choices=Source.choices, default=Source.CUSTOMER
    )
    status = models.CharField(
        "статус", max_length=16, choices=Status.choices, default=Status.ACCEPTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кем передано",
        db_index=False,  # reading_submitted_by: imported rows have none
    )
    rollover = models.BooleanField(
        "переход через ноль",
        default=False,
        help_text="показание меньше предыдущего: счетчик дошел до максимума и начал с нуля",
    )
    created_at = models.DateTimeField("получено", auto_now_add=True)

    class Meta:
        verbose_name = "показание"
        verbose_name_plural = "показания"
        ordering = ("-date", "zone")
        constraints = [
            models.UniqueConstraint(
                fields=("meter", "date", "zone"),
                name="reading_once_per_meter_date_zone",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="reading_value_not_negative"
            ),
        ]
        indexes = [
            # For SET_NULL when a user is deleted; imported readings are not in it.
            models.Index(
                fields=("submitted_by",),
                condition=models.Q(submitted_by__isnull=False),
                name="reading_submitted_by",
            )
        ]

    def __str__(self) -> str:
        return f"{self.meter.number} {self.date:%d.%m.%Y}: {self.value}"

    @staticmethod
    def origin_label(source: str, meter: "Meter") -> str:
        """Where a reading's value came from, in the words of «Расшифровка потребления».

        The customer's own (typed in the cabinet, or phoned in and typed by staff),
        billing's export (the network organisation's readings), or the meter's
        automatic system (АИИСКУЭ) for an automatic meter's exported values.
        """
        if source == Reading.Source.IMPORT:
            return "АИИСКУЭ" if meter.is_automatic else "данные сетевой организации"
        return "показание потребителя"

    def clean(self) -> None:
        """A reading marked as a rollover must be a plausible one (`rollover_error`)."""
        if self.rollover and self.meter_id and self.date and self.value is not None:
            from meters.readings import rollover_error  # meters.readings imports this module

            if (message := rollover_error(self)) is not None:
                raise ValidationError({"rollover": message})


class ClosedPeriod(models.Model):
    """A month closed by staff: its readings are billed and can no longer change."""

    month = models.DateField("месяц", unique=True, help_text="первое число месяца")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто закрыл",
    )
    closed_at = models.DateTimeField("когда закрыт", auto_now_add=True)

    class Meta:
        verbose_name = "закрытый период показаний"
        verbose_name_plural = "закрытые периоды показаний"
        ordering = ("-month",)

    def __str__(self) -> str:
        from core.formatting import month_label

        return month_label(self.month)

    def save(self, *args, **kwargs):
        # Staff may pick any day of the month in the admin; the period is the month.
        self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)


class HourlyVolume(models.Model):
    """The energy a delivery point took in one hour (kWh), from АИИСКУЭ.

    The contract's hourly profile (the calculator's categories 3–6, the heat map)
    is the sum over its points: `meters.hourly.contract_profile`.
    """

    class Source(models.TextChoices):
        METERING = "80020", "АИИСКУЭ (макет 80020)"
        IMPORT = "import", "выгрузка оператора"

    delivery_point = models.ForeignKey(
        DeliveryPoint,
        models.CASCADE,
        related_name="hourly_volumes",
        verbose_name="точка поставки",
        db_index=False,  # the unique (point, date, hour) index serves every look-up
    )
    date = models.DateField("дата")
    hour = models.PositiveSmallIntegerField(
        "час", validators=[MaxValueValidator(23)], help_text="час 0 — с 00:00 до 01:00"
    )
    kwh = models.DecimalField("объем, кВт·ч", max_digits=14, decimal_places=3)
    source = models.CharField(
        "источник", max_length=8, choices=Source.choices, default=Source.METERING
    )

    class Meta:
        verbose_name = "почасовой объем потребления"
        verbose_name_plural = "почасовые объемы потребления"
        ordering = ("delivery_point", "date", "hour")
        constraints = [
            models.UniqueConstraint(
                fields=("delivery_point", "date", "hour"), name="point_hourly_once_per_hour"
            ),
            models.CheckConstraint(condition=models.Q(hour__lte=23), name="point_hourly_hour_0_23"),
            models.CheckConstraint(
                condition=models.Q(kwh__gte=0), name="point_hourly_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_point.code} {self.date:%d.%m.%Y} {self.hour} ч: {self.kwh}"
