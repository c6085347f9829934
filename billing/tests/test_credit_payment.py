"""Money enters the ledger one way: billing.services.credit_payment, whatever the door."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from billing.ledger import balance
from billing.models import LedgerEntry
from billing.services import credit_payment
from core.models import AuditEvent
from payments.tests.helpers import paid

pytestmark = pytest.mark.django_db


def credited_trace(entry: LedgerEntry) -> AuditEvent:
    return AuditEvent.objects.get(action="payment.credited", target=str(entry))


def test_it_credits_the_contract_and_leaves_an_audit_entry(alice_contract, stella):
    entry = credit_payment(
        alice_contract, Decimal("250.00"), "п/п 7", dt.date(2026, 11, 3), user=stella
    )
    assert (entry.kind, entry.source, entry.credit, entry.doc_number, entry.created_by) == (
        "payment", "staff", Decimal("250.00"), "п/п 7", stella,
    )  # fmt: skip
    assert entry.description == "Оплата по платежному поручению № п/п 7"
    assert balance(alice_contract) == Decimal("250.00")
    event = credited_trace(entry)
    assert event.user == stella
    assert event.details == {
        "contract": str(alice_contract.pk), "amount": "250.00", "reference": "п/п 7",
        "source": "staff", "purpose": "energy",
    }  # fmt: skip


def test_it_refuses_a_zero_amount_and_writes_nothing(alice_contract, stella):
    with pytest.raises(ValidationError):
        credit_payment(alice_contract, Decimal("0"), "п/п 8", dt.date(2026, 11, 3), user=stella)
    assert not LedgerEntry.objects.exists() and not AuditEvent.objects.exists()


def test_a_card_payment_leaves_the_same_trace_with_the_payer(alice_client, alice, alice_contract):
    payment = paid(alice_client)
    event = credited_trace(payment.ledger_entry)
    assert (event.user, event.details["source"], event.details["amount"]) == (
        alice, "card", "1500.00",
    )  # fmt: skip


def test_a_bank_import_leaves_the_same_trace_for_each_payment(alice_contract, tmp_path):
    path = tmp_path / "payments.csv"
    path.write_text(
        "city,contract_number,date,amount,doc_number\n"
        "Кемерово,1001,15.11.2026,100,п/п 1\n"
        "Кемерово,1001,16.11.2026,200,п/п 2\n",
        encoding="utf-8",
    )
    call_command("import_payments", str(path))
    entries = LedgerEntry.objects.order_by("date")
    assert [e.import_batch_id is not None for e in entries] == [True, True]
    assert [credited_trace(e).details["source"] for e in entries] == ["import", "import"]


def test_a_payment_added_by_staff_in_the_admin_goes_through_it(client, stella, alice_contract):
    client.force_login(stella)
    response = client.post(
        reverse("admin:billing_ledgerentry_add"),
        {"contract": alice_contract.pk, "kind": "payment", "date": "02.11.2026",
         "doc_number": "п/п 44", "debit": "0", "credit": "300.00", "description": "", "purpose": "energy"},
    )  # fmt: skip
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(doc_number="п/п 44")
    assert response["Location"].endswith("/admin/billing/ledgerentry/")
    assert (entry.source, entry.created_by, entry.credit) == ("staff", stella, Decimal("300.00"))
    assert credited_trace(entry).user == stella
