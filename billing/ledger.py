"""The contract's account (лицевой счет) as figures derived from the ledger."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Sum

from billing.models import Contract, LedgerEntry
from core.dates import month_end, month_start
from core.formatting import round_money

ZERO = Decimal("0.00")


def balance(contract: Contract, on_date: dt.date | None = None, *, kinds=None) -> Decimal:
    """sum(credit) − sum(debit) up to and including `on_date`: < 0 debt, > 0 overpayment."""
    entries = LedgerEntry.objects.filter(contract=contract)
    if on_date is not None:
        entries = entries.filter(date__lte=on_date)
    if kinds is not None:
        entries = entries.filter(kind__in=kinds)
    totals = entries.aggregate(total_debit=Sum("debit"), total_credit=Sum("credit"))
    return (totals["total_credit"] or ZERO) - (totals["total_debit"] or ZERO)


def balance_before(contract: Contract, day: dt.date) -> Decimal:
    """The balance at the start of `day` (the opening balance of a period starting then)."""
    return balance(contract, day - dt.timedelta(days=1))


def energy_and_penalty_balances(contract: Contract, on_date: dt.date | None = None) -> dict:
    """The energy account («Задолженность» / «Переплата») and the penalty account
    (penalties booked less payments stated for them), in one query."""
    entries = LedgerEntry.objects.filter(contract=contract)
    if on_date is not None:
        entries = entries.filter(date__lte=on_date)
    penalty = LedgerEntry.penalty_side()
    totals = entries.aggregate(
        energy_debit=Sum("debit", filter=~penalty),
        energy_credit=Sum("credit", filter=~penalty),
        penalty_debit=Sum("debit", filter=penalty),
        penalty_credit=Sum("credit", filter=penalty),
    )
    return {
        "energy": round_money((totals["energy_credit"] or ZERO) - (totals["energy_debit"] or ZERO)),
        "penalty": round_money(
            (totals["penalty_credit"] or ZERO) - (totals["penalty_debit"] or ZERO)
        ),
    }


def account_summary(contract: Contract) -> dict:
    """Energy balance, penalties and the date of the latest entry, in one query."""
    penalty = LedgerEntry.penalty_side()
    totals = LedgerEntry.objects.filter(contract=contract).aggregate(**_summary_sums(penalty))
    return _summary(totals)


def account_summaries(contract_ids) -> dict[int, dict]:
    """`account_summary` of several contracts (an organisation's), in one query."""
    penalty = LedgerEntry.penalty_side()
    rows = (
        LedgerEntry.objects.filter(contract_id__in=contract_ids)
        .values("contract_id")
        .order_by("contract_id")
        .annotate(**_summary_sums(penalty))
    )
    found = {row["contract_id"]: _summary(row) for row in rows}
    return {pk: found.get(pk) or _summary({}) for pk in contract_ids}


def _summary_sums(penalty) -> dict:
    return {
        "energy_debit": Sum("debit", filter=~penalty),
        "energy_credit": Sum("credit", filter=~penalty),
        "penalty_debit": Sum("debit", filter=penalty),
        "penalty_credit": Sum("credit", filter=penalty),
        "latest": Max("date"),
    }


def _summary(totals: dict) -> dict:
    # Quantized: SQLite hands sums back with a long exponent; the value is the same.
    energy = round_money(
        (totals.get("energy_credit") or ZERO) - (totals.get("energy_debit") or ZERO)
    )
    penalties = round_money(
        (totals.get("penalty_credit") or ZERO) - (totals.get("penalty_debit") or ZERO)
    )
    return {
        "energy": energy,
        "penalty": penalties,
        "total": energy + penalties,
        "as_of": totals.get("latest"),
    }


def advance_payment_documents(contract: Contract, period: dt.date, limit: int = 128) -> str:
    """Row 5 of a VAT invoice (НК РФ ст. 169 п. 5 пп. 4): the payment documents of the
    advances received for `period`'s month, i.e. its energy payments dated within that
    month (ПП 442 п. 82: the advances of the 10th and the 25th); «» when there are none."""
    entries = LedgerEntry.objects.filter(
        contract=contract,
        kind=LedgerEntry.Kind.PAYMENT,
        purpose=LedgerEntry.Purpose.ENERGY,
        credit__gt=0,
        date__gte=month_start(period),
        date__lte=month_end(period),
    ).order_by("date", "id")
    text = ""
    for entry in entries:
        number = entry.doc_number.removeprefix("п/п").strip()
        part = f"№ {number} от {(entry.doc_date or entry.date):%d.%m.%Y}"
        joined = f"{text}, {part}" if text else part
        if len(joined) > limit - 3:
            return f"{text}, …" if text else part[:limit]
        text = joined
    return text


@dataclass(frozen=True)
class BilledMonth:
    """The kWh billed for one month of supply, and the corrections among them."""

    kwh: Decimal
    corrected_kwh: Decimal = Decimal(0)
    corrections: tuple[str, ...] = ()  # their document numbers


def billed_kwh(contract: Contract, first: dt.date, last: dt.date) -> dict[dt.date, BilledMonth]:
    """kWh billed for each month of supply from `first` to `last` (the months' first days):
    the accruals' volumes with their corrections, by the period they bill."""
    rows = (
        LedgerEntry.objects.filter(
            contract=contract,
            period__gte=first,
            period__lte=last,
            volume_kwh__isnull=False,
            kind__in=(LedgerEntry.Kind.ACCRUAL, LedgerEntry.Kind.CORRECTION),
        )
        .order_by("period", "date", "pk")
        .values_list("period", "kind", "doc_number", "volume_kwh")
    )
    months: dict[dt.date, BilledMonth] = {}
    for period, kind, number, kwh in rows:
        month = months.get(period, BilledMonth(Decimal(0)))
        if kind == LedgerEntry.Kind.CORRECTION:
            month = BilledMonth(
                month.kwh + kwh, month.corrected_kwh + kwh, (*month.corrections, number)
            )
        else:
            month = BilledMonth(month.kwh + kwh, month.corrected_kwh, month.corrections)
        months[period] = month
    return months


def monthly_charges(contract: Contract, first: dt.date, last: dt.date) -> dict[dt.date, Decimal]:
    """The energy charged for each month of supply (with НДС, corrections included)."""
    rows = (
        LedgerEntry.objects.filter(
            contract=contract,
            period__gte=first,
            period__lte=last,
            kind__in=(LedgerEntry.Kind.ACCRUAL, LedgerEntry.Kind.CORRECTION),
        )
        .order_by()
        .values_list("period")
        .annotate(total=Sum("debit") - Sum("credit"))
    )
    return {period: total for period, total in rows}
