"""Run inside the portal's environment (`python -m tests.faults.portal_state …`):
prepares and reads state for the fault tests, printing JSON."""

import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eskk_portal.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User, login_name  # noqa: E402
from accounts.organisations import open_organisation  # noqa: E402
from meters.models import Meter, Reading  # noqa: E402


def sessions(count: int) -> list[dict]:
    """A logged-in session for each of the first `count` benchmark contracts, with its meter."""
    result = []
    meters = (
        Meter.objects.filter(delivery_point__contract__number__startswith="B")
        .select_related("delivery_point__contract__branch")
        .order_by("delivery_point__contract__number", "number")
    )
    seen = set()
    for meter in meters:
        contract = meter.delivery_point.contract
        if contract.pk in seen:
            continue
        seen.add(contract.pk)
        user, _ = User.objects.get_or_create(
            username=login_name(contract.branch, contract.number), defaults={"contract": contract}
        )
        open_organisation(user)  # the cabinet opens only to a member of the contract's organisation
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store["started"] = store["last_seen"] = int(time.time())
        store.create()
        last = meter.readings.order_by("-date").first()
        result.append({"cookie": store.session_key, "meter": meter.pk, "last": str(last.value)})
        if len(result) == count:
            break
    return result


def readings_today() -> dict[str, str]:
    today = timezone.localdate()
    return {
        str(m): str(v)
        for m, v in Reading.objects.filter(date=today).values_list("meter_id", "value")
    }


def meter_list() -> list[list[str]]:
    meters = Meter.objects.filter(delivery_point__contract__number__startswith="B")
    return [
        [contract, number]
        for contract, number in meters.values_list("delivery_point__contract__number", "number")
    ]


def reading_count() -> int:
    return Reading.objects.count()


CLUSTER_PASSWORD = "Cluster-Faults-2026"  # noqa: S105  # nosec B105


def cluster_customers(count: int) -> list[dict]:
    """`sessions(count)`, each customer with an e-mail, a password and one issued VAT invoice
    (every other one's PDF already rendered)."""
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.urls import reverse

    from core.dates import month_start
    from documents.models import Document
    from documents.tests.factories import make_vat_invoice

    password = make_password(CLUSTER_PASSWORD)  # one Argon2 hash for all: the prep stays quick
    today = timezone.localdate()
    period = month_start(today, -1)
    for customer in sessions(count):  # the users; their sessions die with the new password
        meter = Meter.objects.select_related("delivery_point__contract").get(pk=customer["meter"])
        User.objects.filter(contract=meter.delivery_point.contract).update(password=password)
    result = sessions(count)
    for n, customer in enumerate(result):
        meter = Meter.objects.select_related("delivery_point__contract").get(pk=customer["meter"])
        contract = meter.delivery_point.contract
        User.objects.filter(contract=contract).update(email=f"c{contract.pk}@example.ru")
        document = Document.objects.filter(contract=contract, number="CL-1").first()
        if document is None:
            document = make_vat_invoice(
                contract, number="CL-1", date=period + dt.timedelta(days=27), period=period
            )
        if n % 2:
            # Half the PDFs exist already (nginx serves them after the portal's check); the
            # other half are rendered by whichever node gets the first download.
            from documents.pdf import stored_pdf

            stored_pdf(document)
        customer.update(
            contract=contract.pk,
            email=f"c{contract.pk}@example.ru",
            password=CLUSTER_PASSWORD,
            pdf=reverse("documents:vat_invoices_pdf", args=[document.pk]),
        )
    return result


def queue_mail(count: int) -> int:
    """`count` mails of the test's own through the outbox (core.mail.queue), in one transaction."""
    from django.core.mail import EmailMultiAlternatives
    from django.db import transaction

    from core import mail

    with transaction.atomic():
        for n in range(count):
            message = EmailMultiAlternatives("Проверка", f"Письмо {n}", to=[f"probe{n}@example.ru"])
            mail.queue(message, name="faults/cluster")
    return count


def cluster_state() -> dict:
    """What the cluster test checks against what its customers were told."""
    from billing.models import LedgerEntry
    from core.models import OutboxMail
    from payments.models import Payment
    from services.models import NotificationSent

    payments = [
        {"id": p.pk, "contract": p.contract_id, "status": p.status, "amount": str(p.amount),
         "credited": str(p.ledger_entry.credit) if p.ledger_entry else None}
        for p in Payment.objects.select_related("ledger_entry")
    ]  # fmt: skip
    card_entries = LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.PAYMENT, source=LedgerEntry.Source.CARD
    )
    mails = [
        {"id": m.pk, "message_id": m.headers.get("Message-ID"), "sent": m.sent_at is not None,
         "name": m.name, "attempts": m.attempts, "to": m.to}
        for m in OutboxMail.objects.order_by("pk")
    ]  # fmt: skip
    return {
        "readings": readings_today(),
        "pending_emails": dict(
            User.objects.exclude(pending_email="").values_list("contract_id", "pending_email")
        ),
        "payments": payments,
        "card_entries": card_entries.count(),
        "card_entries_of_payments": card_entries.filter(card_payment__isnull=False).count(),
        "mails": mails,
        "notifications": NotificationSent.objects.count(),
    }


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "sessions":
        print(json.dumps(sessions(int(args[0]))))
    elif command == "readings-today":
        print(json.dumps(readings_today()))
    elif command == "meter-list":
        print(json.dumps(meter_list()))
    elif command == "reading-count":
        print(json.dumps(reading_count()))
    elif command == "cluster-customers":
        print(json.dumps(cluster_customers(int(args[0]))))
    elif command == "queue-mail":
        print(json.dumps(queue_mail(int(args[0]))))
    elif command == "cluster-state":
        print(json.dumps(cluster_state()))
