"""«Уведомления по e-mail»: each notification switchable, all on by default."""

from django.urls import reverse

from services.models import NotificationPreference

URL = reverse("services:notifications")


def test_every_notification_is_on_until_switched_off(alice_client, alice):
    text = alice_client.get(URL).content.decode()
    for label in (
        "Напоминание о передаче показаний",
        "Выставлен новый документ",
        "Платеж зачислен на лицевой счет",
        "Задолженность после срока оплаты",
    ):
        assert label in text
    assert text.count("checked") == 4
    assert "alice@example.ru" in text


def test_unchecking_a_box_switches_that_notification_off(alice_client, alice):
    response = alice_client.post(
        URL, {"readings_reminder": "on", "new_document": "on", "overdue_debt": "on"}, follow=True
    )
    assert "Настройки уведомлений сохранены." in response.content.decode()
    preference = NotificationPreference.objects.get(user=alice)
    assert preference.payment_credited is False
    assert preference.readings_reminder and preference.new_document and preference.overdue_debt
    assert alice_client.get(URL).content.decode().count("checked") == 3


def test_each_user_has_their_own_settings(alice_client, alice, bob):
    alice_client.post(URL, {})
    assert NotificationPreference.objects.get(user=alice).overdue_debt is False
    assert not NotificationPreference.objects.filter(user=bob).exists()


def test_the_settings_page_needs_login(client, db):
    assert client.get(URL)["Location"].startswith(reverse("accounts:login"))
