"""The unsubscribe link of every notification works without logging in."""

import re

from django.core import mail
from django.core.signing import BadSignature
from django.urls import reverse

from services.models import NotificationPreference
from services.notifications import read_unsubscribe_token, unsubscribe_token
from services.tests.conftest import local, run_notifications


def test_the_link_in_a_mail_switches_off_that_kind_without_login(client, alice, alice_meter):
    run_notifications(local(2026, 11, 25))
    [message] = mail.outbox
    url = re.search(r"http://127\.0\.0\.1:8000(/cabinet/services/unsubscribe/\S+/)", message.body)[
        1
    ]
    html, _ = message.alternatives[0]
    assert url in html
    assert message.extra_headers["List-Unsubscribe"] == f"<http://127.0.0.1:8000{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Больше не присылать письма «Напоминание о передаче показаний»?" in text
    assert not NotificationPreference.objects.exists()  # a GET (a mail scanner) changes nothing

    done = client.post(url)
    assert (
        "Вы отписались от уведомлений «Напоминание о передаче показаний»" in done.content.decode()
    )
    preference = NotificationPreference.objects.get(user=alice)
    assert preference.readings_reminder is False
    assert preference.payment_credited and preference.overdue_debt and preference.new_document


def test_a_mail_client_one_click_post_works_without_a_csrf_token(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = reverse("services:unsubscribe", args=[unsubscribe_token(alice, "overdue_debt")])
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=alice).overdue_debt is False


def test_after_unsubscribing_that_kind_is_no_longer_sent(client, alice, alice_meter):
    client.post(
        reverse("services:unsubscribe", args=[unsubscribe_token(alice, "readings_reminder")])
    )
    run_notifications(local(2026, 11, 25))
    assert mail.outbox == []


def test_a_tampered_token_is_a_404(client, alice, bob):
    token = unsubscribe_token(alice, "payment_credited")
    forged = token.replace(
        token.split(":")[0], unsubscribe_token(bob, "payment_credited").split(":")[0]
    )
    assert client.post(reverse("services:unsubscribe", args=[forged])).status_code == 404
    assert client.get(reverse("services:unsubscribe", args=["nonsense"])).status_code == 404
    assert not NotificationPreference.objects.exists()


def test_a_token_names_one_user_and_one_switchable_kind(alice):
    assert read_unsubscribe_token(unsubscribe_token(alice, "new_document")) == (
        alice.pk,
        "new_document",
    )
    status_token = unsubscribe_token(alice, "status_changed")
    try:
        read_unsubscribe_token(status_token)
    except BadSignature:
        pass
    else:
        raise AssertionError("status mails cannot be unsubscribed from")


def test_status_mails_carry_no_unsubscribe_link(
    question_request, stella, django_capture_on_commit_callbacks
):
    from services.workflow import change_status

    with django_capture_on_commit_callbacks(execute=True):
        change_status(question_request, "done", "Готово.", stella)
    [message] = mail.outbox
    assert "unsubscribe" not in message.body
    assert "List-Unsubscribe" not in message.extra_headers
