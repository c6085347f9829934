"""The portal's account e-mails: a subject, a text part and an HTML part per message.

Templates are triplets under templates/accounts/emails/:
`<name>-subject.txt`, `<name>-body.txt`, `<name>-body.html`.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def render(name: str, context: dict) -> EmailMultiAlternatives:
    context = {"contact_phone": settings.CONTACT_PHONE, **context}
    subject = render_to_string(f"accounts/emails/{name}-subject.txt", context)
    text = render_to_string(f"accounts/emails/{name}-body.txt", context)
    html = render_to_string(f"accounts/emails/{name}-body.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[context["to"]])
    message.attach_alternative(html, "text/html")
    return message


def send_after_commit(name: str, to: str, context: dict) -> None:
    """Send once the transaction has committed: a rolled-back change mails nobody.

    A mail server that is down is logged and does not undo the change; the
    person can ask for the letter again.
    """
    message = render(name, {**context, "to": to})

    def deliver() -> None:
        try:
            message.send()
        except (smtplib.SMTPException, OSError):
            logger.exception("accounts: could not send %r to %s", name, to)

    transaction.on_commit(deliver)
