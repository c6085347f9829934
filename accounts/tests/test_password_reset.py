"""«Забыли пароль?»: city + contract number, a link to the account's e-mail, the same answer for all."""

import datetime as dt

import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.tests.helpers import CAPTCHA_OK, NEW_PASSWORD, last_link, post_login
from conftest import ALICE_PASSWORD


def ask_reset(client, branch, number):
    return client.post(
        reverse("accounts:password_reset"),
        {"branch": branch.pk, "contract_number": number, **CAPTCHA_OK},
    )


def set_password(client, link, password=NEW_PASSWORD):
    form_page = client.get(link, follow=True)
    return client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
    )


def test_the_page_asks_for_city_and_contract_number(client, db):
    text = client.get(reverse("accounts:password_reset")).content.decode()
    for label in (
        "г. Кемерово",
        "г. Березовский",
        "Логин (номер договора)",
        "Введите слово на картинке",
    ):
        assert label in text


def test_the_answer_is_the_same_whether_or_not_the_contract_exists(client, alice, kemerovo):
    known = ask_reset(client, kemerovo, "1001")
    unknown = ask_reset(client, kemerovo, "5555")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.ru"]
    page = client.get(known["Location"]).content.decode()
    assert "Если по этому договору есть личный кабинет" in page


def test_no_mail_for_an_unconfirmed_account(client, alice, kemerovo):
    User.objects.filter(pk=alice.pk).update(is_active=False, email_confirmed_at=None)
    assert ask_reset(client, kemerovo, "1001").status_code == 302
    assert mail.outbox == []


def test_the_link_sets_a_new_password_once(client, alice, kemerovo):
    ask_reset(client, kemerovo, "1001")
    link = last_link()
    message = mail.outbox[0]
    assert message.alternatives[0][1] == "text/html" and link in message.alternatives[0][0]
    response = set_password(client, link)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert post_login(client, kemerovo, "1001", NEW_PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    page = client.get(link, follow=True).content.decode()
    assert "Ссылка для смены пароля недействительна" in page


def test_an_expired_reset_link_is_refused(client, alice, kemerovo):
    # Both ends under the travelled clock: Django's reset tokens read naive local time.
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        ask_reset(client, kemerovo, "1001")
    link = last_link()
    with time_machine.travel(start + dt.timedelta(days=3, minutes=1)):
        page = client.get(link, follow=True).content.decode()
    assert "Ссылка для смены пароля недействительна" in page
    alice.refresh_from_db()
    assert alice.check_password(ALICE_PASSWORD)


def test_a_weak_new_password_is_refused(client, alice, kemerovo):
    ask_reset(client, kemerovo, "1001")
    response = set_password(client, last_link(), password="qwerty")
    assert response.status_code == 200
    errors = response.context["form"].errors["new_password1"]
    assert any("распространён" in error for error in errors)


def test_a_reset_lifts_the_lockout_of_the_contract(client, alice, kemerovo):
    for _ in range(5):
        post_login(client, kemerovo, "1001", "wrong-password", **CAPTCHA_OK)
    assert AccessAttempt.objects.exists()
    ask_reset(client, kemerovo, "1001")
    set_password(client, last_link())
    assert not AccessAttempt.objects.exists()
    assert post_login(client, kemerovo, "1001", NEW_PASSWORD).status_code == 302


def test_both_answers_queue_the_same_task_and_nothing_else(client, alice, kemerovo, monkeypatch):
    """Issue 23 (Low 7): the lookup and the mail happen in the worker, for any contract."""
    from accounts import tasks

    queued = []
    monkeypatch.setattr(tasks.send_password_reset, "delay", lambda *args: queued.append(args))
    answers = []
    for number in ("1001", "9999"):
        answers.append(
            client.post(
                reverse("accounts:password_reset"),
                {"branch": kemerovo.pk, "contract_number": number, **CAPTCHA_OK},
            )
        )
    assert [a["Location"] for a in answers] == [reverse("accounts:password_reset_done")] * 2
    assert queued == [
        (kemerovo.pk, "1001", "http://testserver/"),
        (kemerovo.pk, "9999", "http://testserver/"),
    ]
    assert mail.outbox == []
