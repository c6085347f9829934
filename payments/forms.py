from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils.html import format_html

from billing.models import LedgerEntry
from core.formatting import money
from core.numbers import parse_decimal
from payments.services import MAX_AMOUNT, MIN_AMOUNT


class RublesField(forms.DecimalField):
    """Rubles as people type them: `1 500,00`, `1500.00`, `1500`."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            try:
                value = parse_decimal(value)
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
        return super().to_python(value)


class PayForm(forms.Form):
    """«Оплатить»: what is paid (energy or penalties), the amount and the consent to the terms."""

    purpose = forms.ChoiceField(
        label="Назначение платежа",
        choices=LedgerEntry.Purpose.choices,
        initial=LedgerEntry.Purpose.ENERGY,
        widget=forms.RadioSelect,
        required=False,
        error_messages={
            "invalid_choice": "Выберите назначение платежа: за электроэнергию или пени.",
        },
        help_text="Оплата за электроэнергию гасит самый ранний срок оплаты; пени гасятся только "
        "оплатой с назначением «пени» (ГК РФ, ст. 319, 319.1).",
    )

    amount = RublesField(
        label="Сумма оплаты, руб.",
        max_digits=12,
        decimal_places=2,
        localize=True,
        error_messages={
            "required": "Укажите сумму оплаты.",
            "invalid": "Введите сумму числом, например 1500,00.",
            "max_decimal_places": "Не более двух знаков после запятой (копейки).",
            "max_digits": f"Сумма не может быть больше {money(MAX_AMOUNT)}",
            "max_whole_digits": f"Сумма не может быть больше {money(MAX_AMOUNT)}",
        },
        help_text=f"Не менее {money(MIN_AMOUNT)}, не более {money(MAX_AMOUNT)}",
    )
    agree = forms.BooleanField(
        label="Я согласен с условиями оплаты пользовательского соглашения",
        error_messages={
            "required": "Без согласия с условиями пользовательского соглашения оплата невозможна."
        },
    )

    def clean_purpose(self) -> str:
        # Not stated: energy, the earliest obligation first (ГК РФ ст. 319.1).
        return self.cleaned_data["purpose"] or LedgerEntry.Purpose.ENERGY

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if not amount.is_finite():
            raise forms.ValidationError("Введите сумму числом, например 1500,00.")
        if amount < MIN_AMOUNT:
            raise forms.ValidationError(f"Сумма оплаты — не менее {money(MIN_AMOUNT)}")
        if amount > MAX_AMOUNT:
            raise forms.ValidationError(f"Сумма не может быть больше {money(MAX_AMOUNT)}")
        return amount.quantize(Decimal("0.01"))

    def agree_label(self):
        return format_html(
            'Я согласен с <a href="{}">условиями оплаты пользовательского соглашения</a>',
            reverse("agreement"),
        )
