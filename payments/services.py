"""Card payments: registering with the gateway and crediting the account exactly once."""

import datetime as dt
import json
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from billing import vat
from billing.models import Contract, LedgerEntry
from billing.services import credit_payment
from core import audit, clientip, jsonbody
from payments import client
from payments.models import Payment, PaymentEvent

logger = logging.getLogger("eskk.payments")

MIN_AMOUNT = Decimal("100.00")
MAX_AMOUNT = Decimal("10000000.00")
DESCRIPTION = "Оплата картой через личный кабинет"


def description(purpose: str) -> str:
    """What the order and its ledger entry say: «Оплата пени …» when it pays penalties."""
    if purpose == LedgerEntry.Purpose.PENALTY:
        return "Оплата пени картой через личный кабинет"
    return DESCRIPTION


# The gateway's status → the portal's. DEADLINE_EXPIRED is the bank's own word that
# its page expired unpaid: the only way a payment becomes «срок оплаты истек».
STATUSES = {
    "NEW": Payment.Status.PENDING,
    "FORM_SHOWED": Payment.Status.PENDING,
    "3DS_CHECKING": Payment.Status.PENDING,
    "3DS_CHECKED": Payment.Status.PENDING,
    "AUTHORIZING": Payment.Status.PENDING,
    "AUTHORIZED": Payment.Status.PENDING,
    "CONFIRMING": Payment.Status.PENDING,
    "CONFIRMED": Payment.Status.PAID,
    "REJECTED": Payment.Status.REJECTED,
    "AUTH_FAIL": Payment.Status.REJECTED,
    "CANCELED": Payment.Status.CANCELED,
    "REVERSED": Payment.Status.CANCELED,
    "DEADLINE_EXPIRED": Payment.Status.EXPIRED,
}

# Why a start that never reached the bank's page failed, as the payer reads it.
START_FAILED = {
    client.GatewayUnavailable: "Платежный сервис был недоступен",
    client.GatewayError: "Банк не принял заказ",
}
# A «создан» row older than this never got the bank's answer (the process died
# between the row and Init): reconcile_payments ends it.
STALE_START = dt.timedelta(minutes=15)


def start_payment(
    request: HttpRequest,
    contract: Contract,
    amount: Decimal,
    purpose: str = LedgerEntry.Purpose.ENERGY,
) -> Payment:
    """Register the order with the gateway; the browser then goes to `payment.payment_url`.

    `purpose` (energy or penalties, as the payer chose) travels with the payment into
    the ledger when the gateway confirms it. The bank's page lives until
    `pay_until` (PAYMENT_LINK_LIFETIME, sent as RedirectDueDate).

    Raises client.GatewayUnavailable / GatewayError; the payment is then «не состоялся»
    with the reason (never charged: the payer never reached the card page) and is kept
    for the record, never left «создан» as if it were still open.
    """
    payment = Payment.objects.create(
        contract=contract,
        user=request.user,
        amount=amount,
        purpose=purpose,
        pay_until=timezone.now() + settings.PAYMENT_LINK_LIFETIME,
    )
    audit.record("payment.created", request=request, target=payment, amount=amount, purpose=purpose)
    back = request.build_absolute_uri(reverse("payments:result", args=[payment.pk]))
    try:
        registration = client.init(
            str(payment.order_id),
            payment.amount_kopecks,
            f"{description(purpose)}, договор № {contract.number}",
            back,
            back,
            request=request,
            pay_until=payment.pay_until,
        )
    except (client.GatewayUnavailable, client.GatewayError) as error:
        fail_start(payment, START_FAILED[type(error)], str(error), request=request)
        raise
    payment.gateway_payment_id = registration.payment_id
    payment.payment_url = registration.payment_url
    payment.gateway_status = registration.status
    payment.status = Payment.Status.PENDING
    payment.save(
        update_fields=(
            "gateway_payment_id", "payment_url", "gateway_status", "status", "updated_at"
        )
    )  # fmt: skip
    PaymentEvent.objects.create(
        payment=payment,
        kind=PaymentEvent.Kind.REGISTER,
        message=registration.raw,
        old_status=Payment.Status.CREATED,
        new_status=Payment.Status.PENDING,
    )
    return payment


