"""The portal's outgoing mail: an outbox row per message, sent by a Celery task.

`queue(message)` stores the message in the current transaction and, once that
commits, hands its id to `core.tasks.send_mail` (queue `mail`, acks_late). The
task calls `deliver`: it claims the row with a conditional UPDATE, sends it and
marks it sent, so a task delivered twice sends once. A worker killed after the
claim leaves the row claimed; `core.tasks.send_pending_mail` (beat, every
minute) sends it again once the claim is MAIL_CLAIM_TIMEOUT old. The one
window left is a kill between the SMTP server's «250 OK» and the UPDATE: that
mail may go out twice, with the same Message-ID (SMTP has no idempotency).
"""

import datetime as dt
import logging
import sys

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.core.mail.message import make_msgid
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.models import OutboxMail

logger = logging.getLogger(__name__)

SENT, SKIPPED, FAILED = "sent", "skipped", "failed"
# The sweep leaves a fresh row to the task queued with it.
SWEEP_GRACE = dt.timedelta(seconds=30)
MAX_ATTEMPTS = 50


class FileAndConsoleBackend(FileBackend):
    """Development mail: each message is kept as a file under var/mail/ and echoed."""

    def write_message(self, message):
        super().write_message(message)
        sys.stdout.write(message.message().as_string() + "\n" + "-" * 79 + "\n")
        sys.stdout.flush()


def queue(message: EmailMultiAlternatives, name: str = "") -> OutboxMail:
    """Keep the message in the outbox with the current transaction; send it after commit."""
    from core import tasks

    headers = {"Message-ID": make_msgid(domain="eskk.ru"), **message.extra_headers}
    html = next((body for body, kind in message.alternatives if kind == "text/html"), "")
    mail = OutboxMail.objects.create(
        name=name[:64],
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(message.to),
        subject=message.subject[:255],
        body=message.body,
        html=html,
        headers=headers,
    )
    transaction.on_commit(lambda: tasks.send_mail.delay(mail.pk))
    return mail


def message_of(mail: OutboxMail, connection=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        mail.subject,
        mail.body,
        mail.from_email,
        mail.to,
        headers=mail.headers,
        connection=connection,
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    return message


def deliver(pk: int, connection=None) -> str:
    """Send one outbox mail unless it is sent or being sent: SENT, SKIPPED or FAILED."""
    now = timezone.now()
    claimed = (
        OutboxMail.objects.filter(pk=pk, sent_at=None)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=now - settings.MAIL_CLAIM_TIMEOUT))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return SKIPPED
    mail = OutboxMail.objects.get(pk=pk)
    try:
        message_of(mail, connection).send()
    except Exception as error:
        # The claim stays: the sweep tries again once it is old (the backoff).
        logger.exception("mail %s (%s) to %s failed", pk, mail.name, mail.to)
        OutboxMail.objects.filter(pk=pk).update(last_error=f"{type(error).__name__}: {error}"[:500])
        return FAILED
    OutboxMail.objects.filter(pk=pk).update(sent_at=timezone.now(), last_error="")
    return SENT


def due(now=None) -> list[int]:
    """Unsent mail whose task never ran or whose claim has expired, oldest first."""
    now = now or timezone.now()
    unsent = OutboxMail.objects.filter(sent_at=None, attempts__lt=MAX_ATTEMPTS)
    never_tried = Q(claimed_at=None, created_at__lt=now - SWEEP_GRACE)
    expired = Q(claimed_at__lt=now - settings.MAIL_CLAIM_TIMEOUT)
    return list(unsent.filter(never_tried | expired).order_by("id").values_list("pk", flat=True))
