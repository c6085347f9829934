import datetime as dt

from django import forms
from django.utils import timezone

from core.widgets import NativeDateInput

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
EARLIEST = dt.date(2000, 1, 1)


def _within_reason(day: dt.date | None) -> dt.date | None:
    """The ledger starts long after 2000; a far-off date is a typo, not a query."""
    if day is not None and not (EARLIEST <= day <= dt.date(2100, 12, 31)):
        raise forms.ValidationError("Укажите дату между 01.01.2000 и 31.12.2100.")
    return day


class HistoryFilterForm(forms.Form):
    """The history's period filter; both ends optional and inclusive."""

    date_from = forms.DateField(
        label="Период с", required=False, input_formats=DATE_FORMATS, widget=NativeDateInput()
    )
    date_to = forms.DateField(
        label="по", required=False, input_formats=DATE_FORMATS, widget=NativeDateInput()
    )

    def clean_date_from(self):
        return _within_reason(self.cleaned_data["date_from"])

    def clean_date_to(self):
        return _within_reason(self.cleaned_data["date_to"])

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Конец периода раньше его начала.")
        return data


class PenaltyDateForm(forms.Form):
    on_date = forms.DateField(
        label="Дата расчета", input_formats=DATE_FORMATS, widget=NativeDateInput()
    )

    def clean_on_date(self) -> dt.date:
        day = _within_reason(self.cleaned_data["on_date"])
        if day > timezone.localdate():
            raise forms.ValidationError("Дата расчета не может быть в будущем.")
        return day
