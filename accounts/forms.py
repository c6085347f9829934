from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html

from accounts import throttle
from accounts.models import Role, User, login_name
from billing.models import Branch, Contract
from billing.validators import validate_inn
from core.numbers import cyrillic_lookalikes

# Messages shown to a person, not secrets.
PASSWORD_MAX_LENGTH = 128
PASSWORD_TOO_LONG = f"Пароль не длиннее {PASSWORD_MAX_LENGTH} символов."  # noqa: S105


def password_help() -> str:
    """Every rule that can refuse a new password: each of AUTH_PASSWORD_VALIDATORS says its
    own, then the field's length limit. Read when shown, so the hint follows the settings."""
    return " ".join([*password_validation.password_validators_help_texts(), PASSWORD_TOO_LONG])


PASSWORD_HELP = lazy(password_help, str)()
PASSWORD_MISMATCH = "Пароли не совпадают."  # noqa: S105
WRONG_CURRENT_PASSWORD = "Текущий пароль введен неверно."  # noqa: S105


class BranchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Branch) -> str:
        return obj.login_label


class PortalCaptchaInput(CaptchaTextInput):
    """The simple-captcha widget with a Russian alternative text for the picture."""

    # In the app folder: the form renderer reads widget templates from apps only.
    template_name = "accounts/widgets/captcha.html"


def captcha_field() -> CaptchaField:
    return CaptchaField(
        label="Введите слово на картинке",
        widget=PortalCaptchaInput,
        error_messages={
            "required": "Введите слово на картинке.",
            "incomplete": "Введите слово на картинке.",
            "invalid": "Слово с картинки введено неверно. Введите слово с новой картинки.",
        },
    )


def branch_field(label: str = "Город", *, long_labels: bool = True) -> forms.ModelChoiceField:
    field_class = BranchChoiceField if long_labels else forms.ModelChoiceField
    return field_class(
        label=label,
        queryset=Branch.objects.order_by("name"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Выберите город.", "invalid_choice": "Выберите город."},
    )


class ContractNumberField(forms.CharField):
    """A contract number as the billing system writes it: Latin look-alikes made Cyrillic."""

    def to_python(self, value):
        return cyrillic_lookalikes(super().to_python(value))


def contract_number_field(label: str = "Номер договора") -> forms.CharField:
    return ContractNumberField(
        label=label,
        max_length=32,
        error_messages={
            "required": "Введите номер договора.",
            "max_length": "Номер договора не длиннее 32 символов.",
        },
    )


def password_field(
    label: str, *, autocomplete: str, required: str = "Введите пароль.", help_text: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        error_messages={
            "required": required,
            "max_length": PASSWORD_TOO_LONG,
        },
    )


def typed_email(value: str) -> str | None:
    """The login typed as a confirmed e-mail (issue 19) rather than a contract number."""
    value = (value or "").strip()
    return value.lower() if "@" in value else None


class LoginField(ContractNumberField):
    """A contract number, or an e-mail kept as typed (lower case)."""

    def to_python(self, value):
        email = typed_email(value)
        return email if email is not None else super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if "@" not in value and len(value) > 32:
            raise forms.ValidationError("Номер договора не длиннее 32 символов.", code="max_length")


class LoginForm(forms.Form):
    """«Вход в личный кабинет»: city, contract number and password, or a confirmed e-mail
    and password (and a CAPTCHA after failures)."""

    branch = branch_field()
    contract_number = LoginField(
        label="Логин (номер договора)",
        help_text="или e-mail, подтвержденный в личном кабинете (тогда город не нужен)",
        max_length=254,
        error_messages={"required": "Введите номер договора."},
    )
    password = password_field("Пароль", autocomplete="current-password")

    error_messages = {
        "invalid_login": "Неверный номер договора или пароль.",
        "disabled": "Учетная запись отключена. Обратитесь в контактный центр: {phone}.",
    }

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)
        if self.is_bound and typed_email(self.data.get("contract_number", "")):
            self.fields["branch"].required = False
        if self.is_bound:
            username = self._posted_username()
            if username and throttle.captcha_needed(request, username):
                self.add_captcha()
        elif request is not None and throttle.captcha_needed(request):
            self.add_captcha()

    def add_captcha(self) -> None:
        if "captcha" not in self.fields:
            self.fields["captcha"] = captcha_field()

    def _posted_username(self) -> str | None:
        """The login from the raw POST, before validation: anything odd gives None."""
        email = typed_email(self.data.get("contract_number") or "")
        if email is not None:
            return email if len(email) <= 254 and "\x00" not in email else None
        number = cyrillic_lookalikes((self.data.get("contract_number") or "").strip())
        if not number or len(number) > 32 or "\x00" in number:
            return None
        try:
            branch = Branch.objects.filter(pk=int(self.data.get("branch") or "")).first()
        except ValueError:
            return None
        return login_name(branch, number) if branch else None

    @property
    def username(self) -> str:
        """The login as django-axes sees it: city and contract number, or the e-mail."""
        data = self.cleaned_data
        if "@" in data["contract_number"]:
            return data["contract_number"]
        return login_name(data["branch"], data["contract_number"])

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        # authenticate() gets the composed login, so django-axes counts
        # failures per city + contract (and IP), not per bare number.
        self.user_cache = authenticate(
            self.request, username=self.username, password=data["password"]
        )
        if self.user_cache is None:
            # This failure (already counted by django-axes) may be the one
            # after which the form asks for a CAPTCHA.
            if throttle.captcha_needed(self.request, self.username):
                self.add_captcha()
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        if self.user_cache.awaits_confirmation:
            raise forms.ValidationError(
                format_html(
                    "Регистрация не подтверждена: перейдите по ссылке из письма, отправленного "
                    'на e-mail, указанный при регистрации. <a href="{}">Отправить письмо '
                    "повторно</a>",
                    reverse("accounts:resend"),
                ),
                code="unconfirmed",
            )
        if not self.user_cache.is_active:
            raise forms.ValidationError(
                self.error_messages["disabled"].format(phone=settings.CONTACT_PHONE),
                code="disabled",
            )
        return data

    def get_user(self):
        return self.user_cache


