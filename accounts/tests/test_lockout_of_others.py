"""Pen-test High 3 (issue 23): nobody locks a customer out (OWASP ASVS V6).

Alice owns contract 1001; Mallory attacks from 10.6.6.x addresses; Alice works
from 192.0.2.10.
"""

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from accounts.tests.helpers import CAPTCHA_OK
from conftest import ALICE_PASSWORD

ALICE_IP = "192.0.2.10"


def login(client, branch, number, password, ip="10.6.6.1", **extra):
    return client.post(
        reverse("accounts:login"),
        {"branch": branch.pk, "contract_number": number, "password": password, **extra},
        REMOTE_ADDR=ip,
    )


def admin_login(client, username, password, ip="10.6.6.1"):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_admin_login_posts_never_lock_the_customer_out(client, alice, kemerovo):
    for _ in range(12):
        admin_login(client, "kemerovo/1001", "wrong-password", ip=ALICE_IP)
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"admin:kemerovo/1001"}
    response = login(client, kemerovo, "1001", ALICE_PASSWORD, ip=ALICE_IP)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_customer_cannot_log_in_to_the_admin(client, alice):
    response = admin_login(client, "kemerovo/1001", ALICE_PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get().username == "admin:kemerovo/1001"


def test_staff_still_log_in_to_the_admin(client, stella):
    response = admin_login(client, "stella", "Stella-Staff-2026")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(stella.pk)


def test_ten_failures_from_one_address_lock_that_address_only(client, alice, kemerovo):
    for n in range(10):
        response = login(client, kemerovo, "1001", "wrong", **(CAPTCHA_OK if n >= 3 else {}))
    assert response.status_code == 429
    # Alice, elsewhere, is asked for the CAPTCHA (the contract is under attack) and gets in.
    refused = login(client, kemerovo, "1001", ALICE_PASSWORD, ip=ALICE_IP)
    assert refused.context["form"].errors["captcha"]
    response = login(client, kemerovo, "1001", ALICE_PASSWORD, ip=ALICE_IP, **CAPTCHA_OK)
    assert response.status_code == 302


def test_many_addresses_never_lock_the_owner_who_is_mailed_after_ten(client, alice, kemerovo):
    for n in range(15):
        response = login(client, kemerovo, "1001", "wrong", ip=f"10.6.6.{n + 1}", **CAPTCHA_OK)
        assert response.status_code == 200
    alerts = [m for m in mail.outbox if m.to == ["alice@example.ru"]]
    assert len(alerts) == 1
    assert "10 раз пытались войти с неверным паролем" in alerts[0].body
    assert "/accounts/password/reset/" in alerts[0].body
    response = login(client, kemerovo, "1001", ALICE_PASSWORD, ip=ALICE_IP, **CAPTCHA_OK)
    assert response.status_code == 302


def test_the_contract_under_attack_asks_every_address_for_the_captcha(client, alice, kemerovo):
    for n in range(3):
        login(client, kemerovo, "1001", "wrong", ip=f"10.6.6.{n + 1}")
    response = login(client, kemerovo, "1001", ALICE_PASSWORD, ip=ALICE_IP)
    assert response.context["form"].errors["captcha"] == ["Введите слово на картинке."]


def test_an_address_spraying_many_contracts_gets_the_captcha_on_every_attempt(
    client, alice, kemerovo
):
    for n in range(19):
        response = login(client, kemerovo, str(5000 + n), "Spring2026!")
        assert "captcha" not in response.context["form"].fields
    login(client, kemerovo, "5019", "Spring2026!")  # the 20th failure within the hour
    assert (
        "Введите слово на картинке"
        in client.get(reverse("accounts:login"), REMOTE_ADDR="10.6.6.1").content.decode()
    )
    response = login(client, kemerovo, "1001", ALICE_PASSWORD)
    assert response.context["form"].errors["captcha"] == ["Введите слово на картинке."]
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    assert login(client, kemerovo, "1001", ALICE_PASSWORD, ip=ALICE_IP).status_code == 302


@pytest.mark.parametrize("failures", [9])
def test_no_mail_below_ten_failures(client, alice, kemerovo, failures):
    for n in range(failures):
        login(client, kemerovo, "1001", "wrong", ip=f"10.6.6.{n + 1}", **CAPTCHA_OK)
    assert not [m for m in mail.outbox if m.to == ["alice@example.ru"]]
