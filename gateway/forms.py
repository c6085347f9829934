import re

from django import forms
from django.utils import timezone

from gateway.services import expiry_ok, luhn_ok

EXPIRY = re.compile(r"^\s*(\d{2})\s*/\s*(\d{2})\s*$")


class CardForm(forms.Form):
    """The bank's card form: the only place a card number is ever typed."""

    card_number = forms.CharField(
        label="Номер карты",
        max_length=23,
        widget=forms.TextInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
    )
    expiry = forms.CharField(
        label="Срок действия (ММ/ГГ)",
        max_length=5,
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "placeholder": "ММ/ГГ"}),
    )
    holder = forms.CharField(
        label="Владелец карты",
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "cc-name"}),
    )
    cvv = forms.CharField(
        label="CVV/CVC2",
        max_length=3,
        widget=forms.PasswordInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}),
    )

    def clean_card_number(self) -> str:
        number = re.sub(r"[\s-]", "", self.cleaned_data["card_number"])
        if not number.isascii() or not number.isdigit() or not 13 <= len(number) <= 19:
            raise forms.ValidationError("Номер карты — от 13 до 19 цифр.")
        if not luhn_ok(number):
            raise forms.ValidationError("Неверный номер карты.")
        return number

    def clean_expiry(self) -> tuple[int, int]:
        match = EXPIRY.match(self.cleaned_data["expiry"])
        if not match or not 1 <= int(match.group(1)) <= 12:
            raise forms.ValidationError("Укажите срок действия в виде ММ/ГГ, например 12/29.")
        month, year = int(match.group(1)), 2000 + int(match.group(2))
        if not expiry_ok(month, year, timezone.localdate()):
            raise forms.ValidationError("Срок действия карты истек.")
        return month, year

    def clean_holder(self) -> str:
        holder = self.cleaned_data["holder"].strip().upper()
        if not re.fullmatch(r"[A-Z][A-Z .'-]*", holder):
            raise forms.ValidationError("Имя владельца латиницей, как на карте.")
        return holder

    def clean_cvv(self) -> str:
        cvv = self.cleaned_data["cvv"]
        if not re.fullmatch(r"[0-9]{3}", cvv):
            raise forms.ValidationError("CVV/CVC2 — три цифры с обратной стороны карты.")
        return cvv
