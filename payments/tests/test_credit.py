"""A payment is credited once, when the gateway's confirmation is verified."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from billing.ledger import balance
from billing.models import LedgerEntry
from core.models import AuditEvent
from gateway.models import Order
from payments import client
from payments.models import Payment, PaymentEvent
from payments.services import apply_state
from payments.tests.helpers import paid, pay_on_gateway, start

pytestmark = pytest.mark.django_db


def notification_for(payment: Payment) -> dict:
    """What the gateway sent last for this payment (signed)."""
    order = Order.objects.get(pk=payment.gateway_payment_id)
    return order.notifications.latest("id").payload


def test_a_confirmed_payment_is_one_card_entry_in_the_ledger(alice_client, alice_contract):
    payment = paid(alice_client)
    entry = LedgerEntry.objects.get(contract=alice_contract)
    assert payment.status == Payment.Status.PAID
    assert payment.ledger_entry == entry
    assert (entry.kind, entry.source, entry.credit, entry.doc_number, entry.description) == (
        "payment", "card", Decimal("1500.00"), payment.gateway_payment_id,
        "Оплата картой через личный кабинет",
    )  # fmt: skip
    assert balance(alice_contract) == Decimal("1500.00")
    assert AuditEvent.objects.filter(action="payment.credited").count() == 1


def test_repeated_notifications_credit_once(alice_client, alice_contract):
    payment = paid(alice_client)
    message = notification_for(payment)
    for _ in range(5):
        response = alice_client.post(
            reverse("payments:notify"), message, content_type="application/json"
        )
        assert response.content == b"OK"
    assert LedgerEntry.objects.filter(contract=alice_contract).count() == 1
    assert balance(alice_contract) == Decimal("1500.00")


def test_a_notification_with_a_bad_signature_is_refused_logged_and_changes_nothing(
    client, alice_client, alice_contract, caplog
):
    payment = start(alice_client)
    Order.objects.filter(pk=payment.gateway_payment_id).update(status="CONFIRMED")
    message = {
        "TerminalKey": "ESSKDemoTerminal", "OrderId": str(payment.order_id),
        "PaymentId": payment.gateway_payment_id, "Status": "CONFIRMED",
        "Amount": 150000, "Success": True, "ErrorCode": "0", "Token": "0" * 64,
    }  # fmt: skip
    response = client.post(reverse("payments:notify"), message, content_type="application/json")
    assert response.status_code == 403
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not LedgerEntry.objects.exists()
    assert PaymentEvent.objects.filter(kind="refused").count() == 1
    assert AuditEvent.objects.filter(action="payment.notification_refused").count() == 1
    assert "bad signature" in caplog.text


def test_a_signed_notification_is_not_trusted_without_the_gateways_status(
    client, alice_client, alice_contract, settings
):
    payment = start(alice_client)
    message = {
        "TerminalKey": settings.PAYMENT_TERMINAL_KEY, "OrderId": str(payment.order_id),
        "PaymentId": payment.gateway_payment_id, "Status": "CONFIRMED",
        "Amount": 150000, "Success": True, "ErrorCode": "0",
    }  # fmt: skip
    message["Token"] = client_token = client_module_token(message)
    assert client_token
    response = client.post(reverse("payments:notify"), message, content_type="application/json")
    assert response.content == b"OK"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING  # the gateway says it is not paid
    assert not LedgerEntry.objects.exists()


def client_module_token(message: dict) -> str:
    return client.token(message)


def test_a_confirmed_amount_other_than_registered_is_flagged_not_credited(
    alice_client, alice_contract
):
    payment = start(alice_client)
    state = {
        "OrderId": str(payment.order_id), "PaymentId": payment.gateway_payment_id,
        "Status": "CONFIRMED", "Amount": 1, "Success": True, "ErrorCode": "0",
    }  # fmt: skip
    payment = apply_state(payment.pk, state)
    assert payment.needs_attention
    assert payment.status == Payment.Status.PENDING
    assert not LedgerEntry.objects.exists()
    assert AuditEvent.objects.filter(action="payment.amount_mismatch").count() == 1


def test_a_declined_card_is_rejected_and_nothing_is_credited(alice_client, alice_contract):
    payment = paid(alice_client, card="5555 5555 5555 4444")
    assert payment.status == Payment.Status.REJECTED
    assert "Недостаточно средств" in payment.error_message
    assert not LedgerEntry.objects.exists()


def test_a_failed_3ds_is_rejected_and_nothing_is_credited(alice_client, alice_contract):
    payment = paid(alice_client, card="4000 0000 0000 0002")
    assert payment.status == Payment.Status.REJECTED
    assert "3-D Secure" in payment.error_message
    assert not LedgerEntry.objects.exists()


def test_the_user_cannot_change_the_amount_after_registration(alice_client, alice_contract):
    payment = start(alice_client, "1500,00")
    # Registering the same order again for another amount is refused by the gateway.
    with pytest.raises(client.GatewayError):
        client.init(str(payment.order_id), 100, "x", "http://a/", "http://a/")
    pay_on_gateway(payment)
    payment.refresh_from_db()
    assert payment.ledger_entry.credit == Decimal("1500.00")


def test_billings_import_treats_the_credited_card_payment_as_unchanged(
    alice_client, alice_contract, tmp_path, capsys
):
    payment = paid(alice_client)
    day = payment.ledger_entry.date
    path = tmp_path / "payments.csv"
    path.write_text(
        "city,contract_number,date,amount,doc_number\n"
        f'Кемерово,1001,{day:%d.%m.%Y},"1500,00",{payment.gateway_payment_id}\n',
        encoding="utf-8",
    )
    call_command("import_payments", str(path))
    assert "без изменений: 1" in capsys.readouterr().out
    assert LedgerEntry.objects.filter(contract=alice_contract).count() == 1
    assert isinstance(day, dt.date)
