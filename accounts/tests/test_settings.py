"""«Настройки»: change password (other sessions end) and change e-mail (confirmed by link)."""

import datetime as dt

import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tests.helpers import NEW_PASSWORD, link_in, post_login
from conftest import ALICE_PASSWORD


def change_password(client, old=ALICE_PASSWORD, new=NEW_PASSWORD, repeat=None):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": repeat or new},
    )


def change_email(client, new="alice.new@example.ru", password=ALICE_PASSWORD):
    return client.post(reverse("accounts:email_change"), {"new_email": new, "password": password})


def test_settings_is_a_list_of_sections_under_its_menu_entry(alice_client):
    response = alice_client.get(reverse("accounts:settings"))
    text = response.content.decode()
    assert "<h1>Настройки</h1>" in text
    assert reverse("accounts:password_change") in text and "Изменить пароль" in text
    assert reverse("accounts:email_change") in text and "alice@example.ru" in text
    assert '<a href="/cabinet/settings/" aria-current="page">Настройки</a>' in text
    sub = alice_client.get(reverse("accounts:password_change")).content.decode()
    assert '<a href="/cabinet/settings/" aria-current="page">Настройки</a>' in sub


def test_settings_pages_need_login(client, db):
    for name in ("accounts:settings", "accounts:password_change", "accounts:email_change"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_password_change_form_has_the_three_fields(alice_client):
    text = alice_client.get(reverse("accounts:password_change")).content.decode()
    for label in ("Текущий пароль", "Новый пароль", "Подтверждение нового пароля"):
        assert f"{label}:</label>" in text


def test_a_wrong_current_password_changes_nothing(alice_client, alice):
    response = change_password(alice_client, old="not-my-password")
    assert response.context["form"].errors["old_password"] == ["Текущий пароль введен неверно."]
    alice.refresh_from_db()
    assert alice.check_password(ALICE_PASSWORD)


def test_the_new_passwords_must_match(alice_client):
    response = change_password(alice_client, repeat=NEW_PASSWORD + "x")
    assert response.context["form"].errors["new_password2"] == ["Пароли не совпадают."]


def test_a_weak_new_password_is_refused_next_to_it(alice_client):
    response = change_password(alice_client, new="12345")
    errors = response.context["form"].errors["new_password1"]
    assert any("слишком короткий" in error for error in errors)


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(client, alice, kemerovo):
    other = Client()
    assert post_login(other, kemerovo, "1001", ALICE_PASSWORD).status_code == 302
    assert post_login(client, kemerovo, "1001", ALICE_PASSWORD).status_code == 302
    assert other.get(reverse("accounts:settings")).status_code == 200

    response = change_password(client)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:settings")
    assert "Пароль изменен" in client.get(reverse("accounts:settings")).content.decode()

    assert client.get(reverse("accounts:settings")).status_code == 200
    assert other.get(reverse("accounts:settings")).status_code == 302
    assert "_auth_user_id" not in other.session
    other_again = Client()
    assert post_login(other_again, kemerovo, "1001", ALICE_PASSWORD).status_code == 200
    assert post_login(other_again, kemerovo, "1001", NEW_PASSWORD).status_code == 302


def test_the_new_email_waits_for_its_link_and_the_old_one_is_told(alice_client, alice):
    response = change_email(alice_client)
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@example.ru" and alice.pending_email == "alice.new@example.ru"

    to_new, to_old = mail.outbox
    assert to_new.to == ["alice.new@example.ru"]
    assert "/cabinet/settings/email/confirm/" in to_new.body
    assert to_new.alternatives[0][1] == "text/html"
    assert to_old.to == ["alice@example.ru"]
    assert "alice.new@example.ru" in to_old.body and "/confirm/" not in to_old.body
    assert "alice.new@example.ru" in to_old.alternatives[0][0]

    page = alice_client.get(reverse("accounts:settings")).content.decode()
    assert "Ждет подтверждения: alice.new@example.ru" in page


def test_the_link_makes_the_new_email_the_accounts_and_works_once(alice_client, alice):
    change_email(alice_client)
    link = link_in(mail.outbox[0])
    response = alice_client.get(link)
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice.new@example.ru" and alice.pending_email == ""
    again = alice_client.get(link)
    assert again.status_code == 400
    assert "Эта ссылка уже использована" in again.content.decode()


def test_an_expired_email_link_changes_nothing(alice_client, alice):
    change_email(alice_client)
    link = link_in(mail.outbox[0])
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3, minutes=1)
    with time_machine.travel(later, tick=False):
        alice_client.force_login(alice)
        response = alice_client.get(link)
    assert response.status_code == 400
    assert "Срок действия ссылки истек" in response.content.decode()
    alice.refresh_from_db()
    assert alice.email == "alice@example.ru"


def test_a_newer_request_replaces_the_older_link(alice_client, alice):
    change_email(alice_client)
    first = link_in(mail.outbox[0])
    change_email(alice_client, new="alice.third@example.ru")
    assert alice_client.get(first).status_code == 400
    second = mail.outbox[2]
    assert second.to == ["alice.third@example.ru"]
    assert alice_client.get(link_in(second)).status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice.third@example.ru"


def test_another_customer_cannot_use_alices_link(alice_client, alice, bob):
    change_email(alice_client)
    link = link_in(mail.outbox[0])
    alice_client.force_login(bob)
    assert alice_client.get(link).status_code == 400
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert alice.email == "alice@example.ru" and bob.email == "bob@example.ru"


def test_the_email_change_needs_the_current_password_and_a_valid_address(alice_client, alice):
    response = change_email(alice_client, password="wrong")
    assert response.context["form"].errors["password"] == ["Текущий пароль введен неверно."]
    response = change_email(alice_client, new="not-an-address")
    assert response.context["form"].errors["new_email"] == [
        "Введите правильный адрес электронной почты, например mail@mail.ru."
    ]
    assert 'value="not-an-address"' in response.content.decode()
    response = change_email(alice_client, new="ALICE@example.ru")
    assert response.context["form"].errors["new_email"] == ["Это уже адрес вашей учетной записи."]
    assert mail.outbox == []
    assert User.objects.get(pk=alice.pk).pending_email == ""


def test_settings_lead_to_the_notification_switches(alice_client):
    from django.urls import reverse

    text = alice_client.get(reverse("accounts:settings")).content.decode()
    assert "Уведомления" in text
    assert reverse("services:notifications") in text


def test_password_and_email_changes_are_in_the_audit_log(alice_client, alice):
    from core.models import AuditEvent

    change_password(alice_client)
    change_email(alice_client, password=NEW_PASSWORD)
    alice_client.get(link_in(mail.outbox[0]))
    actions = list(AuditEvent.objects.filter(user=alice).values_list("action", flat=True))
    assert {"password.changed", "email.change_requested", "email.changed"} <= set(actions)
    assert NEW_PASSWORD not in str(list(AuditEvent.objects.values_list("details", flat=True)))


def test_at_most_five_email_change_mails_an_hour(alice_client, alice):
    """Issue 23 (Low 12): the e-mail change form is no way to flood a mailbox."""
    for n in range(5):
        assert change_email(alice_client, new=f"alice{n}@example.ru").status_code == 302
    sent = len(mail.outbox)
    response = change_email(alice_client, new="victim@example.ru")
    assert response.status_code == 200
    assert "не больше 5 раз в час" in response.content.decode()
    assert len(mail.outbox) == sent
    alice.refresh_from_db()
    assert alice.pending_email == "alice4@example.ru"
