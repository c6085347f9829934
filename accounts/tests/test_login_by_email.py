"""Login by a confirmed e-mail and password besides city + number + password (issue 19)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import ALICE_PASSWORD, MEMBER_PASSWORD


def _login(client, login, password, branch=""):
    return client.post(
        reverse("accounts:login"),
        {"branch": branch, "contract_number": login, "password": password},
    )


@pytest.fixture
def confirmed_alice(alice):
    alice.email_confirmed_at = timezone.now()
    alice.save(update_fields=["email_confirmed_at"])
    return alice


def test_the_owner_logs_in_by_confirmed_email_without_a_city(client, confirmed_alice):
    response = _login(client, "alice@example.ru", ALICE_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("billing:account")
    assert client.session["_auth_user_id"] == str(confirmed_alice.pk)


def test_an_unconfirmed_email_does_not_log_in(client, alice):
    response = _login(client, "alice@example.ru", ALICE_PASSWORD)
    assert response.status_code == 200
    assert "Неверный номер договора или пароль." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_with_an_email_is_refused(client, confirmed_alice):
    response = _login(client, "alice@example.ru", "wrong-password")
    assert "Неверный номер договора или пароль." in response.content.decode()


def test_an_engineer_logs_in_by_email_and_lands_on_the_readings(client, erin):
    response = _login(client, "erin@example.ru", MEMBER_PASSWORD)
    assert response["Location"] == reverse("meters:readings")


def test_the_city_and_number_login_still_works(client, alice, kemerovo):
    response = _login(client, "1001", ALICE_PASSWORD, branch=kemerovo.pk)
    assert response.status_code == 302
