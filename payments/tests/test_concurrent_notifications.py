"""Twenty copies of the confirmation arriving at the same moment credit the account once.

Needs PostgreSQL (row locks across real connections): skipped on SQLite on a
laptop, a failure in CI.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import Client

from billing.ledger import balance
from billing.models import LedgerEntry
from conftest import in_ci
from gateway.models import Order
from payments.models import Payment
from payments.tests.helpers import pay_on_gateway, start

COPIES = 20


@pytest.fixture
def postgresql(db):
    if connection.vendor != "postgresql":
        if in_ci():
            pytest.fail("the concurrency test must run on PostgreSQL in CI")
        pytest.skip("row locks across connections need PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_duplicate_notifications_credit_once(
    postgresql, alice_client, alice_contract
):
    payment = start(alice_client)
    pay_on_gateway(payment)
    # Forget the credit the first notification made, as if it had never arrived.
    Payment.objects.filter(pk=payment.pk).update(status="pending", ledger_entry=None)
    LedgerEntry.objects.all().delete()
    message = Order.objects.get(pk=payment.gateway_payment_id).notifications.get().payload

    start_line = threading.Barrier(COPIES)
    answers, errors = [], []

    def notify():
        try:
            start_line.wait()
            response = Client().post(
                "/cabinet/payments/notify/", message, content_type="application/json"
            )
            answers.append(response.content)
        except Exception as error:  # reported below, with the thread's context gone
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=notify) for _ in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert answers == [b"OK"] * COPIES
    assert LedgerEntry.objects.filter(contract=alice_contract).count() == 1
    assert balance(alice_contract) == Decimal("1500.00")
    assert Payment.objects.get().status == "paid"
