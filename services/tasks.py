"""Background work of the services app: notification mail (queue `mail`).

Both tasks are idempotent through NotificationSent (services.notifications):
a notice is claimed with a conditional UPDATE before its mail goes out.
"""

from celery import shared_task

from services import notifications
from services.models import StatusChange


@shared_task(acks_late=True)
def send_notifications() -> dict:
    """Beat, daily: every notification rule (what `manage.py send_notifications` runs)."""
    results = notifications.send_notifications()
    return {kind: dict(counts) for kind, counts in results.items()}


@shared_task(acks_late=True)
def notify_status_change(change_pk: int) -> str | None:
    """The mail about a request's new status; the daily run catches up a failed one."""
    change = (
        StatusChange.objects.select_related(
            "request__contract__portal_user",
            "request__contract__branch",
            "request__contract__customer",
            "request__meter",
        )
        .filter(pk=change_pk)
        .first()
    )
    return notifications.notify_status_change(change) if change else None
