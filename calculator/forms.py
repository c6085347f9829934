import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms

from billing.models import (
    PRICE_CATEGORY_FOR_POWER_MESSAGE,
    VoltageLevel,
    allowed_price_categories,
)
from calculator import pricing, profiles, services
from calculator.models import TariffMonth
from core.formatting import month_label
from core.numbers import parse_decimal

CATEGORY_CHOICES = [(c, f"{c}-я ({services.CATEGORY_ORDINALS[c]})") for c in range(1, 7)]
SCHEME_CHOICES = [(2, "две зоны (ночь, день)"), (3, "три зоны (ночь, полупик, пик)")]
ZONE_FIELDS = {
    2: (("zone_night2", "night2"), ("zone_day2", "day2")),
    3: (("zone_night3", "night3"), ("zone_halfpeak3", "halfpeak3"), ("zone_peak3", "peak3")),
}


class QuantityField(forms.DecimalField):
    """A non-negative number typed the Russian way (`12 345,5`) or with a dot."""

    def __init__(self, *, negative_message: str, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_digits", 15)
        kwargs.setdefault("decimal_places", 3)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)
        self.negative_message = negative_message
        self.error_messages.update(
            invalid="Введите число, например 12 345,5.",
            max_decimal_places="Не больше %(max)s знаков после запятой.",
            max_digits="Слишком большое число.",
            max_whole_digits="Слишком большое число.",
        )

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            try:
                value = parse_decimal(value)
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value is not None and value < 0:
            raise forms.ValidationError(self.negative_message, code="negative")


def volume_field(label: str) -> QuantityField:
    return QuantityField(label=label, negative_message="Объем не может быть отрицательным.")


