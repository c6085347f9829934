"""Issue 17 proof, «Demo data that ties out»: after the whole `seed_demo` (every app's demo,
in its order), each penalty the demo booked equals `billing.penalties`' calculation at its
booking date, for every demo contract and every booking date; a contract the demo books
nothing for is shown its calculation as «еще не начисленные», never as booked."""

import io

from django.core.management import call_command
from django.db.models import Sum

from billing.models import Contract, LedgerEntry
from billing.services import penalty_report


def test_every_booked_penalty_of_the_demo_is_the_calculation_at_its_booking_date(db):
    call_command("seed_demo", stdout=io.StringIO())
    checked = []
    for contract in Contract.objects.order_by("number"):
        penalties = LedgerEntry.objects.filter(contract=contract, kind=LedgerEntry.Kind.PENALTY)
        for day in sorted(set(penalties.values_list("date", flat=True))):
            report = penalty_report(contract, day)
            assert report.error == ""
            sums = penalties.filter(date__lte=day).aggregate(
                debit=Sum("debit"), credit=Sum("credit")
            )
            assert report.booked == sums["debit"] - sums["credit"]
            assert (contract.number, day, report.booked) == (contract.number, day, report.total)
            checked.append(contract.number)
    assert "2002" in checked  # the demo's largest contract has its penalties booked
