"""Background work of the core app: the mail outbox (queue `mail`)."""

from celery import shared_task
from django.core.mail import get_connection

from core import mail


@shared_task(acks_late=True)
def send_mail(pk: int) -> str:
    """Send one outbox mail; idempotent (a second delivery of the task sends nothing)."""
    return mail.deliver(pk)


@shared_task(acks_late=True)
def send_pending_mail() -> int:
    """Beat, every minute: send what a dead worker or a failed SMTP server left behind."""
    pending = mail.due()
    if pending:
        with get_connection() as connection:
            for pk in pending:
                mail.deliver(pk, connection)
    return len(pending)
