import time

from axes.models import AccessAttempt
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.helpers import post_login
from conftest import ALICE_PASSWORD


def test_login_page_has_the_seed_labels(client, db):
    text = client.get(reverse("accounts:login")).content.decode()
    for label in (
        "Вход в личный кабинет",
        "г. Кемерово",
        "г. Березовский",
        "Логин (номер договора)",
        "Пароль",
        "Войти",
    ):
        assert label in text


def test_it_logs_in_with_city_contract_and_password(client, alice, kemerovo):
    response = post_login(client, kemerovo, "1001", ALICE_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("billing:account")
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_wrong_password_gives_one_message_that_does_not_say_which_part(client, alice, kemerovo):
    response = post_login(client, kemerovo, "1001", "wrong-password")
    text = response.content.decode()
    assert "Неверный номер договора или пароль." in text
    assert 'value="1001"' in text
    assert "_auth_user_id" not in client.session


def test_the_same_number_in_the_other_city_is_not_alices(client, alice, berezovsky):
    response = post_login(client, berezovsky, "1001", ALICE_PASSWORD)
    assert "Неверный номер договора или пароль." in response.content.decode()


def test_logout_ends_the_session_on_the_server(client, alice, kemerovo):
    post_login(client, kemerovo, "1001", ALICE_PASSWORD)
    from django.contrib.sessions.models import Session

    assert Session.objects.count() == 1
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert Session.objects.count() == 0
    assert client.get(reverse("calculator:index")).status_code == 302


def test_after_logout_the_login_page_says_so(client, alice, kemerovo):
    post_login(client, kemerovo, "1001", ALICE_PASSWORD)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "Вы вышли из личного кабинета." in response.content.decode()


def test_a_contract_number_typed_with_latin_lookalikes_logs_in(client, berezovsky):
    """«0001c» with a Latin «c» is the demo's «0001с» (Cyrillic), as the importers read ВН/СН."""
    from conftest import make_contract, make_user

    user = make_user(make_contract(berezovsky, "0001с"), ALICE_PASSWORD)
    response = post_login(client, berezovsky, "0001c", ALICE_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_rotates_the_session_key(client, alice, kemerovo):
    client.get(reverse("accounts:login"))
    client.session["probe"] = 1
    before = client.session.session_key
    post_login(client, kemerovo, "1001", ALICE_PASSWORD)
    assert client.session.session_key != before


def test_the_login_page_links_to_password_recovery_and_registration(client, db):
    text = client.get(reverse("accounts:login")).content.decode()
    assert f'<a href="{reverse("accounts:password_reset")}">Забыли пароль?</a>' in text
    assert reverse("accounts:register") in text


def test_an_unconfirmed_account_is_told_to_confirm_its_email_with_a_resend_link(
    client, alice, kemerovo
):
    User.objects.filter(pk=alice.pk).update(is_active=False, email_confirmed_at=None)
    response = post_login(client, kemerovo, "1001", ALICE_PASSWORD)
    text = response.content.decode()
    assert "Регистрация не подтверждена" in text
    assert f'<a href="{reverse("accounts:resend")}">Отправить письмо повторно</a>' in text
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.exists()  # a right password is not a failure


def test_an_unconfirmed_account_with_a_wrong_password_gets_the_usual_message(
    client, alice, kemerovo
):
    User.objects.filter(pk=alice.pk).update(is_active=False, email_confirmed_at=None)
    text = post_login(client, kemerovo, "1001", "wrong-password").content.decode()
    assert "Неверный номер договора или пароль." in text
    assert "Регистрация не подтверждена" not in text


def test_an_account_switched_off_by_staff_is_told_to_call_the_contact_centre(
    client, alice, kemerovo
):
    User.objects.filter(pk=alice.pk).update(is_active=False, email_confirmed_at=timezone.now())
    text = post_login(client, kemerovo, "1001", ALICE_PASSWORD).content.decode()
    assert "Учетная запись отключена. Обратитесь в контактный центр: 8 800 3012 555." in text
    assert "Отправить письмо повторно</a>" not in text


def test_switching_an_account_off_ends_its_sessions(alice_client, alice):
    assert alice_client.get(reverse("accounts:settings")).status_code == 200
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert alice_client.get(reverse("accounts:settings")).status_code == 302


def test_a_stored_password_is_an_argon2_hash(alice, settings):
    """The suite hashes with MD5 for speed (conftest.py); production's hashers are Argon2,
    and PBKDF2 only to read hashes made before it."""
    from eskk_portal import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    alice.set_password(ALICE_PASSWORD)
    alice.save(update_fields=["password"])
    alice.refresh_from_db()
    assert identify_hasher(alice.password).algorithm == "argon2"
    assert alice.check_password(ALICE_PASSWORD)


def test_login_marks_the_start_of_the_session(client, alice, kemerovo):
    post_login(client, kemerovo, "1001", ALICE_PASSWORD)
    assert abs(client.session["started"] - time.time()) < 5


def test_odd_posted_values_are_form_errors_not_crashes(client, alice, kemerovo):
    for branch, number in (
        ("abc", "1001"),
        ("", "1001"),
        (kemerovo.pk, "10\x0001"),
        (kemerovo.pk, "9" * 40),
    ):
        response = client.post(
            reverse("accounts:login"),
            {"branch": branch, "contract_number": number, "password": "x"},
        )
        assert response.status_code == 200
        assert response.context["form"].errors
