"""`manage.py send_notifications`: a summary per kind; non-zero exit when a mail failed."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import TestCase

from services.tests.conftest import local


def run(moment):
    out = StringIO()
    with time_machine.travel(moment, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_notifications", stdout=out)
    return out.getvalue()


def test_the_command_reports_what_it_sent_and_twice_a_day_sends_nothing_twice(alice, alice_meter):
    first = run(local(2026, 11, 25, 9))
    assert (
        "Напоминание о передаче показаний: в очереди на отправку 1, уже отправлялось 0, ошибок 0"
        in first
    )
    second = run(local(2026, 11, 25, 18))
    assert "Напоминание о передаче показаний: в очереди на отправку 0, уже отправлялось 1" in second
    assert len(mail.outbox) == 1


def test_the_command_exits_non_zero_when_a_mail_could_not_be_written(
    alice, alice_meter, monkeypatch
):
    from services import notifications

    def broken(*args, **kwargs):
        raise ValueError("template broken")

    monkeypatch.setattr(notifications, "render_to_string", broken)
    with pytest.raises(CommandError, match="Не подготовлено писем: 1"):
        run(local(2026, 11, 25, 9))


def test_a_mail_server_that_is_down_does_not_fail_the_command(alice, alice_meter, monkeypatch):
    """The mail waits in the outbox (core.mail retries it); the run itself succeeded."""
    from django.core.mail import EmailMultiAlternatives

    from core.models import OutboxMail

    def refuse(*args, **kwargs):
        raise OSError("no route to host")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    assert "ошибок 0" in run(local(2026, 11, 25, 9))
    assert OutboxMail.objects.get().last_error == "OSError: no route to host"


def test_the_mail_is_russian_with_text_and_html_parts(alice, alice_meter):
    run(local(2026, 11, 25, 9))
    message = mail.outbox[0].message()
    assert message.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in message.get_payload()]
    assert parts == ["text/plain", "text/html"]
    assert "Здравствуйте!" in mail.outbox[0].body
    assert "Договор № 1001 (Кемерово)" in mail.outbox[0].body
    assert dt.date(2026, 11, 30).strftime("%d.%m.%Y") in mail.outbox[0].body
