"""Delivery of the bank's notifications to the merchant, retried until it answers «OK»."""

import datetime as dt
import logging

import httpx
from django.db import transaction
from django.utils import timezone

from gateway.models import Notification

logger = logging.getLogger("eskk.gateway")

# Tests point this at the project in-process; None means real HTTP.
TRANSPORT: httpx.BaseTransport | None = None
TIMEOUT = 10.0
MAX_ATTEMPTS = 30


def retry_delay(attempts: int) -> dt.timedelta:
    """Backoff between attempts, as banks do: 1, 2, 4 … minutes, at most an hour."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def deliver(notification_pk: int) -> bool:
    """One attempt; True when the merchant answered «OK»."""
    with transaction.atomic():
        note = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("order")
            .filter(pk=notification_pk, delivered_at=None)
            .first()
        )
        if note is None:
            return False
        note.attempts += 1
        note.last_attempt_at = timezone.now()
        note.save(update_fields=("attempts", "last_attempt_at"))
    try:
        with httpx.Client(transport=TRANSPORT, timeout=TIMEOUT) as http:
            response = http.post(note.order.notification_url, json=note.payload)
        answer = f"{response.status_code} {response.text[:200]}"
        ok = response.status_code == 200 and response.text.strip() == "OK"
    except httpx.HTTPError as error:
        answer, ok = f"ошибка: {error.__class__.__name__}", False
    update = {"last_response": answer[:255]}
    if ok:
        update["delivered_at"] = timezone.now()
    Notification.objects.filter(pk=note.pk).update(**update)
    if not ok:
        logger.warning("notification %s not delivered: %s", note.pk, answer)
    return ok


def due(now: dt.datetime | None = None) -> list[int]:
    """Undelivered notifications whose backoff has passed, oldest first."""
    now = now or timezone.now()
    pending = Notification.objects.filter(delivered_at=None, attempts__lt=MAX_ATTEMPTS)
    return [
        note.pk
        for note in pending.only("pk", "attempts", "last_attempt_at")
        if note.last_attempt_at is None or note.last_attempt_at + retry_delay(note.attempts) <= now
    ]


def send_pending(order) -> None:
    """The immediate attempt for an order's undelivered notifications (never attempted)."""
    for pk in order.notifications.filter(delivered_at=None, attempts=0).values_list(
        "pk", flat=True
    ):
        deliver(pk)
