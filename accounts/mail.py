"""The portal's account e-mails: a subject, a text part and an HTML part per message.

Templates are triplets under templates/accounts/emails/:
`<name>-subject.txt`, `<name>-body.txt`, `<name>-body.html`.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from core import mail as outbox


def render(name: str, context: dict) -> EmailMultiAlternatives:
    context = {"contact_phone": settings.CONTACT_PHONE, **context}
    subject = render_to_string(f"accounts/emails/{name}-subject.txt", context)
    text = render_to_string(f"accounts/emails/{name}-body.txt", context)
    html = render_to_string(f"accounts/emails/{name}-body.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[context["to"]])
    message.attach_alternative(html, "text/html")
    return message


def send_after_commit(name: str, to: str, context: dict) -> None:
    """Put the mail in the outbox (core.mail): it is sent once the transaction has
    committed, by a task; a rolled-back change mails nobody, a mail server that is
    down delays the letter and does not undo the change."""
    outbox.queue(render(name, {**context, "to": to}), name=f"accounts/{name}")
