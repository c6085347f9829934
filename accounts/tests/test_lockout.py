"""Brute force: a CAPTCHA after 3 failures of contract + IP, a 15-minute lockout after 10."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse

from accounts.tests.helpers import CAPTCHA_OK, post_login
from conftest import ALICE_PASSWORD, BOB_PASSWORD

# 10:00 in Кемерово (UTC+7).
T0 = dt.datetime.now(dt.UTC).replace(hour=3, minute=0, second=0, microsecond=0)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def fail(client, branch, number="1001", times=1, **extra):
    for _ in range(times):
        response = post_login(client, branch, number, "wrong-password", **extra)
    return response


def test_axes_counts_failures_under_the_composed_login(client, alice, kemerovo, clock):
    fail(client, kemerovo)
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "kemerovo/1001"
    assert attempt.ip_address == "127.0.0.1"
    assert attempt.failures_since_start == 1


def test_no_captcha_before_the_third_failure(client, alice, kemerovo, clock):
    response = fail(client, kemerovo, times=2)
    assert "captcha" not in response.context["form"].fields
    assert "Введите слово на картинке" not in response.content.decode()


def test_a_captcha_appears_after_three_failures(client, alice, kemerovo, clock):
    response = fail(client, kemerovo, times=3)
    assert "Введите слово на картинке" in response.content.decode()
    assert "Введите слово на картинке" in client.get(reverse("accounts:login")).content.decode()


def test_after_three_failures_the_right_password_needs_the_captcha(client, alice, kemerovo, clock):
    fail(client, kemerovo, times=3)
    response = post_login(client, kemerovo, "1001", ALICE_PASSWORD)
    assert response.context["form"].errors["captcha"] == ["Введите слово на картинке."]
    assert "_auth_user_id" not in client.session
    # Refused before the password was tried: not a fourth failure.
    assert AccessAttempt.objects.get().failures_since_start == 3
    response = post_login(client, kemerovo, "1001", ALICE_PASSWORD, **CAPTCHA_OK)
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()  # reset on success


def test_ten_failures_lock_the_pair_for_15_minutes_and_say_until_when(
    client, alice, kemerovo, clock
):
    fail(client, kemerovo, times=3)
    response = fail(client, kemerovo, times=7, **CAPTCHA_OK)
    assert response.status_code == 429
    text = response.content.decode()
    assert "Вход временно заблокирован" in text
    assert "Повторите попытку после 10:15" in text

    clock.shift(dt.timedelta(minutes=14))
    response = post_login(client, kemerovo, "1001", ALICE_PASSWORD, **CAPTCHA_OK)
    assert response.status_code == 429
    assert "Повторите попытку после 10:15" in response.content.decode()  # not pushed further
    assert "_auth_user_id" not in client.session

    clock.shift(dt.timedelta(minutes=1, seconds=1))
    response = post_login(client, kemerovo, "1001", ALICE_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("billing:account")


def test_a_locked_contract_does_not_lock_another_contract(client, alice, bob, kemerovo, clock):
    fail(client, kemerovo, times=3)
    assert fail(client, kemerovo, times=7, **CAPTCHA_OK).status_code == 429
    response = post_login(client, kemerovo, "7007", BOB_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bob.pk)


def test_the_same_number_in_the_other_city_is_another_login(
    client, alice, kemerovo, berezovsky, clock
):
    fail(client, berezovsky, times=10, **CAPTCHA_OK)
    assert AccessAttempt.objects.get().username == "berezovsky/1001"
    assert post_login(client, kemerovo, "1001", ALICE_PASSWORD).status_code == 302


def test_staff_unlock_in_the_admin_lets_the_contract_in_again(
    client, alice, stella, kemerovo, clock
):
    fail(client, kemerovo, times=3)
    fail(client, kemerovo, times=7, **CAPTCHA_OK)
    admin = client.__class__()
    admin.force_login(stella)
    changelist = reverse("admin:accounts_user_changelist")
    assert "заблокирован до 10:15" in admin.get(changelist).content.decode()
    response = admin.post(changelist, {"action": "unlock_login", "_selected_action": [alice.pk]})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert post_login(client, kemerovo, "1001", ALICE_PASSWORD).status_code == 302
