"""The advance invoice bills what the penalty engine expects as the 30 % advance
(ПП 442 п. 82): one rounding, so paying the invoice exactly leaves nothing late."""

import datetime as dt
from decimal import Decimal

from billing import penalties
from billing.models import LedgerEntry
from billing.services import _operations
from documents.demo import advance_line


def test_the_invoice_total_is_the_engines_first_advance_to_the_kopeck(alice_contract):
    # 310 463 kWh × 8,4275 = 2 616 426,93 net, + 22 % НДС 575 613,92 = 3 192 040,85;
    # 30 % = 957 612,255 → 957 612,26. The old invoice rounded the kWh first: 93 139 kWh ×
    # 8,4275 = 784 928,92 + НДС 172 684,36 = 957 613,28, 1,02 руб. off the engine's figure.
    last = LedgerEntry.objects.create(
        contract=alice_contract, kind="accrual", date=dt.date(2026, 11, 30),
        period=dt.date(2026, 11, 1), doc_number="Р-11", volume_kwh=Decimal("310463"),
        amount_net=Decimal("2616426.93"), vat=Decimal("575613.92"), debit=Decimal("3192040.85"),
    )  # fmt: skip
    line = advance_line(last, dt.date(2026, 12, 1))
    due = penalties.obligations(_operations([alice_contract.pk], dt.date(2026, 12, 31))[
        alice_contract.pk], dt.date(2026, 12, 31))  # fmt: skip
    first = next(o for o in due if o.label == "Аванс 30 % за декабрь 2026")
    assert line["amount"] == first.amount == Decimal("957612.26")
    assert line["amount_net"] + line["vat"] == line["amount"]
    assert line["vat"] == Decimal("172684.18")  # 957 612,26 × 22 / 122 = 172 684,178…