@transaction.atomic
def fail_start(
    payment: Payment, reason: str, detail: str = "", request: HttpRequest | None = None
) -> Payment:
    """A start that got no order from the bank ends «не состоялся», with `reason` for the
    payer and `detail` (the gateway's error) for staff. Only a «создан» payment: one the
    bank answered for is settled by the bank's word alone."""
    payment = Payment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
    if payment.status != Payment.Status.CREATED:
        return payment
    payment.status = Payment.Status.FAILED
    payment.error_message = reason[:255]
    payment.save(update_fields=("status", "error_message", "updated_at"))
    PaymentEvent.objects.create(payment=payment, kind=PaymentEvent.Kind.REGISTER, note=detail[:255])
    _event(payment, Payment.Status.CREATED, Payment.Status.FAILED, reason)
    audit.record("payment.failed", request=request, target=payment, reason=reason, detail=detail)
    return payment


def fail_stale_starts(now: dt.datetime | None = None) -> int:
    """«создан» rows older than STALE_START (the bank never answered the start): «не
    состоялся». Returns how many."""
    cutoff = (now or timezone.now()) - STALE_START
    stale = Payment.objects.filter(status=Payment.Status.CREATED, created_at__lte=cutoff)
    ended = 0
    for payment in stale.order_by("id").iterator():
        if fail_start(payment, "Банк не ответил на заказ", "stale start").status == (
            Payment.Status.FAILED
        ):
            ended += 1
    return ended


def cancel_payment(payment: Payment, request: HttpRequest | None = None) -> Payment:
    """«Отменить»: the bank cancels the unpaid order, and its answer sets the status.

    Nothing is marked «отменен» on the portal's word alone: a payment the bank has
    meanwhile confirmed is credited instead, one that expired or was declined gets that
    state (a refused Cancel is followed by GetState). No lock is held while the bank is
    asked (its notification of the cancel comes back to this portal meanwhile).
    Raises client.GatewayUnavailable: then nothing changed.
    """
    if payment.status != Payment.Status.PENDING or payment.gateway_payment_id is None:
        return payment
    try:
        answer = client.cancel(payment.gateway_payment_id, request)
    except client.GatewayError as error:
        PaymentEvent.objects.create(
            payment=payment, kind=PaymentEvent.Kind.CANCEL, note=str(error)[:255]
        )
        payment = settle(payment, request=request)
    else:
        PaymentEvent.objects.create(payment=payment, kind=PaymentEvent.Kind.CANCEL, message=answer)
        payment = apply_state(payment.pk, answer, request=request)
    audit.record(
        "payment.canceled"
        if payment.status == Payment.Status.CANCELED
        else "payment.cancel_refused",
        request=request,
        target=payment,
        status=payment.status,
    )
    return payment


@dataclass(frozen=True)
class ReceiptVat:
    """«в том числе НДС» of a receipt: the rate (percent) and the amount, or none."""

    rate: Decimal | None
    amount: Decimal | None

    @property
    def rate_text(self) -> str:
        return vat.rate_text(self.rate) if self.rate is not None else ""


def receipt_vat(payment: Payment) -> ReceiptVat:
    """The НДС inside a credited card payment, for its receipt.

    Energy: billing's rate for the day the money was received (`billing.vat`), as the
    tax on money received ahead of the month's VAT invoice is reckoned at receipt; the
    VAT invoice of the supply, not this receipt, carries the rate of the month it
    settles. Penalties are not a sale (НК РФ ст. 146): «без НДС».
    """
    if payment.purpose == LedgerEntry.Purpose.PENALTY:
        return ReceiptVat(None, None)
    day = timezone.localdate(payment.paid_at or payment.created_at)
    rate = vat.vat_rate_for(day)
    return ReceiptVat(rate, vat.vat_included(payment.amount, rate))


def handle_notification(message, request: HttpRequest | None = None) -> bool:
    """A notification POSTed by the gateway. False: refused (bad signature), nothing changed.

    The message itself is only a hint: the status is re-read from the gateway
    before anything is credited.
    """
    if not isinstance(message, dict) or not client.verify(message):
        safe = client.without_card_data(message) if isinstance(message, dict) else {}
        body = json.dumps(safe, ensure_ascii=False, default=str).encode()
        refuse_notification(request, body, "bad signature", target=_find(safe))
        return False
    payment = _find(message)
    if payment is None:
        logger.warning("notification for an unknown order %s", message.get("OrderId"))
        return True
    PaymentEvent.objects.create(
        payment=payment,
        kind=PaymentEvent.Kind.NOTIFICATION,
        message=client.without_card_data(message),
    )
    settle(payment, request=request)
    return True


