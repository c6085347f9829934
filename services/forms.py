import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.widgets import NativeDateInput
from meters.models import Meter
from services.models import (
    SWITCHABLE_KINDS,
    Delivery,
    MeterAction,
    NotificationPreference,
    RequestKind,
    Topic,
)
from services.uploads import ALLOWED_LABEL, check_attachment, max_bytes, size_message

MAX_ATTACHMENTS = 5
PHONE_RE = re.compile(r"^\+?[\d\s()\-]{10,20}$")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Zero or more files from one `<input type="file" multiple>`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(AttachmentsField, self).clean(f, initial) for f in files]


class MeterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, meter: Meter) -> str:
        return f"№ {meter.number} {meter.model} — {meter.delivery_point.address}"


class RequestForm(forms.Form):
    """The part every request kind shares: the attachments."""

    kind: RequestKind
    attachments = AttachmentsField(
        label="Вложения",
        required=False,
        help_text=(
            f"{ALLOWED_LABEL}, не больше {max_bytes() // (1024 * 1024)} МБ каждый, "
            f"до {MAX_ATTACHMENTS} файлов."
        ),
    )

    def __init__(self, *args, contract=None, oversized=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.oversized = [name for field, name in oversized if field == "attachments"]

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        errors = [size_message(name) for name in self.oversized]
        if len(files) + len(self.oversized) > MAX_ATTACHMENTS:
            errors.append(f"Можно прикрепить не больше {MAX_ATTACHMENTS} файлов.")
        for upload in files:
            try:
                upload.detected_type = check_attachment(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return files

    def request_fields(self) -> dict:
        """The cleaned values that go onto the ServiceRequest row."""
        return {k: v for k, v in self.cleaned_data.items() if k != "attachments"}


class MeterRequestForm(RequestForm):
    kind = RequestKind.METER
    field_order = ("meter", "meter_action", "text", "preferred_date", "attachments")

    meter = MeterChoiceField(
        label="Прибор учета",
        queryset=Meter.objects.none(),
        empty_label="— выберите прибор учета —",
        error_messages={
            "required": "Выберите прибор учета.",
            "invalid_choice": "Выберите прибор учета из списка приборов вашего договора.",
        },
    )
    meter_action = forms.ChoiceField(
        label="Что требуется",
        choices=MeterAction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Выберите: поверка или замена."},
    )
    text = forms.CharField(
        label="Причина",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Например: истек межповерочный интервал, прибор неисправен, повреждена пломба.",
        error_messages={"required": "Укажите причину."},
    )
    preferred_date = forms.DateField(
        label="Желаемая дата",
        widget=NativeDateInput(),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={
            "required": "Укажите желаемую дату.",
            "invalid": "Введите дату в виде 25.11.2026.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the session's contract's meters can be chosen: another id is an invalid choice.
        self.fields["meter"].queryset = Meter.objects.filter(
            delivery_point__contract=self.contract
        ).select_related("delivery_point")

    def clean_preferred_date(self):
        day = self.cleaned_data["preferred_date"]
        if day <= timezone.localdate():
            raise ValidationError("Желаемая дата должна быть позже сегодняшней.")
        return day


class ReconciliationRequestForm(RequestForm):
    kind = RequestKind.RECONCILIATION
    field_order = ("period_from", "period_to", "delivery", "text", "attachments")

    period_from = forms.DateField(
        label="Период с",
        widget=NativeDateInput(),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={
            "required": "Укажите начало периода.",
            "invalid": "Введите дату в виде 01.01.2026.",
        },
    )
    period_to = forms.DateField(
        label="Период по",
        widget=NativeDateInput(),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={
            "required": "Укажите конец периода.",
            "invalid": "Введите дату в виде 31.10.2026.",
        },
    )
    delivery = forms.ChoiceField(
        label="Способ получения",
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Выберите способ получения."},
    )
    text = forms.CharField(
        label="Комментарий",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start > end:
            self.add_error("period_to", "Конец периода раньше его начала.")
        if end and end > timezone.localdate():
            self.add_error("period_to", "Период не может заканчиваться в будущем.")
        return data


class ContactsRequestForm(RequestForm):
    kind = RequestKind.CONTACTS
    field_order = ("contact_person", "phone", "email", "postal_address", "text", "attachments")

    contact_person = forms.CharField(label="Контактное лицо", max_length=255, required=False)
    phone = forms.CharField(
        label="Телефон",
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text="Например: +7 384 2 00-00-00",
    )
    email = forms.EmailField(
        label="E-mail",
        required=False,
        error_messages={"invalid": "Введите адрес электронной почты, например mail@mail.ru."},
    )
    postal_address = forms.CharField(label="Почтовый адрес", max_length=500, required=False)
    text = forms.CharField(
        label="Комментарий",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        digits = re.sub(r"\D", "", phone)
        if phone and (not PHONE_RE.match(phone) or not 10 <= len(digits) <= 12):
            raise ValidationError("Введите телефон цифрами, например +7 384 2 00-00-00.")
        return phone

    def clean(self):
        data = super().clean()
        changed = ("contact_person", "phone", "email", "postal_address")
        if not self.errors and not any(data.get(name) for name in changed):
            self.add_error(
                "contact_person",
                "Укажите хотя бы одно новое значение: лицо, телефон, e-mail или адрес.",
            )
        return data


class QuestionRequestForm(RequestForm):
    kind = RequestKind.QUESTION
    field_order = ("topic", "subject", "text", "attachments")

    topic = forms.ChoiceField(
        label="Обращение",
        choices=Topic.choices,
        widget=forms.RadioSelect,
        initial=Topic.QUESTION,
        error_messages={"required": "Выберите: вопрос или жалоба."},
    )
    subject = forms.CharField(
        label="Тема", max_length=255, error_messages={"required": "Укажите тему."}
    )
    text = forms.CharField(
        label="Текст обращения",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Напишите текст обращения."},
    )


FORMS_BY_KIND: dict[str, type[RequestForm]] = {
    form.kind: form
    for form in (
        MeterRequestForm,
        ReconciliationRequestForm,
        ContactsRequestForm,
        QuestionRequestForm,
    )
}

# The slug of each kind in URLs, e.g. /cabinet/services/requests/new/meter/.
KIND_SLUGS = {kind.value: kind for kind in RequestKind}


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = tuple(str(kind) for kind in SWITCHABLE_KINDS)
