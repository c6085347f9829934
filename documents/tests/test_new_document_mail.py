"""A document loaded by the operators is mailed to its customer once (services' rule)."""

import datetime as dt

import time_machine
from django.core import mail

from documents.tests.factories import make_vat_invoice
from services.tests.conftest import local, run_notifications


def test_a_loaded_vat_invoice_is_mailed_to_its_customer_once(alice, alice_contract, bob):
    with time_machine.travel(local(2026, 11, 10, 8), tick=False):
        document = make_vat_invoice(alice_contract, number="777", date=dt.date(2026, 11, 10))
    for day in (10, 11):
        run_notifications(local(2026, 11, day, 9))
    [message] = [m for m in mail.outbox if "777" in m.subject]
    assert message.to == ["alice@example.ru"]
    assert "Счет-фактура № 777 от 10.11.2026" in message.subject
    assert f"/cabinet/documents/vat-invoices/{document.pk}/" in message.body
