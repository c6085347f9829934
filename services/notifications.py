"""E-mail notifications: rules decide who should hear about what, `notify` mails each once.

A rule is one function `(today, now) -> Iterable[Notice]` registered with
`@rule(kind)`; it may return a notice that was already mailed (the pipeline drops
those). `send_notifications` runs every rule and hands what is left to the
outbox; it is what `manage.py send_notifications` and the beat task run, and
running it twice on the same day mails nothing twice.

`notify` writes, in one transaction, NotificationSent(user, kind, key) (unique:
«this user was told about this») and the mail in the outbox (core.mail.queue).
A parallel run inserting the same row waits for the first and then finds it; a
rolled-back change leaves neither. Sending, retrying after a failed SMTP server
and never sending twice are the outbox's work (core.mail.deliver), not this
module's.
"""

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from billing.ledger import balance
from billing.models import LedgerEntry
from core import mail as outbox
from core.dates import month_end, month_start
from meters.models import Meter, Reading
from services.models import (
    SWITCHABLE_KINDS,
    NotificationKind,
    NotificationSent,
    StatusChange,
)

logger = logging.getLogger(__name__)

# How far back a run looks for payments, documents and status changes it has
# not yet mailed about: a missed cron day is caught up, old history is not.
LOOKBACK = dt.timedelta(days=7)
READINGS_REMINDER_DAY = 25
DEBT_DUE_DAY = 18
UNSUBSCRIBE_SALT = "services.unsubscribe"

# What `notify` did with a notice: its mail is in the outbox, it had been mailed
# already, or its mail could not be written (the next run tries again).
QUEUED, SKIPPED, FAILED = "queued", "skipped", "failed"


@dataclass(frozen=True)
class Notice:
    """One mail to one user about one thing (`key`), with what its template needs."""

    user: Any
    kind: str
    key: str
    context: dict = field(default_factory=dict, compare=False)


Rule = Callable[[dt.date, dt.datetime], Iterable[Notice]]
RULES: dict[str, Rule] = {}


def rule(kind: str) -> Callable[[Rule], Rule]:
    """Register the function that finds the notices of `kind`."""

    def register(function: Rule) -> Rule:
        RULES[kind] = function
        return function

    return register


# --- addresses and links ------------------------------------------------------


def absolute_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def unsubscribe_token(user, kind: str) -> str:
    """A signed, non-expiring token naming the user and the kind (links in old mails keep working)."""
    return signing.dumps([user.pk, str(kind)], salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, kind) from a token; BadSignature if it was not made by us."""
    user_id, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if kind not in SWITCHABLE_KINDS:
        raise signing.BadSignature("not a switchable kind")
    return int(user_id), kind


def recipients(kind: str | None = None):
    """Active contract users with an address who have not switched `kind` off."""
    users = (
        get_user_model().objects.filter(is_active=True, contract__isnull=False).exclude(email="")
    )
    if kind in SWITCHABLE_KINDS:
        # No preference row means everything is on; exclude() keeps those users.
        users = users.exclude(**{f"notification_preference__{kind}": False})
    return users


def portal_user(contract):
    """The contract's user, holding that very contract object (the mail reads both)."""
    user = contract.portal_user
    user.contract = contract
    return user


# --- the mail -----------------------------------------------------------------


def build_message(notice: Notice) -> EmailMultiAlternatives:
    """The Russian mail of a notice: subject, plain text and HTML from the template triplet."""
    user = notice.user
    context = {
        **notice.context,
        "user": user,
        "contract": user.contract,
        "portal_url": absolute_url("/"),
        "settings_url": absolute_url(reverse("services:notifications")),
        "contact_phone": settings.CONTACT_PHONE,
    }
    headers = {}
    if notice.kind in SWITCHABLE_KINDS:
        url = absolute_url(
            reverse("services:unsubscribe", args=[unsubscribe_token(user, notice.kind)])
        )
        context["unsubscribe_url"] = url
        # RFC 8058 one-click: mail clients POST to the same link.
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    name = f"services/emails/{notice.kind.replace('_', '-')}"
    subject = " ".join(render_to_string(f"{name}-subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{name}-body.txt", context),
        to=[user.email],
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"{name}-body.html", context), "text/html")
    return message


