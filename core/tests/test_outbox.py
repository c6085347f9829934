"""The mail outbox: written with the change, sent once by a task, never lost."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from core import mail as outbox
from core import tasks
from core.models import OutboxMail

pytestmark = pytest.mark.django_db


def letter(to="alice@example.ru") -> EmailMultiAlternatives:
    message = EmailMultiAlternatives("Тема", "Текст письма", to=[to])
    message.attach_alternative("<p>Текст письма</p>", "text/html")
    return message


def test_a_queued_mail_goes_out_after_commit_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.queue(letter(), name="test")
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.subject, sent.to, sent.body) == ("Тема", ["alice@example.ru"], "Текст письма")
    assert sent.alternatives[0][0] == "<p>Текст письма</p>"
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1
    assert sent.extra_headers["Message-ID"] == row.headers["Message-ID"]


def test_a_task_delivered_twice_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.queue(letter())
    assert tasks.send_mail(row.pk) == outbox.SKIPPED
    assert tasks.send_pending_mail() == 0
    assert len(mail.outbox) == 1


def test_a_rolled_back_change_mails_nobody(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.queue(letter())
            raise RuntimeError("the change failed")
    assert not OutboxMail.objects.exists() and mail.outbox == []


def test_a_worker_killed_after_the_claim_leaves_the_mail_to_the_sweep(settings):
    """The task claimed the row and died before sending: nothing was sent, the claim ages."""
    start = timezone.now()
    row = outbox.queue(letter())
    OutboxMail.objects.filter(pk=row.pk).update(claimed_at=start, attempts=1)
    assert tasks.send_pending_mail() == 0  # the claim is fresh: maybe still sending
    later = start + settings.MAIL_CLAIM_TIMEOUT + dt.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert tasks.send_pending_mail() == 1
        assert tasks.send_pending_mail() == 0
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 2


def test_a_mail_whose_task_never_ran_is_sent_by_the_sweep():
    row = outbox.queue(letter())  # no commit callback here: the task was never queued
    assert tasks.send_pending_mail() == 0  # a fresh row is left to its own task
    with time_machine.travel(timezone.now() + outbox.SWEEP_GRACE * 2, tick=False):
        assert tasks.send_pending_mail() == 1
    assert len(mail.outbox) == 1 and OutboxMail.objects.get(pk=row.pk).sent_at


def test_a_failed_smtp_server_keeps_the_mail_for_a_later_sweep(monkeypatch, settings):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    row = outbox.queue(letter())
    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    assert outbox.deliver(row.pk) == outbox.FAILED
    row.refresh_from_db()
    assert row.sent_at is None and "SMTP down" in row.last_error
    monkeypatch.undo()
    with time_machine.travel(timezone.now() + settings.MAIL_CLAIM_TIMEOUT * 2, tick=False):
        assert tasks.send_pending_mail() == 1
    assert len(mail.outbox) == 1


def test_tasks_run_eagerly_without_redis_and_go_to_their_queues(settings):
    from eskk_portal.celery import app

    assert settings.REDIS_URL == "" and app.conf.task_always_eager
    route = app.amqp.router.route
    assert route({}, "core.tasks.send_mail")["queue"].name == "mail"
    assert route({}, "services.tasks.send_notifications")["queue"].name == "mail"
    assert route({}, "documents.tasks.render_issued_pdf")["queue"].name == "documents"
    assert route({}, "billing.tasks.run_upload")["queue"].name == "imports"
    assert route({}, "payments.tasks.reconcile_payments")["queue"].name == "imports"


def test_the_beat_schedule_holds_the_deployments_cron(settings):
    from eskk_portal.celery import app

    schedule = settings.CELERY_BEAT_SCHEDULE
    tasks_by_name = {entry["task"]: entry["schedule"] for entry in schedule.values()}
    assert tasks_by_name["payments.tasks.reconcile_payments"] == dt.timedelta(minutes=15)
    assert str(tasks_by_name["services.tasks.send_notifications"].hour) == "{7}"
    assert tasks_by_name["billing.tasks.accrue_penalties"].day_of_month == {1}
    app.loader.import_default_modules()
    for name in tasks_by_name:
        assert name in app.tasks, name
