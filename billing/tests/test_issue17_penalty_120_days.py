"""Issue 17 proof: the penalty of a «управляющая организация» and a «население» contract over
120 days, recomputed by hand and compared with the engine to the kopeck, through the ledger,
`penalty_report`, the booking run and the penalty page.

The contract: October 2025 billed 100 000,00 руб. (31.10.2025) and never paid; November 2025
billed 0,00 (nothing consumed), so that November's advances of ПП 442 п. 82 are nil and the
debt is the only obligation: the final payment for October, due 18.11.2025 (a Tuesday).
One key rate, 16,00 % from 01.01.2025. On 18.03.2026 the debt is late from 19.11.2025 to
18.03.2026 inclusive = 12 + 31 + 31 + 28 + 18 = 120 days.

«управляющие организации, ТСЖ, ЖСК» (35-ФЗ ст. 37 п. 2):
  days 1–60   19.11.2025–17.01.2026: 100 000 × 60 × 16 % / 300 = 960 000 / 300 = 3 200,00
  days 61–90  18.01.2026–16.02.2026: 100 000 × 30 × 16 % / 170 = 480 000 / 170 = 2 823,529… → 2 823,53
  days 91–120 17.02.2026–18.03.2026: 100 000 × 30 × 16 % / 130 = 480 000 / 130 = 3 692,307… → 3 692,31
  total 9 715,84
«население и приравненные» (ЖК РФ ст. 155 п. 14):
  days 1–30   19.11.2025–18.12.2025: nothing                                      0,00
  days 31–90  19.12.2025–16.02.2026: 100 000 × 60 × 16 % / 300 = 960 000 / 300 = 3 200,00
  days 91–120 17.02.2026–18.03.2026: 100 000 × 30 × 16 % / 130 = 480 000 / 130 = 3 692,307… → 3 692,31
  total 6 892,31
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from billing.models import KeyRate, LedgerEntry
from billing.services import penalty_report
from core.formatting import money

D = Decimal
ON = dt.date(2026, 3, 18)
DUE = dt.date(2025, 11, 18)

HAND = {
    "housing": (
        [
            (dt.date(2025, 11, 19), dt.date(2026, 1, 17), 60, "1/300", D("3200.00")),
            (dt.date(2026, 1, 18), dt.date(2026, 2, 16), 30, "1/170", D("2823.53")),
            (dt.date(2026, 2, 17), ON, 30, "1/130", D("3692.31")),
        ],
        D("9715.84"),
    ),
    "population": (
        [
            (dt.date(2025, 11, 19), dt.date(2025, 12, 18), 30, "0", D("0.00")),
            (dt.date(2025, 12, 19), dt.date(2026, 2, 16), 60, "1/300", D("3200.00")),
            (dt.date(2026, 2, 17), ON, 30, "1/130", D("3692.31")),
        ],
        D("6892.31"),
    ),
}


@pytest.fixture
def unpaid_october(alice_contract):
    KeyRate.objects.all().delete()
    KeyRate.objects.create(valid_from=dt.date(2025, 1, 1), rate=D("16.00"))
    for period, debit in ((dt.date(2025, 10, 1), "100000.00"), (dt.date(2025, 11, 1), "0.00")):
        last = (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(1)
        LedgerEntry.objects.create(
            contract=alice_contract, kind="accrual", date=last, period=period,
            doc_number=f"Р-{period:%m}", doc_date=last, debit=D(debit),
        )  # fmt: skip
    return alice_contract


def test_the_debt_is_late_120_days():
    assert (ON - DUE).days == 120


@pytest.mark.parametrize("kind", ["housing", "population"])
def test_the_engine_charges_the_hand_computed_penalty_to_the_kopeck(
    alice_client, unpaid_october, kind
):
    contract = unpaid_october
    contract.consumer_kind = kind
    contract.save(update_fields=["consumer_kind"])
    lines, total = HAND[kind]

    report = penalty_report(contract, ON)
    assert report.error == ""
    assert {line.obligation.due for line in report.lines} == {DUE}  # the one debt
    assert {(line.base, line.rate) for line in report.lines} == {(D("100000.00"), D("16.00"))}
    assert [
        (line.date_from, line.date_to, line.days, line.share, line.amount) for line in report.lines
    ] == lines
    assert report.total == total

    # The page shows that figure, and the booking run books exactly it.
    page = alice_client.get(reverse("billing:penalties"), {"on_date": ON.isoformat()})
    assert f'data-testid="calculated">{money(total)}</dd>' in page.content.decode()
    call_command("accrue_penalties", "--date", ON.strftime("%d.%m.%Y"), stdout=io.StringIO())
    booked = LedgerEntry.objects.get(contract=contract, kind="penalty")
    assert (booked.date, booked.debit) == (ON, total)