class RegistrationForm(forms.Form):
    """«Регистрация личного кабинета «Юридического лица»», field for field as in the seed."""

    contract_number = contract_number_field()
    inn = forms.CharField(
        label="ИНН",
        max_length=12,
        error_messages={
            "required": "Введите ИНН.",
            "max_length": "ИНН должен содержать 10 цифр (организация) или 12 цифр "
            "(ИП, физическое лицо).",
        },
    )
    organisation_name = forms.CharField(
        label="Наименование организации",
        max_length=255,
        error_messages={
            "required": "Введите наименование организации.",
            "max_length": "Наименование не длиннее 255 символов.",
        },
    )
    password1 = password_field("Пароль", autocomplete="new-password", help_text=PASSWORD_HELP)
    password2 = password_field(
        "Подтверждение пароля", autocomplete="new-password", required="Повторите пароль."
    )
    email = forms.EmailField(
        label="E-Mail",
        max_length=254,
        error_messages={
            "required": "Введите адрес электронной почты.",
            "invalid": "Введите правильный адрес электронной почты, например mail@mail.ru.",
        },
    )
    branch = branch_field(long_labels=False)
    registration_code = forms.CharField(
        label="Код регистрации",
        required=False,
        max_length=16,
        help_text="Напечатан на «Счете на оплату» по договору. Нужен, если в договоре с ЭССК "
        "нет e-mail; без кода регистрацию подтвердит сотрудник ЭССК.",
        error_messages={"max_length": "Код регистрации — 10 знаков со «Счета на оплату»."},
    )
    captcha = captcha_field()
    agreement = forms.BooleanField(
        label="Я принимаю правила Пользовательского соглашения",
        error_messages={
            "required": "Регистрация возможна только при согласии с правилами "
            "Пользовательского соглашения."
        },
    )

    def clean_inn(self) -> str:
        inn = "".join(self.cleaned_data["inn"].split())
        validate_inn(inn)
        return inn

    def clean(self):
        # Nothing here looks the contract up: whether it exists, is registered
        # or is pending is never said on the page (issue 23); services.register decides.
        data = super().clean()
        self._check_passwords(data)
        return data

    def _check_passwords(self, data: dict) -> None:
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", forms.ValidationError(PASSWORD_MISMATCH, code="mismatch"))
        if not password1:
            return
        branch, number = data.get("branch"), (data.get("contract_number") or "").strip()
        probe = User(
            username=login_name(branch, number) if branch and number else "",
            email=data.get("email", ""),
            organisation_name=data.get("organisation_name", ""),
        )
        try:
            password_validation.validate_password(password1, probe)
        except forms.ValidationError as error:
            self.add_error("password1", error)


class ContractLookupForm(forms.Form):
    """City + contract number (+ CAPTCHA): for «Забыли пароль?» and «Отправить письмо повторно»."""

    branch = branch_field()
    contract_number = contract_number_field("Логин (номер договора)")
    captcha = captcha_field()


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label="Новый E-Mail",
        max_length=254,
        error_messages={
            "required": "Введите новый адрес электронной почты.",
            "invalid": "Введите правильный адрес электронной почты, например mail@mail.ru.",
        },
    )
    password = password_field(
        "Текущий пароль", autocomplete="current-password", required="Введите текущий пароль."
    )

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_new_email(self) -> str:
        email = self.cleaned_data["new_email"].strip()
        if email.lower() == (self.user.email or "").lower():
            raise forms.ValidationError("Это уже адрес вашей учетной записи.", code="same")
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(WRONG_CURRENT_PASSWORD, code="wrong_password")
        return password

    def clean(self):
        from accounts.services import EMAIL_CHANGES_PER_HOUR, email_change_allowed

        data = super().clean()
        if not self.errors and not email_change_allowed(self.user):
            raise forms.ValidationError(
                f"Письмо о смене e-mail можно запросить не больше {EMAIL_CHANGES_PER_HOUR} раз "
                "в час. Повторите позже.",
                code="too_many",
            )
        return data


