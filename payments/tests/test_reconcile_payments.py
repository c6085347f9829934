"""`manage.py reconcile_payments` settles payments stuck in «ожидает оплаты»."""

import datetime as dt
from decimal import Decimal

import httpx
import pytest
from django.core.management import call_command

from billing.models import LedgerEntry
from gateway import notifications
from payments import client
from payments.models import Payment
from payments.tests.helpers import pay_on_gateway, start

pytestmark = pytest.mark.django_db


def age(payment, minutes=30):
    Payment.objects.filter(pk=payment.pk).update(
        created_at=payment.created_at - dt.timedelta(minutes=minutes)
    )


def portal_unreachable_for_the_gateway():
    def refuse(request):
        raise httpx.ConnectError("down", request=request)

    notifications.TRANSPORT = httpx.MockTransport(refuse)


def test_a_payment_whose_notification_was_lost_is_credited_once(alice_client, capsys):
    portal_unreachable_for_the_gateway()
    payment = start(alice_client)
    pay_on_gateway(payment)
    age(payment)
    call_command("reconcile_payments")
    call_command("reconcile_payments")
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert LedgerEntry.objects.get().credit == Decimal("1500.00")
    assert "зачислен: 1" in capsys.readouterr().out


def test_rejected_and_still_open_payments_get_their_gateway_status(alice_client):
    portal_unreachable_for_the_gateway()
    declined, open_ = start(alice_client), start(alice_client, "200")
    pay_on_gateway(declined, "5555 5555 5555 4444")
    age(declined), age(open_)
    call_command("reconcile_payments")
    assert Payment.objects.get(pk=declined.pk).status == "rejected"
    assert Payment.objects.get(pk=open_.pk).status == "pending"
    assert not LedgerEntry.objects.exists()


def test_recent_payments_are_left_to_the_customer(alice_client, capsys):
    portal_unreachable_for_the_gateway()
    payment = start(alice_client)
    pay_on_gateway(payment)
    call_command("reconcile_payments")
    assert Payment.objects.get(pk=payment.pk).status == "pending"


def test_an_unreachable_gateway_fails_the_run_and_changes_nothing(alice_client, capsys):
    payment = start(alice_client)
    age(payment)

    def refuse(request):
        raise httpx.ConnectTimeout("slow", request=request)

    client.TRANSPORT = httpx.MockTransport(refuse)
    with pytest.raises(SystemExit) as exit_:
        call_command("reconcile_payments")
    assert exit_.value.code == 1
    assert Payment.objects.get().status == "pending"
    assert "шлюз недоступен" in capsys.readouterr().err


def test_an_abandoned_payment_expires_once_the_bank_says_its_link_expired(alice_client, capsys):
    from gateway.models import Order

    payment = start(alice_client)
    age(payment, minutes=30)
    call_command("reconcile_payments")
    assert Payment.objects.get(pk=payment.pk).status == "pending"  # the link still lives
    Order.objects.update(due_at=Order.objects.get().created_at)  # the bank's deadline passed
    call_command("reconcile_payments")
    assert Payment.objects.get(pk=payment.pk).status == "expired"
    assert Order.objects.get().status == "DEADLINE_EXPIRED"
    assert "срок оплаты истек: 1" in capsys.readouterr().out
    assert not LedgerEntry.objects.exists()


def test_past_the_portals_deadline_but_not_the_banks_the_payment_stays_open(alice_client):
    """The portal's clock never ends a payment: only the bank's answer does."""
    payment = start(alice_client)
    age(payment, minutes=30)
    Payment.objects.filter(pk=payment.pk).update(pay_until=payment.created_at)
    call_command("reconcile_payments")
    assert Payment.objects.get(pk=payment.pk).status == "pending"


def test_a_payment_in_3ds_at_the_deadline_may_still_be_paid(alice_client):
    from gateway.models import Order

    payment = start(alice_client)
    pay_on_gateway(payment, confirm=False)  # the card was given in time, 3-D Secure open
    Order.objects.update(due_at=Order.objects.get().created_at)
    age(payment)
    call_command("reconcile_payments")
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    from django.test import Client

    Client().post(f"/gateway/3ds/{payment.gateway_payment_id}/")
    call_command("reconcile_payments")
    assert Payment.objects.get(pk=payment.pk).status == "paid"


def test_a_start_the_bank_never_answered_ends_as_not_done(alice_client, alice_contract):
    stale = Payment.objects.create(contract=alice_contract, amount=Decimal("300.00"))
    fresh = Payment.objects.create(contract=alice_contract, amount=Decimal("400.00"))
    age(stale, minutes=20)
    call_command("reconcile_payments")
    stale.refresh_from_db(), fresh.refresh_from_db()
    assert (stale.status, stale.error_message) == ("failed", "Банк не ответил на заказ")
    assert fresh.status == "created"
