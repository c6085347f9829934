import datetime as dt
from decimal import Decimal

from django import forms

from core.widgets import NativeDateInput
from meters.models import Meter
from meters.readings import (
    ReadingCheck,
    parse_value,
    rollover_question,
    spike_question,
    value_error,
    zone_label,
)

ROLLOVER_LABEL = "Подтверждаю: счетчик перешел через ноль"
SPIKE_LABEL = "Подтверждаю показание, несмотря на повышенный расход"
UPLOAD_MAX_BYTES = 5 * 1024 * 1024


class DateField(forms.DateField):
    """A date as the browser's date picker sends it, or as a person types it."""

    widget = NativeDateInput
    input_formats = ["%Y-%m-%d", "%d.%m.%Y"]
    default_error_messages = {
        "required": "Укажите дату.",
        "invalid": "Дата в формате 31.10.2026.",
    }


def value_field_name(zone: str) -> str:
    return f"value_{zone}"


def value_label(meter: Meter, zone: str) -> str:
    return "Показание" if meter.zones == 1 else f"Показание ({zone_label(zone)})"


class ReadingForm(forms.Form):
    """«Введите показание прибора учета»: a date and one value per tariff zone of the meter."""

    date = DateField(label="Дата")
    confirm_rollover = forms.BooleanField(label=ROLLOVER_LABEL, required=False)
    confirm_spike = forms.BooleanField(label=SPIKE_LABEL, required=False)

    def __init__(self, meter: Meter, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.meter = meter
        self.ask_rollover = bool(self.data.get("confirm_rollover"))
        self.ask_spike = bool(self.data.get("confirm_spike"))
        for zone in meter.zone_codes:
            self.fields[value_field_name(zone)] = forms.CharField(
                label=value_label(meter, zone),
                max_length=32,
                error_messages={"required": "Введите показание."},
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )

    @property
    def value_fields(self) -> list[forms.BoundField]:
        return [self[value_field_name(zone)] for zone in self.meter.zone_codes]

    def clean(self):
        data = super().clean()
        values: dict[str, Decimal] = {}
        for zone in self.meter.zone_codes:
            name = value_field_name(zone)
            if name not in data:
                continue
            try:
                value = parse_value(data[name])
            except ValueError as error:
                self.add_error(name, str(error))
                continue
            # Said now, with any other field's error; the history is checked once all are right.
            if (message := value_error(self.meter, value)) is not None:
                self.add_error(name, message)
            else:
                values[zone] = value
        data["values"] = values
        return data

    def show(self, check: ReadingCheck) -> None:
        """Put the rules' verdict next to the fields it concerns; ask for what needs confirming."""
        for where, message in check.messages():
            self.add_error("date" if where == "date" else value_field_name(where), message)
        self.ask_rollover = self.ask_rollover or bool(check.rollover_unconfirmed)
        self.ask_spike = self.ask_spike or check.spike_unconfirmed


class MeterRowForm(forms.Form):
    """One row of the table of all meters: a value per tariff zone (all of them or none:
    an empty row is not passed) and the confirmations the rules asked for. Prefixed by
    the meter, so the whole table posts as one <form>."""

    confirm_rollover = forms.BooleanField(label=ROLLOVER_LABEL, required=False)
    confirm_spike = forms.BooleanField(label=SPIKE_LABEL, required=False)

    def __init__(self, meter: Meter, *args, **kwargs):
        super().__init__(*args, prefix=f"m{meter.pk}", **kwargs)
        self.meter = meter
        self.ask_rollover = bool(self.data.get(self.add_prefix("confirm_rollover")))
        self.ask_spike = bool(self.data.get(self.add_prefix("confirm_spike")))
        for zone in meter.zone_codes:
            label = f"Показание прибора № {meter.number}"
            attrs = {"inputmode": "decimal", "autocomplete": "off"}
            if meter.zones > 1:
                label += f" ({zone_label(zone)})"
                attrs["aria-label"] = label  # the visible label is the zone alone
            self.fields[value_field_name(zone)] = forms.CharField(
                label=label, required=False, max_length=32, strip=False,
                widget=forms.TextInput(attrs=attrs),
            )  # fmt: skip

    @property
    def cells(self) -> list[tuple[forms.BoundField, str]]:
        """Each value field with the short label shown beside it (the zone, if several)."""
        return [
            (self[value_field_name(zone)], "" if self.meter.zones == 1 else zone_label(zone))
            for zone in self.meter.zone_codes
        ]

    @property
    def filled(self) -> bool:
        """Whether anything was typed into the row (an automatic meter takes nothing)."""
        if not self.is_bound or self.meter.is_automatic:
            return False
        names = (self.add_prefix(value_field_name(zone)) for zone in self.meter.zone_codes)
        return any(str(self.data.get(name, "")).strip() for name in names)

    def clean(self):
        data = super().clean()
        values: dict[str, Decimal] = {}
        if self.filled:
            for zone in self.meter.zone_codes:
                name = value_field_name(zone)
                try:
                    values[zone] = parse_value(data.get(name, ""))
                except ValueError as error:
                    self.add_error(name, str(error))
        data["values"] = values
        return data

    def show(self, check: ReadingCheck) -> None:
        """Put the rules' verdict on the row: next to its value, or under the row."""
        for where, texts in check.errors.items():
            for text in texts:
                self.add_error(None if where == "date" else value_field_name(where), text)
        for zone in check.rollover_unconfirmed:
            self.add_error(value_field_name(zone), rollover_question(check, zone))
            self.ask_rollover = True
        if check.spike_unconfirmed:
            self.add_error(None, spike_question(check))
            self.ask_spike = True


class MeterSearchForm(forms.Form):
    q = forms.CharField(label="Поиск прибора учета", required=False, max_length=64)


class ReadingUploadForm(forms.Form):
    file = forms.FileField(
        label="Файл CSV или XLSX",
        help_text="Столбцы: meter_number, date, value и, для многотарифных приборов, zone.",
        error_messages={"required": "Выберите файл.", "empty": "Файл пуст."},
    )
    confirm_rollover = forms.BooleanField(
        label="Подтверждаю переход через ноль, где показание меньше предыдущего",
        required=False,
    )
    confirm_spike = forms.BooleanField(
        label="Подтверждаю показания с расходом более чем втрое выше среднего",
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Загрузите файл CSV или XLSX.")
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError("Файл больше 5 МБ: разделите его на части.")
        return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern): a list of uploads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:
                return single(None, initial)
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class HourlyUploadForm(forms.Form):
    """Files of the market's format 80020 (one a day) for the contract's delivery points."""

    files = MultipleFileField(
        label="Файлы XML макета 80020",
        help_text="Один файл — одни сутки; можно выбрать несколько файлов (до 62).",
        widget=MultipleFileInput(attrs={"accept": ".xml"}),
        error_messages={"required": "Выберите файлы.", "empty": "Файл пуст."},
    )
    confirm_warnings = forms.BooleanField(
        label="Сохранить, несмотря на предупреждения о профиле", required=False
    )

    def clean_files(self):
        from meters.hourly_upload import MAX_FILE_BYTES, MAX_FILES

        uploads = self.cleaned_data["files"]
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(f"Не больше {MAX_FILES} файлов за раз.")
        for upload in uploads:
            if not upload.name.lower().endswith(".xml"):
                raise forms.ValidationError(f"{upload.name}: загрузите файлы XML макета 80020.")
            if upload.size > MAX_FILE_BYTES:
                raise forms.ValidationError(f"{upload.name}: файл больше 2 МБ.")
            if not upload.size:
                raise forms.ValidationError(f"{upload.name}: файл пуст.")
        return uploads


def bulk_date(data) -> tuple[dt.date | None, str | None]:
    """The one date of the table of many meters, or the reason it is not one."""
    field = DateField()
    try:
        return field.clean(data.get("date")), None
    except forms.ValidationError as error:
        return None, error.messages[0]