def notify(notice: Notice, now: dt.datetime | None = None) -> str:
    """Put the notice's mail in the outbox unless it was mailed already: QUEUED, SKIPPED, FAILED.

    Inside a caller's transaction the record and the mail commit or roll back with it.
    """
    try:
        message = build_message(notice)
    except Exception:
        # A template or data error: nothing is recorded, so the next run tries again.
        logger.exception(
            "notification %s %s to user %s failed", notice.kind, notice.key, notice.user.pk
        )
        return FAILED
    with transaction.atomic():
        # A parallel run inserting the same (user, kind, key) waits for ours on the
        # unique constraint, then finds this row and skips.
        record, created = NotificationSent.objects.get_or_create(
            user=notice.user,
            kind=notice.kind,
            key=notice.key,
            defaults={"created_at": now or timezone.now()},
        )
        if not created:
            return SKIPPED
        record.mail = outbox.queue(message, name=f"services/{notice.kind}")
        record.save(update_fields=["mail"])
    return QUEUED


def pending(kind: str, notices: Iterable[Notice]) -> list[Notice]:
    """The notices not mailed yet (one query for the whole batch)."""
    notices = list(notices)
    if not notices:
        return []
    done = set(
        NotificationSent.objects.filter(kind=kind, key__in={n.key for n in notices}).values_list(
            "user_id", "key"
        )
    )
    return [n for n in notices if (n.user.pk, n.key) not in done]


