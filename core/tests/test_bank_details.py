"""The supplier's bank details are checked at start-up (the Bank of Russia's control key)."""

from core.bank import bank_details_errors
from core.tests.test_settings import production, start

BIK = "043207612"
CORR = "30101810200000000612"


def test_the_default_account_passes_the_control_key():
    # «612» + 40702810926020100733 weighted 7, 1, 3 … sums to a multiple of 10.
    assert bank_details_errors(BIK, "40702810926020100733", CORR) == []


def test_a_wrong_key_digit_is_found():
    # The demo's former default: its 9th digit (the key) 6 should be 9.
    errors = bank_details_errors(BIK, "40702810626020100733", CORR)
    assert errors == [
        "расчетный счет 40702810626020100733 не сходится по контрольному ключу с БИК 043207612"
    ]


def test_a_wrong_correspondent_account_and_bad_lengths_are_found():
    assert "корреспондентский счет" in bank_details_errors(BIK, "40702810926020100733",
                                                           "30101810200000000613")[0]  # fmt: skip
    assert bank_details_errors("04320761", "1", CORR) == [
        "БИК «04320761» должен состоять из 9 цифр"
    ]


def test_production_refuses_to_start_on_a_failed_key():
    result = start(**production(SUPPLIER_BANK_ACCOUNT="40702810626020100733"))
    assert result.returncode != 0
    assert "не сходится по контрольному ключу" in result.stderr


def test_production_starts_with_the_default_details():
    result = start(**production())
    assert result.returncode == 0, result.stderr
