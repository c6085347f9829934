import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.tests.helpers import NEW_PASSWORD, post_registration
from conftest import make_contract


@pytest.fixture
def gamma_contract(kemerovo):
    return make_contract(
        kemerovo, "3003", inn="4205000016", name="ООО «Гамма»", email="gamma@example.ru"
    )


def errors_of(response, field):
    return response.context["form"].errors.get(field, [])


def test_home_page_leads_to_the_choice_and_the_choice_to_the_form(client, db):
    home = client.get("/").content.decode()
    assert reverse("accounts:register") in home
    choice = client.get(reverse("accounts:register")).content.decode()
    assert "Организация, ИП, ФЛ" in choice
    assert reverse("accounts:register_legal") in choice
    assert ">Регистрация</button>" in choice


def test_the_form_has_the_seed_labels_required_marks_and_agreement_link(client, db):
    text = client.get(reverse("accounts:register_legal")).content.decode()
    for label in (
        "Номер договора",
        "ИНН",
        "Наименование организации",
        "Пароль",
        "Подтверждение пароля",
        "E-Mail",
        "Город",
        "Кемерово",
        "Березовский",
        "Введите слово на картинке",
        "Я принимаю правила",
        "Пользовательского соглашения",
        "Ссылка для подтверждения регистрации придет на e-mail, указанный в договоре с ЭССК",
        "Код регистрации",
        ">Регистрация</button>",
    ):
        assert label in text, label
    for rule in (
        "Пароль не должен быть слишком похож на другую вашу личную информацию.",
        "Ваш пароль должен содержать как минимум 6 символов.",
        "Пароль не должен быть слишком простым и распространенным.",
        "Пароль не может состоять только из цифр.",
        "Пароль не длиннее 128 символов.",
    ):
        assert rule in text, rule
    assert text.count('<span class="required" aria-hidden="true">*</span>') == 9
    assert f'href="{reverse("agreement")}"' in text
    assert 'src="/captcha/image/' in text
    assert ">Показать другую картинку</a>" in text


def test_it_registers_an_inactive_account_and_mails_the_confirmation(
    client, kemerovo, gamma_contract
):
    response = post_registration(client, kemerovo)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register_done")
    done = client.get(response["Location"]).content.decode()
    assert "Заявка на регистрацию принята" in done

    user = User.objects.get(contract=gamma_contract)
    assert user.username == "kemerovo/3003"
    assert not user.is_active and user.email_confirmed_at is None
    assert user.email == "gamma@example.ru" and user.organisation_name == "ООО «Гамма»"
    assert user.password != NEW_PASSWORD and user.check_password(NEW_PASSWORD)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["gamma@example.ru"]
    assert "3003" in message.subject
    assert "/accounts/register/confirm/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Подтвердить регистрацию" in html
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("inn", "message"),
    [
        (
            "42050000",
            "ИНН должен содержать 10 цифр (организация) или 12 цифр (ИП, физическое лицо).",
        ),
        ("42050000AB", "ИНН должен состоять только из цифр."),
        ("4205000017", "ИНН указан неверно: не сходится контрольное число."),
    ],
)
def test_inn_must_be_a_valid_inn(client, kemerovo, gamma_contract, inn, message):
    response = post_registration(client, kemerovo, inn=inn)
    assert errors_of(response, "inn") == [message]
    assert not User.objects.filter(contract=gamma_contract).exists()


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("Ab1!x", "слишком короткий"),
        ("qwerty123", "слишком широко распространён"),
        ("74920386125", "состоит только из цифр"),
        ("gamma@example.ru", "слишком похож"),
        ("kemerovo3003", "слишком похож"),
    ],
)
def test_weak_passwords_are_refused_next_to_the_password(
    client, kemerovo, gamma_contract, password, fragment
):
    response = post_registration(client, kemerovo, password1=password, password2=password)
    assert any(fragment in error for error in errors_of(response, "password1")), errors_of(
        response, "password1"
    )
    assert not User.objects.filter(contract=gamma_contract).exists()


def test_a_password_of_64_characters_is_accepted(client, kemerovo, gamma_contract):
    password = "Dlinnyj-Parol-" + "x7Q" * 16 + "-Konec-2026"
    assert len(password) >= 64
    response = post_registration(client, kemerovo, password1=password, password2=password)
    assert response.status_code == 302
    assert User.objects.get(contract=gamma_contract).check_password(password)


def test_the_two_passwords_must_match(client, kemerovo, gamma_contract):
    response = post_registration(client, kemerovo, password2=NEW_PASSWORD + "!")
    assert errors_of(response, "password2") == ["Пароли не совпадают."]
    assert 'value="' + NEW_PASSWORD not in response.content.decode()