def send_notifications(now: dt.datetime | None = None) -> dict[str, Counter]:
    """Run every rule and queue the mail of what is due; counts of QUEUED/SKIPPED/FAILED per kind."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    results: dict[str, Counter] = {}
    for kind, find in RULES.items():
        found = list(find(today, now))
        due = pending(kind, found)
        results[kind] = Counter({QUEUED: 0, SKIPPED: len(found) - len(due), FAILED: 0})
        for notice in due:
            results[kind][notify(notice, now)] += 1
    return results


# --- the rules ------------------------------------------------------------------


@rule(NotificationKind.READINGS_REMINDER)
def readings_reminder(today: dt.date, now: dt.datetime) -> Iterable[Notice]:
    """From the 25th: contracts with a manually read meter that has no reading dated this month."""
    if today.day < READINGS_REMINDER_DAY:
        return []
    first, last = month_start(today), month_end(today)
    users = recipients(NotificationKind.READINGS_REMINDER)
    read_this_month = Reading.objects.filter(meter=OuterRef("pk"), date__range=(first, last))
    meters = (
        Meter.objects.filter(is_automatic=False, delivery_point__contract__portal_user__in=users)
        .filter(~Exists(read_this_month))
        .select_related(
            "delivery_point__contract__portal_user",
            "delivery_point__contract__branch",
            "delivery_point__contract__customer",
        )
        .order_by("delivery_point__contract_id", "number")
    )
    by_user: dict[int, tuple[Any, list]] = {}
    for meter in meters:
        user = portal_user(meter.delivery_point.contract)
        by_user.setdefault(user.pk, (user, []))[1].append(meter)
    readings_url = absolute_url(reverse("meters:readings"))
    return [
        Notice(
            user,
            NotificationKind.READINGS_REMINDER,
            f"{first:%Y-%m}",
            {"month": first, "meters": missing, "readings_url": readings_url, "last_day": last},
        )
        for user, missing in by_user.values()
    ]


@rule(NotificationKind.PAYMENT_CREDITED)
def payment_credited(today: dt.date, now: dt.datetime) -> Iterable[Notice]:
    """One mail per payment entry that appeared on the account in the last days."""
    users = recipients(NotificationKind.PAYMENT_CREDITED)
    entries = (
        LedgerEntry.objects.filter(
            kind=LedgerEntry.Kind.PAYMENT,
            created_at__gte=now - LOOKBACK,
            date__gte=today - LOOKBACK,
            contract__portal_user__in=users,
        )
        .select_related("contract__portal_user", "contract__branch", "contract__customer")
        .order_by("date", "id")
    )
    account_url = absolute_url(reverse("billing:account"))
    return [
        Notice(
            portal_user(entry.contract),
            NotificationKind.PAYMENT_CREDITED,
            f"ledger-{entry.pk}",
            {"entry": entry, "account_url": account_url},
        )
        for entry in entries
    ]


@rule(NotificationKind.OVERDUE_DEBT)
def overdue_debt(today: dt.date, now: dt.datetime) -> Iterable[Notice]:
    """After the 18th (the due date of last month's remainder): a debt on the account, once a month."""
    if today.day <= DEBT_DUE_DAY:
        return []
    key = f"{today:%Y-%m}"
    already = NotificationSent.objects.filter(kind=NotificationKind.OVERDUE_DEBT, key=key).values(
        "user_id"
    )
    users = (
        recipients(NotificationKind.OVERDUE_DEBT)
        .exclude(pk__in=already)
        .select_related("contract__branch", "contract__customer")
        .order_by("pk")
    )
    account_url = absolute_url(reverse("billing:account"))
    due_date = today.replace(day=DEBT_DUE_DAY)
    notices = []
    for user in users:
        # One aggregate per candidate; a user is no candidate again this month once mailed.
        amount = balance(user.contract, today)
        if amount < 0:
            notices.append(
                Notice(
                    user,
                    NotificationKind.OVERDUE_DEBT,
                    key,
                    {
                        "debt": -amount,
                        "due_date": due_date,
                        "on_date": today,
                        "period": month_start(today, -1),
                        "account_url": account_url,
                        "pay_url": absolute_url(reverse("payments:pay")),
                    },
                )
            )
    return notices


class IssuedDocument(Protocol):
    """What the new-document rule needs of a document (any model of the documents app)."""

    pk: Any
    contract_id: int
    issued_at: dt.datetime
    title: str

    def get_absolute_url(self) -> str: ...


# A document source: `(since, until) -> documents issued in that interval`.
DocumentSource = Callable[[dt.datetime, dt.datetime], Iterable[IssuedDocument]]


def document_sources() -> list[DocumentSource]:
    """The callables named in settings.SERVICES_DOCUMENT_SOURCES."""
    return [import_string(path) for path in settings.SERVICES_DOCUMENT_SOURCES]


@rule(NotificationKind.NEW_DOCUMENT)
def new_document(today: dt.date, now: dt.datetime) -> Iterable[Notice]:
    """One mail per document issued in the last days, from every configured source."""
    documents = [doc for source in document_sources() for doc in source(now - LOOKBACK, now)]
    if not documents:
        return []
    users = {
        user.contract_id: user
        for user in recipients(NotificationKind.NEW_DOCUMENT)
        .filter(contract_id__in={doc.contract_id for doc in documents})
        .select_related("contract__branch", "contract__customer")
    }
    return [
        Notice(
            users[doc.contract_id],
            NotificationKind.NEW_DOCUMENT,
            f"{type(doc).__name__.lower()}-{doc.pk}",
            {
                "title": doc.title,
                "issued_at": doc.issued_at,
                "document_url": absolute_url(doc.get_absolute_url()),
            },
        )
        for doc in documents
        if doc.contract_id in users
    ]


def status_change_notice(change: StatusChange) -> Notice | None:
    """The mail about a request's new status, if its contract has someone to mail."""
    service_request = change.request
    if getattr(service_request.contract, "portal_user", None) is None:
        return None
    user = portal_user(service_request.contract)
    if not user.is_active or not user.email:
        return None
    return Notice(
        user,
        NotificationKind.STATUS_CHANGED,
        f"change-{change.pk}",
        {
            "request": service_request,
            "change": change,
            "request_url": absolute_url(service_request.get_absolute_url()),
        },
    )


@rule(NotificationKind.STATUS_CHANGED)
def status_changed(today: dt.date, now: dt.datetime) -> Iterable[Notice]:
    """Status mails are queued when staff save; this catches up one that could not be written."""
    changes = (
        StatusChange.objects.filter(created_at__gte=now - LOOKBACK, is_filing=False)
        .select_related(
            "request__contract__portal_user",
            "request__contract__branch",
            "request__contract__customer",
            "request__meter",
        )
        .order_by("id")
    )
    return [notice for change in changes if (notice := status_change_notice(change))]


def notify_status_change(change: StatusChange) -> str | None:
    """Queue the customer's mail about a status change, in the change's own transaction."""
    notice = status_change_notice(change)
    return notify(notice) if notice else None
