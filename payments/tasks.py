"""Background work of the payments app (queue `imports`)."""

from celery import shared_task
from django.core.management import call_command


@shared_task(acks_late=True)
def reconcile_payments() -> None:
    """Beat, every 15 minutes: `manage.py reconcile_payments` (settling is idempotent)."""
    try:
        call_command("reconcile_payments")
    except SystemExit as exit_:
        # The command exits 1 when the gateway was unreachable: the next run retries.
        if exit_.code:
            raise RuntimeError("reconcile_payments: the gateway was unreachable") from None
