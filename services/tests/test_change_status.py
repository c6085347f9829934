"""Staff move a request through its statuses; each change is in the history and mailed."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from services.models import NotificationSent, StatusChange
from services.workflow import change_status


def test_a_status_change_writes_the_history_and_mails_the_customer(
    question_request, stella, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        change = change_status(question_request, "in_progress", "Передано специалисту.", stella)
    question_request.refresh_from_db()
    assert question_request.status == "in_progress"
    assert change.changed_by == stella and change.comment == "Передано специалисту."
    assert list(question_request.history.values_list("status", flat=True)) == [
        "accepted",
        "in_progress",
    ]
    [message] = mail.outbox
    assert message.to == ["alice@example.ru"]
    assert message.subject == f"Заявка № {question_request.number}: в работе"
    assert "Передано специалисту." in message.body
    assert f"/cabinet/services/requests/{question_request.pk}/" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html" and "Передано специалисту." in html
    assert NotificationSent.objects.get(kind="status_changed").mail.sent_at is not None


def test_nothing_is_mailed_before_the_change_is_committed(
    question_request, stella, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        change_status(question_request, "done", "Готово.", stella)
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_setting_the_same_status_again_is_refused(question_request, stella):
    with pytest.raises(ValidationError, match="уже в статусе «принята»"):
        change_status(question_request, "accepted", "", stella)
    assert question_request.history.count() == 1


def test_an_unknown_status_is_refused(question_request, stella):
    with pytest.raises(ValidationError):
        change_status(question_request, "lost", "", stella)


def test_staff_change_the_status_in_the_admin_with_a_comment(
    client, stella, question_request, django_capture_on_commit_callbacks
):
    client.force_login(stella)
    url = reverse("admin:services_servicerequest_change", args=[question_request.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Почему сумма выросла?" in page.content.decode()
    form = {
        "new_status": "rejected",
        "status_comment": "Сумма верна: тариф вырос с 1 июля.",
        "history-TOTAL_FORMS": "1",
        "history-INITIAL_FORMS": "1",
        "history-0-id": str(question_request.history.get().pk),
        "history-0-request": str(question_request.pk),
        "attachments-TOTAL_FORMS": "1",
        "attachments-INITIAL_FORMS": "1",
        "attachments-0-id": str(question_request.attachments.get().pk),
        "attachments-0-request": str(question_request.pk),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    question_request.refresh_from_db()
    assert question_request.status == "rejected"
    last = StatusChange.objects.filter(request=question_request).last()
    assert (last.status, last.comment, last.changed_by) == (
        "rejected",
        "Сумма верна: тариф вырос с 1 июля.",
        stella,
    )
    [message] = mail.outbox
    assert "отклонена" in message.subject and "тариф вырос" in message.body


def test_the_admin_asks_for_a_comment_when_rejecting(client, stella, question_request):
    client.force_login(stella)
    url = reverse("admin:services_servicerequest_change", args=[question_request.pk])
    response = client.post(
        url,
        {
            "new_status": "rejected",
            "status_comment": "",
            "history-TOTAL_FORMS": "0",
            "history-INITIAL_FORMS": "0",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Напишите потребителю" in response.content.decode()
    question_request.refresh_from_db()
    assert question_request.status == "accepted"


def test_a_mail_server_that_is_down_delays_the_status_mail_and_it_goes_out_once(
    question_request, stella, django_capture_on_commit_callbacks, monkeypatch, settings
):
    """The change commits whatever SMTP does; the outbox's sweep sends the mail later."""
    import time_machine
    from django.core.mail import EmailMultiAlternatives
    from django.utils import timezone

    from core import tasks
    from services.tests.conftest import run_notifications

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        change_status(question_request, "in_progress", "", stella)
    question_request.refresh_from_db()
    assert question_request.status == "in_progress"
    record = NotificationSent.objects.select_related("mail").get(kind="status_changed")
    assert record.mail.sent_at is None and "SMTP down" in record.mail.last_error
    monkeypatch.undo()
    assert run_notifications()["status_changed"]["queued"] == 0  # recorded: not queued again
    with time_machine.travel(timezone.now() + settings.MAIL_CLAIM_TIMEOUT * 2, tick=False):
        assert tasks.send_pending_mail() == 1
    [message] = mail.outbox
    assert message.subject == f"Заявка № {question_request.number}: в работе"
    record.mail.refresh_from_db()
    assert record.mail.sent_at is not None and record.mail.attempts == 2
