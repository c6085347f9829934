import datetime as dt
import re

from django import forms
from django.utils import timezone

QUARTERS = [("", "весь год"), ("1", "I квартал"), ("2", "II квартал"), ("3", "III квартал"),
            ("4", "IV квартал")]  # fmt: skip
MONTHS = [("", "все месяцы")] + [
    (str(n), name)
    for n, name in enumerate(
        ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
         "сентябрь", "октябрь", "ноябрь", "декабрь"),
        start=1,
    )
]  # fmt: skip


class PeriodFilterForm(forms.Form):
    """The list's filter by period of supply: a year, and within it a quarter or a month."""

    year = forms.TypedChoiceField(label="Год", coerce=int, required=False, empty_value=None)
    quarter = forms.TypedChoiceField(
        label="Квартал", choices=QUARTERS, coerce=int, required=False, empty_value=None
    )
    month = forms.TypedChoiceField(
        label="Месяц", choices=MONTHS, coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "все годы")] + [(str(y), str(y)) for y in years]

    def clean(self):
        data = super().clean()
        year, quarter, month = data.get("year"), data.get("quarter"), data.get("month")
        if (quarter or month) and not year:
            self.add_error("year", "Выберите год.")
        if quarter and month and (month - 1) // 3 + 1 != quarter:
            self.add_error("month", "Месяц не входит в выбранный квартал.")
        return data

    def period_range(self) -> tuple[dt.date, dt.date] | None:
        """The first days of the first and the last month chosen, or None for all."""
        year = self.cleaned_data.get("year")
        if not year:
            return None
        month, quarter = self.cleaned_data.get("month"), self.cleaned_data.get("quarter")
        if month:
            return dt.date(year, month, 1), dt.date(year, month, 1)
        if quarter:
            return dt.date(year, quarter * 3 - 2, 1), dt.date(year, quarter * 3, 1)
        return dt.date(year, 1, 1), dt.date(year, 12, 1)


class MonthField(forms.CharField):
    """A month typed as `2026-10` (what <input type="month"> sends) or `10.2026`."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "ГГГГ-ММ"})

    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})|(\d{1,2})\.(\d{4})", text)
        if match:
            year, month = (match[1], match[2]) if match[1] else (match[4], match[3])
            if 1 <= int(month) <= 12 and int(year) >= 2000:
                return dt.date(int(year), int(month), 1)
        raise forms.ValidationError("Укажите месяц в виде ГГГГ-ММ, например 2026-10.")


class MonthRangeForm(forms.Form):
    """A range of whole months, up to the current one."""

    date_from = MonthField(label="Период с")
    date_to = MonthField(label="Период по")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        this_month = timezone.localdate().replace(day=1)
        if end and end > this_month:
            self.add_error("date_to", "Период не может быть в будущем.")
        elif start and end and start > end:
            self.add_error("date_from", "Начало периода позже его конца.")
        return data


class ConsumptionForm(MonthRangeForm):
    FORMATS = [("html", "html-страница"), ("pdf", "pdf-документ")]

    format = forms.ChoiceField(
        label="Формат документа",
        choices=FORMATS,
        initial="html",
        required=False,
        widget=forms.RadioSelect,
    )

    def clean_format(self) -> str:
        return self.cleaned_data["format"] or "html"
