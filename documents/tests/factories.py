"""Issued documents for tests, built the way the import builds them."""

import datetime as dt
from decimal import Decimal

from billing.vat import vat_amount, vat_rate_for
from core.formatting import round_money
from documents.models import Document
from documents.services import issue_document


def line(line_no, quantity, price, period, name="Электроэнергия", before=None):
    """A line whose sums agree; `before` = (quantity, price) makes it a correction's line."""
    quantity, price = Decimal(quantity), Decimal(price)
    rate = vat_rate_for(period)
    net = round_money(quantity * price)
    vat = vat_amount(net, rate)
    values = {"line_no": line_no, "name": name, "quantity": quantity, "price": price,
              "amount_net": net, "vat_rate": rate, "vat": vat, "amount": net + vat}  # fmt: skip
    if before is not None:
        old = line(line_no, before[0], before[1], period)
        values.update(
            {
                f"{key}_before": old[key]
                for key in ("quantity", "price", "amount_net", "vat", "amount")
            }
        )
    return values


def make_document(
    contract, kind, number, date, period, quantities=(("1000", "8.4275"),), corrects=None
):
    lines = [
        line(n, q, p, period, before=b[0] if b else None)
        for n, (q, p, *b) in enumerate(quantities, start=1)
    ]
    return issue_document(contract, kind, number, date, period, lines, corrects=corrects)


def make_vat_invoice(
    contract, number="123", date=dt.date(2026, 10, 31), period=dt.date(2026, 10, 1), **kw
):
    return make_document(contract, Document.Kind.VAT_INVOICE, number, date, period, **kw)


def make_invoice(
    contract, number="А-1", date=dt.date(2026, 10, 1), period=dt.date(2026, 10, 1), **kw
):
    return make_document(contract, Document.Kind.INVOICE, number, date, period, **kw)


def make_correction(
    contract, corrected, number="К-1", date=dt.date(2026, 11, 10), after=("1120", "8.4275")
):
    source = corrected.lines.get(line_no=1)
    return make_document(
        contract, Document.Kind.CORRECTION, number, date, corrected.period,
        quantities=((after[0], after[1], (source.quantity, source.price)),), corrects=corrected,
    )  # fmt: skip