def test_the_email_must_be_valid(client, kemerovo, gamma_contract):
    response = post_registration(client, kemerovo, email="gamma-at-example")
    assert errors_of(response, "email") == [
        "Введите правильный адрес электронной почты, например mail@mail.ru."
    ]


def test_a_wrong_captcha_is_refused_and_says_nothing_about_the_contract(
    client, kemerovo, gamma_contract
):
    response = post_registration(client, kemerovo, "9999", captcha_1="wrong")
    assert errors_of(response, "captcha") == [
        "Слово с картинки введено неверно. Введите слово с новой картинки."
    ]
    assert errors_of(response, "contract_number") == []


def test_the_real_captcha_answer_is_accepted(client, kemerovo, gamma_contract):
    from captcha.models import CaptchaStore

    key = CaptchaStore.generate_key()
    answer = CaptchaStore.objects.get(hashkey=key).response
    response = post_registration(client, kemerovo, captcha_0=key, captcha_1=answer)
    assert response.status_code == 302


def test_the_agreement_must_be_accepted(client, kemerovo, gamma_contract):
    response = post_registration(client, kemerovo, agreement=None)
    assert errors_of(response, "agreement") == [
        "Регистрация возможна только при согласии с правилами Пользовательского соглашения."
    ]


def test_every_required_field_says_what_is_missing(client, db):
    response = client.post(reverse("accounts:register_legal"), {})
    errors = response.context["form"].errors
    assert errors["contract_number"] == ["Введите номер договора."]
    assert errors["inn"] == ["Введите ИНН."]
    assert errors["organisation_name"] == ["Введите наименование организации."]
    assert errors["password1"] == ["Введите пароль."]
    assert errors["password2"] == ["Повторите пароль."]
    assert errors["email"] == ["Введите адрес электронной почты."]
    assert errors["branch"] == ["Выберите город."]
    assert errors["captcha"] == ["Введите слово на картинке."]


def test_the_same_email_and_name_may_serve_several_contracts(client, kemerovo, gamma_contract):
    make_contract(kemerovo, "3004", inn="4205000016", name="ООО «Гамма»", email="gamma@example.ru")
    assert post_registration(client, kemerovo, "3003").status_code == 302
    assert post_registration(client, kemerovo, "3004").status_code == 302
    assert (
        User.objects.filter(email="gamma@example.ru", organisation_name="ООО «Гамма»").count() == 2
    )


def test_registration_is_kept_when_the_mail_server_is_down(
    client, kemerovo, gamma_contract, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    response = post_registration(client, kemerovo)
    assert response.status_code == 302
    assert User.objects.filter(contract=gamma_contract, is_active=False).exists()


def test_mail_goes_out_only_after_the_transaction_commits(
    kemerovo, gamma_contract, django_capture_on_commit_callbacks
):
    from accounts import services

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.register(
            branch=kemerovo,
            contract_number="3003",
            inn="4205000016",
            email="gamma@example.ru",
            organisation_name="ООО «Гамма»",
            password=NEW_PASSWORD,
            absolute_url=lambda path: "http://testserver" + path,
        )
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1


def test_the_password_hint_follows_the_validators_in_the_settings(client, db, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 10},
        }
    ]
    from django.contrib.auth.password_validation import get_default_password_validators

    get_default_password_validators.cache_clear()
    try:
        text = client.get(reverse("accounts:register_legal")).content.decode()
    finally:
        get_default_password_validators.cache_clear()
    assert "как минимум 10 символов" in text
    assert "только из цифр" not in text


def test_the_captcha_is_a_cyrillic_word_spelled_aloud_by_name(client, db):
    import re

    from captcha.models import CaptchaStore

    from accounts.captcha import WORDS, spoken

    text = client.get(reverse("accounts:register_legal")).content.decode()
    key = re.search(r'src="/captcha/image/(\w+)/"', text).group(1)
    store = CaptchaStore.objects.get(hashkey=key)
    assert store.response in WORDS and store.challenge == store.response.upper()
    assert spoken("сруб") == "es, er, oo, beh"
    if 'href="/captcha/audio/' in text:
        response = client.get(f"/captcha/audio/{key}.wav")
        assert response["Content-Type"] == "audio/wav"
        assert b"".join(response.streaming_content).startswith(b"RIFF")


def test_the_confirmation_mail_waits_in_the_outbox_and_a_task_sends_it(
    client, kemerovo, gamma_contract, django_capture_on_commit_callbacks
):
    from core.models import OutboxMail

    with django_capture_on_commit_callbacks(execute=True):
        assert post_registration(client, kemerovo).status_code == 302
    row = OutboxMail.objects.get()
    assert row.name == "accounts/confirm-registration" and row.sent_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == row.to
