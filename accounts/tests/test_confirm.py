import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.helpers import CAPTCHA_OK, last_link, post_registration
from conftest import make_contract

# Close to the real clock: the tests that do not travel read the links "now".
START = dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture
def registered(client, kemerovo):
    """ООО «Гамма» has just registered contract 3003: inactive, one e-mail sent."""
    contract = make_contract(
        kemerovo, "3003", inn="4205000016", name="ООО «Гамма»", email="gamma@example.ru"
    )
    with time_machine.travel(START, tick=False):
        assert post_registration(client, kemerovo).status_code == 302
    return User.objects.get(contract=contract)


def resend(client, branch, number):
    return client.post(
        reverse("accounts:resend"),
        {"branch": branch.pk, "contract_number": number, **CAPTCHA_OK},
    )


def test_the_link_activates_the_account_and_logs_in(client, registered):
    link = last_link()
    with time_machine.travel(START + dt.timedelta(days=2, hours=23), tick=False):
        response = client.get(link)
        assert response.status_code == 302
        assert response["Location"] == reverse("billing:account")
        assert client.session["_auth_user_id"] == str(registered.pk)
    registered.refresh_from_db()
    assert registered.is_active and registered.email_confirmed_at is not None


def test_an_expired_link_says_so_and_offers_a_new_one(client, registered):
    link = last_link()
    with time_machine.travel(START + dt.timedelta(days=3, minutes=1), tick=False):
        response = client.get(link)
    text = response.content.decode()
    assert response.status_code == 400
    assert "Срок действия ссылки истек" in text
    assert f'href="{reverse("accounts:resend")}"' in text and "Отправить письмо повторно" in text
    registered.refresh_from_db()
    assert not registered.is_active
    assert "_auth_user_id" not in client.session


def test_a_used_link_says_so_and_does_not_log_in_again(client, registered):
    link = last_link()
    client.get(link)
    client.post(reverse("accounts:logout"))
    response = client.get(link)
    assert response.status_code == 400
    assert "Эта ссылка уже использована." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_mangled_link_is_invalid(client, registered):
    link = last_link()
    response = client.get(link[:-6] + "zzzzz/")
    assert response.status_code == 400
    assert "Ссылка недействительна" in response.content.decode()


def test_resend_mails_a_new_link_that_works(client, registered, kemerovo):
    response = resend(client, kemerovo, "3003")
    assert response.status_code == 302
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["gamma@example.ru"]
    client.get(last_link())
    registered.refresh_from_db()
    assert registered.is_active


def test_after_72_hours_resend_mails_nothing_and_a_new_registration_starts_again(
    client, registered, kemerovo
):
    later = START + dt.timedelta(hours=72, minutes=1)
    with time_machine.travel(later, tick=False):
        resend(client, kemerovo, "3003")
        assert len(mail.outbox) == 1
        assert post_registration(client, kemerovo).status_code == 302
    with time_machine.travel(later + dt.timedelta(days=2), tick=False):
        assert client.get(last_link()).status_code == 302
    registered.refresh_from_db()
    assert registered.is_active


def test_resend_answers_the_same_whether_or_not_the_registration_exists(
    client, registered, kemerovo, alice
):
    waiting = resend(client, kemerovo, "3003")
    unknown = resend(client, kemerovo, "5555")
    confirmed = resend(client, kemerovo, "1001")
    assert waiting["Location"] == unknown["Location"] == confirmed["Location"]
    assert len(mail.outbox) == 2  # the registration's own and one resend, nothing for the others
    page = client.get(waiting["Location"]).content.decode()
    assert "Если регистрация по этому договору ждет подтверждения" in page


def test_resend_needs_the_captcha(client, registered, kemerovo):
    response = client.post(
        reverse("accounts:resend"),
        {"branch": kemerovo.pk, "contract_number": "3003", "captcha_0": "k", "captcha_1": "no"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["captcha"]
    assert len(mail.outbox) == 1


def test_an_account_staff_switched_off_is_not_switched_on_by_a_link(client, registered, kemerovo):
    link = last_link()
    client.get(link)
    User.objects.filter(pk=registered.pk).update(is_active=False)
    resend(client, kemerovo, "3003")
    assert len(mail.outbox) == 1
    client.post(reverse("accounts:logout"))
    assert client.get(link).status_code == 400
    registered.refresh_from_db()
    assert not registered.is_active


def test_the_registration_survives_a_dead_mail_server_and_the_mail_can_be_asked_again(
    client, kemerovo, settings
):
    contract = make_contract(kemerovo, "3003", inn="4205000016", email="gamma@example.ru")
    backend = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    assert post_registration(client, kemerovo).status_code == 302
    assert mail.outbox == []
    settings.EMAIL_BACKEND = backend
    resend(client, kemerovo, "3003")
    client.get(last_link())
    user = User.objects.get(contract=contract)
    assert user.is_active and user.email_confirmed_at <= timezone.now()