class _NewPasswordMixin:
    """Russian labels for Django's new-password fields; validator errors next to the new password."""

    def _russian_fields(self) -> None:
        new1, new2 = self.fields["new_password1"], self.fields["new_password2"]
        new1.label, new1.help_text = "Новый пароль", PASSWORD_HELP
        new1.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH, PASSWORD_TOO_LONG))
        new1.error_messages["required"] = "Введите новый пароль."
        new2.label, new2.help_text = "Подтверждение нового пароля", ""
        new2.error_messages["required"] = "Повторите новый пароль."
        self.error_messages = {**self.error_messages, "password_mismatch": PASSWORD_MISMATCH}

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class PortalPasswordChangeForm(_NewPasswordMixin, PasswordChangeForm):
    """«Изменить пароль»: current password, new one, confirmation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._russian_fields()
        self.fields["old_password"].label = "Текущий пароль"
        self.fields["old_password"].error_messages["required"] = "Введите текущий пароль."
        self.error_messages["password_incorrect"] = WRONG_CURRENT_PASSWORD


class PortalSetPasswordForm(_NewPasswordMixin, SetPasswordForm):
    """The new password after a reset link."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._russian_fields()


# --- «Доступ сотрудников» -------------------------------------------------------------


class ContractChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"№ {obj.number} ({obj.branch.name})"


def role_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Роль",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Выберите роль.", "invalid_choice": "Выберите роль."},
        help_text="«Руководитель» — все разделы и доступ сотрудников; «Бухгалтер» — лицевой "
        "счет, оплата, документы, акт сверки, калькулятор; «Энергетик» — показания, "
        "расшифровка потребления, калькулятор, дополнительные услуги.",
    )


class AccessForm(forms.Form):
    """A person's role and the contracts granted (all of them for a «Руководитель»)."""

    role = role_field()
    contracts = ContractChoiceField(
        label="Договоры",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="«Руководителю» открыты все договоры организации.",
        error_messages={"invalid_choice": "Выберите договоры из списка."},
    )

    def __init__(self, organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contracts"].queryset = (
            Contract.objects.filter(organisation_link__organisation=organisation)
            .select_related("branch")
            .order_by("branch__name", "number")
        )

    def clean(self):
        data = super().clean()
        if data.get("role") and data["role"] != Role.OWNER and not data.get("contracts"):
            self.add_error(
                "contracts",
                forms.ValidationError("Отметьте хотя бы один договор.", code="required"),
            )
        return data


class InvitationForm(AccessForm):
    """«Пригласить»: the person's e-mail, the role and the contracts."""

    email = forms.EmailField(
        label="E-Mail сотрудника",
        max_length=254,
        error_messages={
            "required": "Введите адрес электронной почты.",
            "invalid": "Введите правильный адрес электронной почты, например mail@mail.ru.",
        },
    )
    field_order = ("email", "role", "contracts")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class AcceptInvitationForm(forms.Form):
    """The invitee's name (shown on what they do) and password."""

    last_name = forms.CharField(
        label="Фамилия", max_length=150, error_messages={"required": "Введите фамилию."}
    )
    first_name = forms.CharField(
        label="Имя", max_length=150, error_messages={"required": "Введите имя."}
    )
    middle_name = forms.CharField(label="Отчество", max_length=150, required=False)
    password1 = password_field("Пароль", autocomplete="new-password", help_text=PASSWORD_HELP)
    password2 = password_field(
        "Подтверждение пароля", autocomplete="new-password", required="Повторите пароль."
    )

    def __init__(self, email: str, *args, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        from accounts.organisations import password_taken

        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", forms.ValidationError(PASSWORD_MISMATCH, code="mismatch"))
            return data
        if not password1:
            return data
        probe = User(
            username=self.email,
            email=self.email,
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
        )
        try:
            password_validation.validate_password(password1, probe)
        except forms.ValidationError as error:
            self.add_error("password1", error)
            return data
        if password_taken(self.email, password1):
            self.add_error(
                "password1",
                forms.ValidationError(
                    "С этим паролем уже входит другая учетная запись этого e-mail. "
                    "Выберите другой пароль.",
                    code="taken",
                ),
            )
        return data


class ContractClaimForm(forms.Form):
    """«Добавить договор»: the city and the number of a contract of the same ИНН."""

    branch = branch_field(long_labels=False)
    contract_number = contract_number_field()


class ContractCodeForm(forms.Form):
    code = forms.CharField(
        label="Код из письма",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": "Введите код."},
    )


class TwoFactorCodeForm(forms.Form):
    """A six-digit code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label="Код из приложения или код восстановления",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        error_messages={"required": "Введите код."},
    )


class RequireTwoFactorForm(forms.Form):
    require = forms.BooleanField(
        label="Требовать двухфакторный вход от всех сотрудников организации", required=False
    )
