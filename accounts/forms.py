from django import forms
from django.contrib.auth import authenticate

from accounts.models import login_name
from billing.models import Branch


class BranchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Branch) -> str:
        return obj.login_label


class LoginForm(forms.Form):
    """«Вход в личный кабинет»: city, contract number and password."""

    branch = BranchChoiceField(
        label="Город",
        queryset=Branch.objects.order_by("name"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Выберите город."},
    )
    contract_number = forms.CharField(
        label="Логин (номер договора)",
        max_length=32,
        error_messages={"required": "Введите номер договора."},
    )
    password = forms.CharField(
        label="Пароль",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Введите пароль."},
    )

    error_messages = {
        "invalid_login": "Неверный номер договора или пароль.",
    }

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    @property
    def username(self) -> str:
        """The login as django-axes sees it: city and contract number."""
        data = self.cleaned_data
        return login_name(data["branch"], data["contract_number"])

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        self.user_cache = authenticate(
            self.request, username=self.username, password=data["password"]
        )
        if self.user_cache is None:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return data

    def get_user(self):
        return self.user_cache
