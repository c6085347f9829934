"""An entry on which a document was issued is locked: the admin and a re-import leave it alone."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from billing.models import LedgerEntry
from core.models import AuditEvent
from documents.services import issue_document

pytestmark = pytest.mark.django_db

ACCRUALS = "city;contract_number;period;doc_number;doc_date;volume_kwh;amount_net;vat;amount\n"
OCTOBER = "Кемерово;1001;2026-10;123;31.10.2026;1000,000;8427,50;1854,05;10281,55\n"
DOCUMENTS = (
    "city;contract_number;kind;number;date;period;corrects_number;corrects_date;line_no;name;"
    "quantity;price;amount_net;vat_rate;vat;amount;quantity_before;price_before;"
    "amount_net_before;vat_before;amount_before\n"
    "Кемерово;1001;vat_invoice;123;31.10.2026;2026-10;;;1;Электроэнергия;1000;8,4275;8427,50;"
    "22;1854,05;10281,55;;;;;\n"
)
LINE = {
    "line_no": 1, "name": "Электроэнергия", "quantity": Decimal("1000"),
    "price": Decimal("8.4275"), "amount_net": Decimal("8427.50"), "vat_rate": Decimal("22"),
    "vat": Decimal("1854.05"), "amount": Decimal("10281.55"),
}  # fmt: skip


def load(tmp_path, name, text, command):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    call_command(command, str(path))
    return path


def accrual(contract, number, kind="accrual"):
    return LedgerEntry.objects.create(
        contract=contract, kind=kind, date=dt.date(2026, 10, 31), period=dt.date(2026, 10, 1),
        doc_number=number, debit=Decimal("10281.55"),
    )  # fmt: skip


def issue(contract, kind, number, corrects=None):
    line = dict(LINE)
    if kind == "correction":
        line.update(quantity_before=Decimal("900"), price_before=Decimal("8.4275"),
                    amount_net_before=Decimal("7584.75"), vat_before=Decimal("1668.65"),
                    amount_before=Decimal("9253.40"))  # fmt: skip
    return issue_document(
        contract, kind, number, dt.date(2026, 10, 31), dt.date(2026, 10, 1), [line],
        corrects=corrects,
    )  # fmt: skip


def test_a_vat_invoice_locks_the_accrual_of_its_number_only(alice_contract, bob_contract):
    mine, other, elsewhere = (
        accrual(alice_contract, "123"),
        accrual(alice_contract, "124"),
        accrual(bob_contract, "123"),
    )
    issue(alice_contract, "vat_invoice", "123")
    locked = dict(LedgerEntry.objects.values_list("pk", "is_locked"))
    assert locked == {mine.pk: True, other.pk: False, elsewhere.pk: False}


def test_a_correction_locks_its_correction_entry(alice_contract):
    entry = accrual(alice_contract, "К-1", kind="correction")
    corrected = issue(alice_contract, "vat_invoice", "122")
    issue(alice_contract, "correction", "К-1", corrects=corrected)
    entry.refresh_from_db()
    assert entry.is_locked


def test_an_advance_invoice_locks_nothing(alice_contract):
    entry = accrual(alice_contract, "А-1")
    issue(alice_contract, "invoice", "А-1")
    entry.refresh_from_db()
    assert not entry.is_locked


def test_issuing_leaves_an_audit_entry(alice_contract):
    accrual(alice_contract, "123")
    document = issue(alice_contract, "vat_invoice", "123")
    event = AuditEvent.objects.get(action="document.issued")
    assert event.target == str(document)
    assert (event.details["kind"], event.details["locked_entries"]) == ("vat_invoice", "1")


def test_a_reimport_that_would_change_an_entry_with_an_issued_document_is_refused(
    alice_contract, tmp_path, capsys
):
    load(tmp_path, "accruals.csv", ACCRUALS + OCTOBER, "import_accruals")
    load(tmp_path, "documents.csv", DOCUMENTS, "import_documents")
    changed = OCTOBER.replace("1000,000", "1100,000")
    with pytest.raises(CommandError):
        path = load(tmp_path, "accruals.csv", ACCRUALS + changed, "import_accruals")
    path = tmp_path / "accruals.csv"
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{path}:2: doc_number: по начислению 123 уже выдан документ: изменить его нельзя, "
        "исправление вносится корректировкой"
    )
    assert LedgerEntry.objects.get().volume_kwh == Decimal("1000.000")


def test_the_admin_shows_an_entry_with_an_issued_document_read_only(
    client, stella, alice_contract, tmp_path
):
    load(tmp_path, "accruals.csv", ACCRUALS + OCTOBER, "import_accruals")
    load(tmp_path, "documents.csv", DOCUMENTS, "import_documents")
    entry = LedgerEntry.objects.get()
    client.force_login(stella)
    page = client.get(reverse("admin:billing_ledgerentry_change", args=[entry.pk]))
    assert 'name="debit"' not in page.content.decode()
