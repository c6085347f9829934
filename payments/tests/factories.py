import uuid
from decimal import Decimal

from django.utils import timezone

from billing.models import LedgerEntry
from payments.models import Payment


def make_payment(contract, user=None, *, amount=Decimal("1500.00"), status="paid", **fields):
    """A card payment as it is after the gateway's confirmation (or in `status`)."""
    payment = Payment(contract=contract, user=user, amount=amount, status=status, **fields)
    payment.gateway_payment_id = fields.get("gateway_payment_id") or uuid.uuid4().hex[:20]
    if status == Payment.Status.PAID:
        payment.ledger_entry = LedgerEntry.objects.create(
            contract=contract,
            kind=LedgerEntry.Kind.PAYMENT,
            source=LedgerEntry.Source.CARD,
            date=timezone.localdate(),
            doc_number=payment.gateway_payment_id,
            credit=amount,
            description="Оплата картой через личный кабинет",
        )
        payment.paid_at = timezone.now()
        payment.receipt = {"RRN": "123456789012", "FiscalDocumentNumber": "10001"}
    payment.save()
    return payment
