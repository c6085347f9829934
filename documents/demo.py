"""Demo documents of the demo contracts, built from the demo ledger so the figures agree.

For each demo contract: the VAT invoices of the last three months of supply
(the ledger's accruals, to the kopeck) and an advance invoice for the current
month; contract 1001 also gets a correction of the VAT invoice of three months
ago (an extra charge for 120 kWh after a meter check), with its ledger entry
and the payment that settled it.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from billing.models import LedgerEntry
from billing.penalties import FIRST_ADVANCE, advance_amount
from billing.vat import vat_amount, vat_included, vat_rate_for
from core.dates import month_start
from core.formatting import month_label, round_money
from documents.models import Document
from documents.services import issue_document

VAT_INVOICE_MONTHS = 3
KWH = Decimal("0.001")
SCALE_DOCUMENTS = 300  # for the largest contract (2002) in the benchmark data
CORRECTION_EXTRA_KWH = Decimal("120")


def energy_line(line_no: int, name: str, quantity: Decimal, period: dt.date, price) -> dict:
    net = round_money(quantity * price)
    rate = vat_rate_for(period)
    vat = vat_amount(net, rate)
    return {
        "line_no": line_no, "name": name, "quantity": quantity, "price": price,
        "amount_net": net, "vat_rate": rate, "vat": vat, "amount": net + vat,
    }  # fmt: skip


def _price_of(entry: LedgerEntry, tariff: Decimal) -> Decimal:
    """The demo tariff, unless the ledger's net says another (then net / volume, 5 places)."""
    if round_money(entry.volume_kwh * tariff) == entry.amount_net:
        return tariff
    return (entry.amount_net / entry.volume_kwh).quantize(Decimal("0.00001"), ROUND_HALF_UP)


def _vat_invoice(contract, entry: LedgerEntry, tariff: Decimal) -> Document:
    existing = Document.objects.filter(
        contract=contract, kind=Document.Kind.VAT_INVOICE, number=entry.doc_number
    ).first()
    if existing:
        return existing
    line = energy_line(
        1, f"Электроэнергия за {month_label(entry.period)}", entry.volume_kwh, entry.period,
        _price_of(entry, tariff),
    )  # fmt: skip
    # The ledger's figures are the billing system's: the document must say the same.
    line.update(amount_net=entry.amount_net, vat=entry.vat, amount=entry.debit)
    return issue_document(
        contract, Document.Kind.VAT_INVOICE, entry.doc_number, entry.doc_date, entry.period, [line]
    )


def _advance_invoice(contract, last: LedgerEntry, today: dt.date) -> None:
    period = month_start(today)
    number = f"А-{contract.number}-{period:%Y%m}"
    if Document.objects.filter(contract=contract, kind="invoice", number=number).exists():
        return
    issue_document(
        contract, Document.Kind.INVOICE, number, period, period, [advance_line(last, period)]
    )


def advance_line(last: LedgerEntry, period: dt.date) -> dict:
    """The 30 % advance of `period` on last month's charge, billed as the penalty engine
    expects it (billing.penalties.advance_amount): paying the invoice settles it exactly."""
    amount = advance_amount(last.debit, FIRST_ADVANCE)
    rate = vat_rate_for(period)
    vat = vat_included(amount, rate)
    net = amount - vat
    quantity = (last.volume_kwh * FIRST_ADVANCE).quantize(KWH, ROUND_HALF_UP)
    return {
        "line_no": 1,
        "name": f"Электроэнергия за {month_label(period)}: авансовый платеж 30 % до 10-го числа",
        "quantity": quantity,
        "price": (net / quantity).quantize(Decimal("0.00001"), ROUND_HALF_UP),
        "amount_net": net,
        "vat_rate": rate,
        "vat": vat,
        "amount": amount,
    }


def _correction(contract, corrected: Document, today: dt.date) -> None:
    number = f"К-{corrected.number}"
    if Document.objects.filter(contract=contract, kind="correction", number=number).exists():
        return
    before = corrected.lines.get(line_no=1)
    after = energy_line(
        1, before.name, before.quantity + CORRECTION_EXTRA_KWH, corrected.period, before.price
    )
    after.update(
        quantity_before=before.quantity, price_before=before.price,
        amount_net_before=before.amount_net, vat_before=before.vat, amount_before=before.amount,
    )  # fmt: skip
    date = month_start(today, -1) + dt.timedelta(days=4)
    document = issue_document(
        contract, Document.Kind.CORRECTION, number, date, corrected.period, [after],
        corrects=corrected,
    )  # fmt: skip
    paid_on = date + dt.timedelta(days=15)
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(contract=contract, kind=LedgerEntry.Kind.CORRECTION, date=date,
                        period=corrected.period, doc_number=number, doc_date=date,
                        description=f"Доначисление по корректировочному счету-фактуре № {number}",
                        volume_kwh=CORRECTION_EXTRA_KWH, amount_net=document.amount_net,
                        vat=document.vat, debit=document.amount, source=LedgerEntry.Source.DEMO),
            LedgerEntry(contract=contract, kind=LedgerEntry.Kind.PAYMENT, date=paid_on,
                        doc_number="п/п 990", doc_date=paid_on,
                        description="Оплата по корректировочному счету-фактуре",
                        credit=document.amount, source=LedgerEntry.Source.DEMO),
        ]
    )  # fmt: skip


def seed(ctx: dict, stdout) -> None:
    today = dt.date.today()
    price_of = ctx["price_of"]  # billing.demo's, so that documents and ledger agree
    created = Document.objects.count()
    for key, contract in ctx["contracts"].items():
        accruals = list(
            LedgerEntry.objects.filter(
                contract=contract, kind=LedgerEntry.Kind.ACCRUAL, volume_kwh__gt=0
            ).order_by("-period")[:VAT_INVOICE_MONTHS]
        )
        if not accruals:
            continue
        invoices = [
            _vat_invoice(contract, entry, price_of(contract, entry.period))
            for entry in reversed(accruals)
        ]
        _advance_invoice(contract, accruals[0], today)
        if key == ("kemerovo", "1001"):
            _correction(contract, invoices[0], today)
    stdout.write(f"Документов: создано {Document.objects.count() - created}.")
    if ctx.get("scale_contracts"):
        works = ctx["contracts"][("kemerovo", "2002")]
        seed_scale(works, today, price_of(works, month_start(today, -1)), stdout)


def seed_scale(contract, today: dt.date, tariff: Decimal, stdout) -> None:
    """A few hundred VAT invoices for the benchmark's largest contract: a long document list."""
    have = Document.objects.filter(contract=contract, number__startswith="Н-").count()
    for n in range(have, SCALE_DOCUMENTS):
        period = month_start(today, -1 - n % 36)
        line = energy_line(
            1, f"Электроэнергия за {month_label(period)}", Decimal(1000 + n), period, tariff
        )
        issue_document(
            contract,
            Document.Kind.VAT_INVOICE,
            f"Н-{contract.number}-{n:04d}",
            period,
            period,
            [line],
        )
    stdout.write(f"Счетов-фактур для нагрузки: {SCALE_DOCUMENTS - have} новых.")
