import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from billing.ledger import energy_and_penalty_balances
from billing.models import KeyRate, LedgerEntry


def october_unpaid(contract):
    LedgerEntry.objects.create(
        contract=contract, kind="accrual", date=dt.date(2026, 10, 31), period=dt.date(2026, 10, 1),
        doc_number="Р-10", debit=Decimal("120000.00"),
    )  # fmt: skip


def accrue(day, *args):
    call_command("accrue_penalties", "--date", day, *args)


def test_it_books_the_penalty_on_the_date_and_a_second_run_adds_nothing(
    alice_contract, bob_contract, capsys
):
    # October 120 000,00 unpaid; on 27.11.2026 at 15,5 %:
    #   final 120 000 due 18.11: 9 days → 1 287,69
    #   November advance 30 % = 36 000 due 10.11: 17 days → 729,69
    #   November advance 40 % = 48 000 due 25.11: 2 days → 114,46        total 2 131,84
    october_unpaid(alice_contract)
    accrue("27.11.2026")
    entry = LedgerEntry.objects.get(kind="penalty")
    assert (entry.contract, entry.date, entry.debit, entry.source) == (
        alice_contract, dt.date(2026, 11, 27), Decimal("2131.84"), "system",
    )  # fmt: skip
    assert "создано 1" in capsys.readouterr().out
    accrue("2026-11-27")
    assert LedgerEntry.objects.filter(kind="penalty").count() == 1
    assert "создано 0, изменено 0, без изменений 1" in capsys.readouterr().out
    assert energy_and_penalty_balances(alice_contract)["penalty"] == Decimal("-2131.84")


def test_a_later_run_books_only_the_difference(alice_contract):
    october_unpaid(alice_contract)
    accrue("20.11.2026")
    accrue("27.11.2026")
    assert energy_and_penalty_balances(alice_contract)["penalty"] == Decimal("-2131.84")
    assert LedgerEntry.objects.filter(kind="penalty").count() == 2


def test_a_lower_key_rate_recalculates_the_unpaid_debt_downwards(alice_contract):
    october_unpaid(alice_contract)
    accrue("26.11.2026")
    KeyRate.objects.create(valid_from=dt.date(2026, 11, 27), rate=Decimal("10.00"))
    accrue("27.11.2026")
    last = LedgerEntry.objects.filter(kind="penalty").order_by("date").last()
    assert last.credit > 0 and "Перерасчет" in last.description
    # 120 000 × 9 + 36 000 × 17 + 48 000 × 2 at 10 %: 830,77 + 470,77 + 73,85 = 1 375,39
    assert energy_and_penalty_balances(alice_contract)["penalty"] == Decimal("-1375.39")


def test_a_payment_imported_late_corrects_the_booked_penalty_of_that_date(alice_contract):
    october_unpaid(alice_contract)
    accrue("27.11.2026")
    LedgerEntry.objects.create(
        contract=alice_contract, kind="payment", date=dt.date(2026, 11, 10), credit=Decimal("36000"),
        doc_number="п/п 1",
    )  # fmt: skip
    accrue("27.11.2026")
    # the 30 % advance was paid on time: only 1 287,69 + 114,46 remain
    assert LedgerEntry.objects.filter(kind="penalty").count() == 1
    assert LedgerEntry.objects.get(kind="penalty").debit == Decimal("1402.15")


def test_an_earlier_date_than_a_booked_run_is_skipped(alice_contract, capsys):
    october_unpaid(alice_contract)
    accrue("27.11.2026")
    accrue("20.11.2026")
    assert LedgerEntry.objects.filter(kind="penalty").count() == 1
    assert "пропущено 1" in capsys.readouterr().out


def test_dry_run_and_a_future_date(alice_contract):
    october_unpaid(alice_contract)
    accrue("27.11.2026", "--dry-run")
    assert not LedgerEntry.objects.filter(kind="penalty").exists()
    with pytest.raises(CommandError, match="еще не наступила"):
        accrue("01.01.2099")


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_book_the_penalty_once(alice_contract):
    """Two operators start the same run together: the row lock and the unique key hold."""
    import threading

    from django.db import connection, connections

    from conftest import in_ci

    if connection.vendor != "postgresql":
        if in_ci():
            pytest.fail("concurrency must be tested on PostgreSQL in CI")
        pytest.skip("needs PostgreSQL row locks")
    from billing.services import accrue_penalties

    october_unpaid(alice_contract)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            accrue_penalties(dt.date(2026, 11, 27))
        except Exception as error:  # the test reports whatever a thread met
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert LedgerEntry.objects.filter(kind="penalty").count() == 1
    assert energy_and_penalty_balances(alice_contract)["penalty"] == Decimal("-2131.84")


def test_a_run_leaves_one_audit_entry_with_its_counts_and_a_dry_run_none(alice_contract):
    from core.models import AuditEvent

    october_unpaid(alice_contract)
    accrue("27.11.2026", "--dry-run")
    assert not AuditEvent.objects.filter(action="penalties.accrued").exists()
    accrue("27.11.2026")
    event = AuditEvent.objects.get(action="penalties.accrued")
    assert event.target == "27.11.2026"
    assert (event.details["created"], event.details["contracts"]) == ("1", "1")
    assert event.username
