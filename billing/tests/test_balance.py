"""The balance is the sum of the ledger to the kopeck, in Decimal, whatever the entries."""

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.ledger import account_summary, balance
from billing.models import LedgerEntry
from billing.vat import vat_amount
from core.formatting import round_money

kopecks = st.integers(min_value=1, max_value=10**11).map(lambda k: Decimal(k).scaleb(-2))
entries = st.lists(
    st.tuples(
        st.sampled_from(["accrual", "payment", "correction", "penalty"]), st.booleans(), kopecks
    ),
    max_size=30,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=entries)
def test_the_balance_equals_the_sum_of_the_entries_to_the_kopeck(alice_contract, rows):
    LedgerEntry.objects.filter(contract=alice_contract).delete()
    LedgerEntry.objects.bulk_create(
        LedgerEntry(contract=alice_contract, kind=kind, date=dt.date(2026, 11, 1),
                    debit=amount if is_debit else Decimal("0.00"),
                    credit=Decimal("0.00") if is_debit else amount)
        for kind, is_debit, amount in rows
    )  # fmt: skip
    expected = sum((-a if d else a for _, d, a in rows), Decimal("0.00"))
    assert balance(alice_contract) == expected
    summary = account_summary(alice_contract)
    assert summary["energy"] + summary["penalty"] == summary["total"] == expected
    assert isinstance(summary["total"], Decimal) and summary["total"].as_tuple().exponent == -2


def test_a_third_of_a_sum_paid_three_times_leaves_the_kopeck_it_does_not_cover(alice_contract):
    LedgerEntry.objects.create(contract=alice_contract, kind="accrual", date=dt.date(2026, 10, 31),
                               debit=Decimal("100.00"))  # fmt: skip
    for day in (1, 2, 3):
        LedgerEntry.objects.create(contract=alice_contract, kind="payment",
                                   date=dt.date(2026, 11, day), credit=Decimal("33.33"))  # fmt: skip
    assert balance(alice_contract) == Decimal("-0.01")


def test_money_rounds_half_up_to_the_kopeck():
    assert round_money(Decimal("0.005")) == Decimal("0.01")
    assert round_money(Decimal("2.675")) == Decimal("2.68")  # a float would give 2.67
    assert round_money(Decimal("-0.005")) == Decimal("-0.01")
    # НДС 22 % of 43 823,00 = 9 641,06; of 0,05 = 0,011 → 0,01; of 0,25 = 0,055 → 0,06
    assert vat_amount(Decimal("43823.00"), Decimal("22")) == Decimal("9641.06")
    assert vat_amount(Decimal("0.05"), Decimal("22")) == Decimal("0.01")
    assert vat_amount(Decimal("0.25"), Decimal("22")) == Decimal("0.06")


def test_account_summary_of_an_empty_ledger_has_no_date(alice_contract):
    assert account_summary(alice_contract) == {
        "energy": Decimal("0.00"), "penalty": Decimal("0.00"), "total": Decimal("0.00"), "as_of": None,
    }  # fmt: skip
