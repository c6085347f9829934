"""The demo documents agree with the demo ledger to the kopeck."""

import pytest
from django.core.management import call_command

from billing.ledger import balance
from billing.models import Contract, LedgerEntry
from documents.models import Document

pytestmark = pytest.mark.usefixtures("demo_once")  # conftest: the demo, seeded once


def test_each_demo_vat_invoice_says_what_the_ledger_charged(db):
    invoices = Document.objects.filter(kind="vat_invoice").select_related("contract")
    assert invoices.count() == 15  # three months of each of the five demo contracts
    for invoice in invoices:
        accrual = LedgerEntry.objects.get(contract=invoice.contract, kind="accrual",
                                          doc_number=invoice.number)  # fmt: skip
        assert (invoice.amount_net, invoice.vat, invoice.amount, invoice.period) == (
            accrual.amount_net,
            accrual.vat,
            accrual.debit,
            accrual.period,
        )
        line = invoice.lines.get()
        assert line.amount_net + line.vat == line.amount == invoice.amount


def test_the_demo_correction_is_charged_and_paid_in_the_ledger(db):
    correction = Document.objects.get(kind="correction")
    contract = Contract.objects.get(number="1001")
    assert correction.contract == contract and correction.corrects.kind == "vat_invoice"
    charged = LedgerEntry.objects.get(
        contract=contract, kind="correction", doc_number=correction.number
    )
    assert charged.debit == correction.amount > 0
    last = LedgerEntry.objects.filter(contract=contract, kind="accrual").order_by("-period").first()
    assert balance(contract) == -last.debit


def test_seeding_twice_adds_no_documents(db):
    counts = (Document.objects.count(), LedgerEntry.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert (Document.objects.count(), LedgerEntry.objects.count()) == counts
