"""Demo card payments of contract 1001: one declined, one canceled.

No paid one: the demo ledger's balance is billing's (the unpaid last month); a
paid card payment is made through the demo gateway with the test cards.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from billing.models import Contract
from payments.models import Payment

DEMO_PAYMENTS = (
    ("DEMO-0002", Decimal("2500.00"), Payment.Status.REJECTED, 12, "Недостаточно средств на карте"),
    ("DEMO-0003", Decimal("1000.00"), Payment.Status.CANCELED, 5, "Оплата отменена покупателем"),
)


def seed(ctx: dict, stdout) -> None:
    contract = Contract.objects.filter(branch__code="kemerovo", number="1001").first()
    if contract is None:
        return
    created = 0
    for reference, amount, status, days_ago, message in DEMO_PAYMENTS:
        if Payment.objects.filter(gateway_payment_id=reference).exists():
            continue
        moment = timezone.now() - dt.timedelta(days=days_ago)
        payment = Payment(
            contract=contract,
            amount=amount,
            status=status,
            gateway_payment_id=reference,
            gateway_status="REJECTED" if status == Payment.Status.REJECTED else "CANCELED",
            error_message=message,
        )
        payment.save()
        Payment.objects.filter(pk=payment.pk).update(created_at=moment)
        created += 1
    stdout.write(f"Платежи картой (демо): создано {created}.")
