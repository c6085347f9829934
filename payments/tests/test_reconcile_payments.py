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
    assert "оплачен: 1" in capsys.readouterr().out


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


def test_an_abandoned_payment_becomes_canceled_once_its_link_expires(alice_client, settings):
    from gateway.models import Order

    payment = start(alice_client)
    age(payment, minutes=60)
    call_command("reconcile_payments")
    assert Payment.objects.get(pk=payment.pk).status == "pending"  # the link still lives
    Order.objects.update(
        created_at=Order.objects.get().created_at - settings.GATEWAY_ORDER_LIFETIME
    )
    call_command("reconcile_payments")
    assert Payment.objects.get(pk=payment.pk).status == "canceled"
    assert Order.objects.get().status == "DEADLINE_EXPIRED"
    assert not LedgerEntry.objects.exists()
