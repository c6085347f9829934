"""Background work of the services app (queue `mail`).

The notification rules run here; their mails go through the outbox (core.mail),
whose own task sends each once.
"""

from celery import shared_task

from services import notifications


@shared_task(acks_late=True)
def send_notifications() -> dict:
    """Beat, daily: every notification rule (what `manage.py send_notifications` runs).

    Idempotent: a notice already recorded in NotificationSent is skipped."""
    results = notifications.send_notifications()
    return {kind: dict(counts) for kind, counts in results.items()}
