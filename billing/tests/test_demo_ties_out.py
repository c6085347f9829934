"""Demo data that ties out: the penalty the demo books equals the penalty calculated at the
booking date (issue 17, «Demo data that ties out»)."""

import datetime as dt
import io

from billing import demo
from billing.models import Contract, LedgerEntry
from billing.services import penalty_report
from core.dates import month_end


def test_the_booked_penalty_is_the_calculated_penalty_at_the_booking_date(db):
    demo.seed({}, io.StringIO())
    booked_on = month_end(dt.date.today(), -1)  # the demo's own «today»
    for number in ("2002", "0001с"):
        contract = Contract.objects.get(number=number)
        assert LedgerEntry.objects.filter(
            contract=contract, kind="penalty", date=booked_on
        ).exists()
        report = penalty_report(contract, booked_on)
        assert report.error == ""
        assert report.booked == report.total > 0
