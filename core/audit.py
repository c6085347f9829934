"""The audit trail: one function that every app calls when something worth a record happens."""

import logging

from django.http import HttpRequest

from core import clientip
from core.models import AuditEvent

logger = logging.getLogger("eskk.audit")

# Keys that must never reach the trail, whatever a caller passes.
_SECRET_KEYS = {
    "password",
    "password1",
    "password2",
    "new_password1",
    "new_password2",
    "token",
    "pan",
    "cvv",
}


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, through our own proxies only (core.clientip)."""
    return clientip.client_ip(request)


def event(action: str, *, request: HttpRequest | None = None, user=None, username: str = "",
          target: object = "", **details) -> AuditEvent:  # fmt: skip
    """The unsaved entry `record` writes: `action` like "login.failed", `target` the object."""
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    if not username and user is not None:
        username = user.get_username()
    clean = {k: str(v) for k, v in details.items() if k not in _SECRET_KEYS}
    return AuditEvent(
        user=user,
        username=username[:150],
        ip=client_ip(request),
        action=action,
        target=str(target)[:255],
        details=clean,
    )


def record(action: str, *, request: HttpRequest | None = None, user=None, username: str = "",
           target: object = "", **details) -> AuditEvent:  # fmt: skip
    """Append an event: `action` like "login.failed", `target` the object it concerns."""
    entry = event(action, request=request, user=user, username=username, target=target, **details)
    entry.save()
    logger.info(
        "%s user=%s ip=%s target=%s",
        action,
        entry.username or "-",
        entry.ip or "-",
        entry.target,
    )
    return entry


def record_many(events: list[AuditEvent]) -> list[AuditEvent]:
    """Append many events built by `event` in one INSERT: the trail of a bulk import."""
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    for action in sorted({e.action for e in events}):
        same = [e for e in events if e.action == action]
        logger.info("%s x%d user=%s", action, len(same), same[0].username or "-")
    return events
