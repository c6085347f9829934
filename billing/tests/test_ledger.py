import datetime as dt
from decimal import Decimal

from billing.ledger import balance, balance_before, energy_and_penalty_balances
from billing.models import LedgerEntry


def entry(contract, kind, day, debit="0", credit="0"):
    return LedgerEntry.objects.create(
        contract=contract, kind=kind, date=day, debit=Decimal(debit), credit=Decimal(credit)
    )


def test_balance_is_credit_minus_debit_to_the_kopeck(alice_contract, bob_contract):
    entry(alice_contract, "accrual", dt.date(2026, 9, 30), debit="10000.10")
    entry(alice_contract, "payment", dt.date(2026, 10, 15), credit="3333.33")
    entry(alice_contract, "payment", dt.date(2026, 10, 16), credit="3333.34")
    entry(bob_contract, "payment", dt.date(2026, 10, 16), credit="999.99")
    assert balance(alice_contract) == Decimal("-3333.43")
    assert balance(alice_contract, dt.date(2026, 10, 15)) == Decimal("-6666.77")
    assert balance_before(alice_contract, dt.date(2026, 10, 15)) == Decimal("-10000.10")


def test_penalties_are_kept_apart_from_energy(alice_contract):
    entry(alice_contract, "accrual", dt.date(2026, 9, 30), debit="500.00")
    entry(alice_contract, "penalty", dt.date(2026, 10, 31), debit="12.34")
    figures = energy_and_penalty_balances(alice_contract)
    assert figures == {"energy": Decimal("-500.00"), "penalty": Decimal("-12.34")}
    assert balance(alice_contract) == Decimal("-512.34")


def test_an_empty_ledger_balances_to_zero(alice_contract):
    assert balance(alice_contract) == Decimal("0.00")