class CalculatorForm(forms.Form):
    month = forms.CharField(
        label="Месяц",
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"}),
        help_text="ГГГГ-ММ, например 2026-10",
    )
    price_category = forms.TypedChoiceField(
        label="Ценовая категория", choices=CATEGORY_CHOICES, coerce=int
    )
    voltage_level = forms.ChoiceField(label="Уровень напряжения", choices=VoltageLevel.choices)
    max_power_kw = QuantityField(
        label="Максимальная мощность, кВт",
        required=True,
        negative_message="Мощность не может быть отрицательной.",
        help_text="определяет диапазон: менее 670 кВт, от 670 кВт до 10 МВт, не менее 10 МВт",
    )
    total_kwh = volume_field("Объем потребления за месяц, кВт·ч")
    zone_scheme = forms.TypedChoiceField(
        label="Зоны суток",
        choices=SCHEME_CHOICES,
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
    )
    zone_night2 = volume_field("Ночь, кВт·ч")
    zone_day2 = volume_field("День, кВт·ч")
    zone_night3 = volume_field("Ночь, кВт·ч")
    zone_halfpeak3 = volume_field("Полупик, кВт·ч")
    zone_peak3 = volume_field("Пик, кВт·ч")
    profile = forms.FileField(
        label="Почасовой профиль (CSV или XLSX)",
        required=False,
        help_text="столбцы date, hour, kwh (или дата, час, кВт·ч); час от 0 до 23 "
        "(0 — с 00:00 до 01:00); каждый час месяца ровно один раз",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    planned = forms.FileField(
        label="Плановые почасовые объемы (CSV или XLSX)",
        required=False,
        help_text="для 5-й и 6-й категорий; столбцы date, hour, kwh (или дата, час, "
        "кВт·ч), как у профиля",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, contract, parsed: dict[str, profiles.Parsed] | None = None, **kwargs):
        """`parsed`: the files the worker has read (calculator.profiles.parsed_of), by field."""
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.parsed = parsed or {}
        # Files of this post that the worker is to read (profiles.submit) before the result.
        self.to_read: dict = {}
        self.read_month: dt.date | None = None
        self.tariff_month: TariffMonth | None = None
        self.profile_source = ""

    # -- single fields ------------------------------------------------------
    def clean_month(self) -> dt.date:
        text = self.cleaned_data["month"].strip()
        month = None
        for fmt in ("%Y-%m", "%m.%Y"):
            try:
                month = dt.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        if month is None:
            raise forms.ValidationError("Укажите месяц в виде ГГГГ-ММ, например 2026-10.")
        self.tariff_month = TariffMonth.objects.filter(month=month).first()
        if self.tariff_month is None:
            available = TariffMonth.objects.order_by("-month").values_list("month", flat=True)[:6]
            hint = ", ".join(month_label(m) for m in available)
            raise forms.ValidationError(
                f"Тарифы за {month_label(month)} не опубликованы."
                + (f" Есть тарифы за: {hint}." if hint else "")
            )
        return month

    # -- the whole form -----------------------------------------------------
    def clean(self):
        data = super().clean()
        category = data.get("price_category")
        power = data.get("max_power_kw")
        month = data.get("month")
        if category and power is not None and category not in allowed_price_categories(power):
            self.add_error("price_category", PRICE_CATEGORY_FOR_POWER_MESSAGE)
        if category == 1 and "total_kwh" not in self.errors and data.get("total_kwh") is None:
            self.add_error("total_kwh", "Укажите объем потребления за месяц.")
        if category == 2:
            self._clean_zones(data)
        if category in (3, 4, 5, 6) and month:
            data["profile_hours"] = self._clean_profile(data, month)
        if category in (5, 6) and month:
            data["planned_hours"] = self._read("planned", month)
            missing = data["planned_hours"] is None and "planned" not in self.to_read
            if missing and "planned" not in self.errors:
                self.add_error(
                    "planned", "Для 5-й и 6-й категорий загрузите плановые почасовые объемы."
                )
        return data

    def _clean_zones(self, data) -> None:
        scheme = data.get("zone_scheme")
        if not scheme:
            self.add_error("zone_scheme", "Выберите две или три зоны суток.")
            return
        for name, _ in ZONE_FIELDS[scheme]:
            if name not in self.errors and data.get(name) is None:
                self.add_error(name, "Укажите объем по этой зоне.")

    def _read(self, name: str, month: dt.date):
        """The hours of the file of field `name` as the worker read them; a new file is
        checked for its type and size and left to the worker (`to_read`)."""
        if name in self.parsed:
            parsed = self.parsed[name]
            if parsed.errors:
                self.add_error(name, parsed.errors)
            return parsed.hours
        upload = self.cleaned_data.get(name)
        if not upload:
            return None
        try:
            profiles.check_upload(upload)
        except profiles.ProfileError as error:
            self.add_error(name, error.messages)
            return None
        self.to_read[name] = upload
        self.read_month = month
        return None

    def _clean_profile(self, data, month: dt.date):
        if "profile" in self.parsed or data.get("profile"):
            name = self.parsed["profile"].name if "profile" in self.parsed else data["profile"].name
            self.profile_source = f"файл «{name}»"
            return self._read("profile", month)
        if "profile" in self.errors:
            return None
        stored = services.contract_profile(self.contract, month)
        if not stored:
            self.add_error(
                "profile",
                f"Загрузите почасовой профиль: у договора нет почасовых данных "
                f"за {month_label(month)}.",
            )
            return None
        problems = profiles.check_complete(stored, month)
        if problems:
            self.add_error(
                "profile",
                [f"Почасовые данные договора за {month_label(month)} неполные.", *problems,
                 "Загрузите профиль файлом."],
            )  # fmt: skip
            return None
        self.profile_source = "почасовые данные договора (АИИСКУЭ)"
        return stored

    def inputs(self) -> services.Inputs:
        """The checked request for `services.calculate` / `services.compare`."""
        data = self.cleaned_data
        category = data["price_category"]
        scheme = data.get("zone_scheme") or 2
        month = data["month"]
        zones: dict[str, Decimal] = {}
        profile = planned = previous = None
        if category == 1:
            total = data["total_kwh"]
        elif category == 2:
            zones = {zone: data[name] for name, zone in ZONE_FIELDS[scheme]}
            total = sum(zones.values(), Decimal(0))
        else:
            profile = data["profile_hours"]
            planned = data.get("planned_hours")
            total = sum(profile.values(), Decimal(0))
            before = (month - dt.timedelta(days=1)).replace(day=1)
            previous = services.contract_profile(self.contract, before) or None
        consumption = pricing.MonthlyConsumption(
            month=month,
            total_kwh=total,
            zones=zones,
            profile=profile,
            planned=planned,
            previous=previous,
        )
        return services.Inputs(
            tariff_month=self.tariff_month,
            category=category,
            voltage_level=data["voltage_level"],
            max_power_kw=data["max_power_kw"],
            consumption=consumption,
            zone_scheme=scheme,
        )


def initial_for(contract) -> dict:
    """Defaults: the last month with tariffs and the contract's category, voltage and power."""
    latest = services.latest_tariff_month()
    return {
        "month": f"{latest.month:%Y-%m}" if latest else "",
        "price_category": contract.price_category,
        "voltage_level": contract.voltage_level,
        "max_power_kw": _plain(contract.max_power_kw),
        "zone_scheme": 2,
    }


def _plain(value: Decimal) -> str:
    """`1200.000` → `1200`, `669.990` → `669,99` as a person would type it."""
    try:
        text = format(Decimal(value).normalize(), "f")
    except InvalidOperation:
        return str(value)
    return text.replace(".", ",")
