"""Background work of the billing app (queue `imports`): penalties and admin uploads."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from billing import uploads


@shared_task(acks_late=True)
def accrue_penalties() -> None:
    """Beat, on the 1st: penalties up to the last day of the month just ended.

    One entry per contract and date (the command's rule), so a second run adds nothing.
    """
    last_day = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    call_command("accrue_penalties", date=last_day)


@shared_task(
    acks_late=True,
    soft_time_limit=settings.IMPORT_SOFT_TIME_LIMIT,
    time_limit=settings.IMPORT_TIME_LIMIT,
)
def run_upload(batch_pk: int) -> str:
    """An admin upload of a billing file (ImportBatch): see billing.uploads.run."""
    return uploads.run(batch_pk)