def refuse_notification(
    request: HttpRequest | None, body: bytes, reason: str, target: Payment | None = None
) -> None:
    """A refused notification: its first 2 KB and the sender's address, never the whole body
    (a forged 2.5 MB body was stored whole, issue 23)."""
    ip = clientip.client_ip(request)
    PaymentEvent.objects.create(
        kind=PaymentEvent.Kind.REFUSED,
        payment=target,
        message={"excerpt": jsonbody.excerpt(body), "ip": ip},
        note=reason[:255],
    )
    audit.record(
        "payment.notification_refused", request=request, target=target or "", reason=reason
    )
    logger.warning("notification refused from %s: %s", ip or "-", reason)


def _find(message: dict) -> Payment | None:
    order_id, payment_id = message.get("OrderId"), message.get("PaymentId")
    if not isinstance(order_id, str) or payment_id is None:
        return None
    try:
        return Payment.objects.get(order_id=order_id, gateway_payment_id=str(payment_id))
    except (Payment.DoesNotExist, ValidationError):
        return None


def settle(payment: Payment, request: HttpRequest | None = None) -> Payment:
    """Ask the gateway for the payment's status and apply it. Raises GatewayUnavailable."""
    if payment.gateway_payment_id is None:
        return payment
    state = client.get_state(payment.gateway_payment_id, request)
    PaymentEvent.objects.create(payment=payment, kind=PaymentEvent.Kind.STATE, message=state)
    return apply_state(payment.pk, state, request=request)


@transaction.atomic
def apply_state(payment_pk: int, state: dict, request: HttpRequest | None = None) -> Payment:
    """Where money moves: a verified CONFIRMED state credits the ledger, once.

    The row lock serialises concurrent notifications; the unique link to the
    ledger entry and the unique gateway id stand behind it.
    """
    payment = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("contract", "user")
        .get(pk=payment_pk)
    )
    if payment.status == Payment.Status.PAID:
        return payment  # already credited: a repeated or late confirmation
    if state.get("OrderId") != str(payment.order_id) or str(state.get("PaymentId")) != (
        payment.gateway_payment_id
    ):
        logger.warning("state of another payment for %s", payment.pk)
        return payment
    gateway_status = str(state.get("Status", ""))
    new_status = STATUSES.get(gateway_status, payment.status)
    old_status = payment.status
    payment.gateway_status = gateway_status
    payment.error_message = str(state.get("Message", ""))[:255]
    if new_status == Payment.Status.PAID:
        if state.get("Amount") != payment.amount_kopecks:
            if not payment.needs_attention:
                payment.needs_attention = True
                _event(payment, old_status, old_status, "сумма подтверждения не равна сумме заказа")
                audit.record(
                    "payment.amount_mismatch",
                    request=request,
                    target=payment,
                    registered=payment.amount_kopecks,
                    confirmed=state.get("Amount"),
                )
            payment.save(update_fields=("gateway_status", "error_message", "needs_attention"))
            return payment
        _credit(payment, state, request)
    elif new_status != old_status:
        payment.status = new_status
    payment.save()
    if payment.status != old_status:
        _event(payment, old_status, payment.status, "")
    return payment


def _credit(payment: Payment, state: dict, request: HttpRequest | None) -> None:
    now = timezone.now()
    payment.ledger_entry = credit_payment(
        payment.contract,
        payment.amount,
        payment.gateway_payment_id,
        timezone.localdate(now),
        user=payment.user,
        source=LedgerEntry.Source.CARD,
        description=description(payment.purpose),
        purpose=payment.purpose,
        request=request,
    )
    payment.status = Payment.Status.PAID
    payment.paid_at = now
    payment.receipt = {
        key: state.get(key, "")
        for key in (
            "RRN", "AuthCode", "FiscalDocumentNumber", "FiscalDocumentAttribute",
            "FnNumber", "ConfirmedAt",
        )
    }  # fmt: skip


def _event(payment: Payment, old: str, new: str, note: str) -> None:
    PaymentEvent.objects.create(
        payment=payment, kind=PaymentEvent.Kind.STATUS, old_status=old, new_status=new, note=note
    )
