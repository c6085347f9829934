"""A payment pays what the payer said it pays (ГК РФ ст. 319, 319.1): energy, the earliest
obligation first, unless it is stated «пени»; the penalty engine and the account agree."""

import datetime as dt
from decimal import Decimal
from functools import partial

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from billing import demo
from billing.ledger import account_summary
from billing.models import LedgerEntry
from billing.services import accrue_penalties, credit_payment, penalty_report
from core.dates import month_end

D = Decimal
HEADER = "city,contract_number,date,amount,doc_number,purpose\n"


def _october_unpaid(contract):
    LedgerEntry.objects.create(
        contract=contract, kind="accrual", date=dt.date(2026, 10, 31),
        period=dt.date(2026, 10, 1), doc_number="Р-10", debit=D("100000.00"),
    )  # fmt: skip


def test_a_payment_stated_for_penalties_leaves_the_energy_debt_and_its_penalty_as_they_were(
    alice_contract, stella
):
    _october_unpaid(alice_contract)
    on = dt.date(2026, 11, 28)
    before = penalty_report(alice_contract, on)
    credit_payment(alice_contract, D("500.00"), "п/п 1", on, user=stella, purpose="penalty")
    after = penalty_report(alice_contract, on)
    # October's 100 000 due 18.11, late 19.11 … 28.11 = 10 days:
    #   100 000 × 10 × 15,5 % / 130 = 1 192,307… → 1 192,31;
    # November's advances on October's charge: 30 000 due 10.11, late 18 days:
    #   30 000 × 18 × 15,5 % / 130 = 643,846… → 643,85; 40 000 due 25.11, late 3 days:
    #   40 000 × 3 × 15,5 % / 130 = 143,076… → 143,08. Total 1 979,24.
    assert before.total == after.total == D("1979.24")
    assert account_summary(alice_contract)["energy"] == D("-100000.00")


def test_a_payment_without_a_purpose_pays_the_earliest_energy_obligation_never_penalties(
    alice_contract, stella
):
    _october_unpaid(alice_contract)
    LedgerEntry.objects.create(
        contract=alice_contract, kind="penalty", source="system", date=dt.date(2026, 11, 27),
        debit=D("1000.00"),
    )  # fmt: skip
    credit_payment(alice_contract, D("100000.00"), "п/п 2", dt.date(2026, 11, 28), user=stella)
    summary = account_summary(alice_contract)
    assert summary["energy"] == D("0.00")
    assert summary["penalty"] == D("-1000.00")


def test_a_penalty_payment_first_books_the_penalty_calculated_to_its_day(alice_contract, stella):
    _october_unpaid(alice_contract)
    on = dt.date(2026, 11, 28)
    credit_payment(alice_contract, D("100000.00"), "п/п 3", on, user=stella)
    # Nothing booked yet; the penalty to pay is the calculation (as in the test above).
    assert penalty_report(alice_contract, on).due == D("1979.24")
    credit_payment(alice_contract, D("1979.24"), "п/п 4", on, user=stella, purpose="penalty")
    booked = LedgerEntry.objects.get(contract=alice_contract, kind="penalty")
    assert (booked.date, booked.debit) == (on, D("1979.24"))
    report = penalty_report(alice_contract, on)
    assert (report.booked, report.paid, report.due, report.not_booked) == (
        D("1979.24"), D("1979.24"), D("0.00"), D("0.00"),
    )  # fmt: skip
    assert account_summary(alice_contract) | {"as_of": None} == {
        "energy": D("0.00"), "penalty": D("0.00"), "total": D("0.00"), "as_of": None,
    }  # fmt: skip


def test_import_payments_takes_the_purpose_column(alice_contract, tmp_path):
    path = tmp_path / "payments.csv"
    path.write_text(
        HEADER
        + "Кемерово,1001,15.11.2026,1000,п/п 7,пени\n"
        + "Кемерово,1001,15.11.2026,2000,п/п 8,\n"
        + "Кемерово,1001,15.11.2026,3000,п/п 9,За электроэнергию\n",
        encoding="utf-8",
    )
    call_command("import_payments", str(path))
    purposes = dict(LedgerEntry.objects.values_list("doc_number", "purpose"))
    assert purposes == {"п/п 7": "penalty", "п/п 8": "energy", "п/п 9": "energy"}
    penalty_payment = LedgerEntry.objects.get(doc_number="п/п 7")
    assert penalty_payment.description == "Оплата пени по платежному поручению № п/п 7"


def test_import_payments_refuses_an_unknown_purpose_and_writes_nothing(
    alice_contract, tmp_path, capsys
):
    path = tmp_path / "payments.csv"
    path.write_text(
        HEADER
        + "Кемерово,1001,15.11.2026,1000,п/п 7,пени\n"
        + "Кемерово,1001,15.11.2026,2000,п/п 8,аванс\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("import_payments", str(path))
    assert f"{path}:3: purpose: «аванс» — допустимо" in capsys.readouterr().err
    assert not LedgerEntry.objects.exists()


def test_contract_2002_of_the_demo_pays_off_energy_and_penalties_and_the_account_is_clear(
    client, kemerovo, stella
):
    """The demo's largest contract: 12 months, payments late, penalties booked at the end of
    last month. Paying the two amounts «Оплатить» prefills leaves nothing owed either way."""
    from conftest import make_contract, make_user
    from meters.demo import contract_month_kwh

    contract = make_contract(kemerovo, "2002", price_category=3)
    today = timezone.localdate()
    volume_of = partial(contract_month_kwh, ("kemerovo", "2002"))
    LedgerEntry.objects.bulk_create(demo.ledger_history(contract, volume_of, 12, today))
    accrue_penalties(month_end(today, -1), contracts=[contract])
    user = make_user(contract, "Pass-2002-word")
    client.force_login(user)
    pay = client.get(reverse("payments:pay")).context["form"].initial
    penalty = client.get(reverse("payments:pay"), {"purpose": "penalty"}).context["form"]
    assert pay["purpose"] == "energy" and pay["amount"] > 0
    assert penalty.initial["amount"] > 0
    credit_payment(contract, pay["amount"], "карта 1", today, user=user, source="card")
    credit_payment(
        contract, penalty.initial["amount"], "карта 2", today, user=user, source="card",
        purpose="penalty",
    )  # fmt: skip
    summary = account_summary(contract)
    assert (summary["energy"], summary["penalty"]) == (D("0.00"), D("0.00"))
    html = client.get(reverse("billing:account")).content.decode()
    assert 'data-testid="energy">нет</dd>' in html
    assert 'data-testid="penalty">нет</dd>' in html
    assert "Переплата" not in html and 'data-testid="penalty-calculated"' not in html
