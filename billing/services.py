"""Penalties from the ledger: the customer's calculation and the booking run."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, Subquery, Sum

from billing import penalties
from billing.models import (
    ConsumerKind,
    Contract,
    ImportBatch,
    KeyRate,
    KeyRateConfirmation,
    LedgerEntry,
    new_registration_code,
)
from core import audit
from core.formatting import round_money

ZERO = Decimal("0.00")
CHUNK = 500
_OPERATION_FIELDS = ("contract_id", "kind", "date", "debit", "credit", "period", "doc_number")


def rates_confirmed_to() -> dt.date | None:
    """The latest day up to which operators confirmed the key rates are complete."""
    return KeyRateConfirmation.objects.aggregate(day=Max("confirmed_to"))["day"]


def key_rates() -> penalties.KeyRates:
    """The rate table and its confirmation day, in one query."""
    latest = KeyRateConfirmation.objects.order_by("-confirmed_to").values("confirmed_to")[:1]
    rows = list(
        KeyRate.objects.annotate(confirmed=Subquery(latest)).values_list(
            "valid_from", "rate", "confirmed"
        )
    )
    confirmed_to = rows[0][2] if rows else rates_confirmed_to()
    return penalties.KeyRates([(day, rate) for day, rate, _ in rows], confirmed_to=confirmed_to)


def _operations(contract_ids, on_date: dt.date) -> dict[int, list[penalties.Operation]]:
    """The energy account's operations: payments stated for penalties pay no energy."""
    rows = (
        LedgerEntry.objects.filter(contract_id__in=contract_ids, date__lte=on_date)
        .exclude(LedgerEntry.penalty_side())
        .order_by("date", "id")
        .values_list(*_OPERATION_FIELDS)
    )
    result: dict[int, list[penalties.Operation]] = defaultdict(list)
    for contract_id, *fields in rows:
        result[contract_id].append(penalties.Operation(*fields))
    return result


@dataclass(frozen=True)
class PenaltyReport:
    """The calculation shown to the customer: lines, their total, what is booked and paid."""

    on_date: dt.date
    consumer_kind: str
    lines: list[penalties.PenaltyLine]
    total: Decimal
    booked: Decimal
    paid: Decimal
    error: str = ""

    @property
    def unpaid(self) -> Decimal:
        """Booked and not paid: what the account shows as «Пени»."""
        return self.booked - self.paid

    @property
    def not_booked(self) -> Decimal:
        """Calculated to the day but not booked yet (the next penalty run books it)."""
        return self.total - self.booked if not self.error else ZERO

    @property
    def due(self) -> Decimal:
        """The penalty to pay on the day: the calculation (or, without one, what is booked)
        less what was paid for penalties."""
        owed = self.booked if self.error else max(self.total, self.booked)
        return max(owed - self.paid, ZERO)

    @property
    def consumer_kind_label(self) -> str:
        return ConsumerKind(self.consumer_kind).label


def penalty_report(contract: Contract, on_date: dt.date) -> PenaltyReport:
    """The penalty of `contract` as calculated on `on_date`, beside the penalties booked
    and paid by then."""
    operations = _operations([contract.pk], on_date)[contract.pk]
    penalty_kind = Q(kind=LedgerEntry.Kind.PENALTY)
    sums = LedgerEntry.objects.filter(
        LedgerEntry.penalty_side(), contract=contract, date__lte=on_date
    ).aggregate(
        charged=Sum("debit", filter=penalty_kind),
        recomputed=Sum("credit", filter=penalty_kind),
        paid=Sum("credit", filter=~penalty_kind),
        refunded=Sum("debit", filter=~penalty_kind),
    )
    booked = round_money((sums["charged"] or ZERO) - (sums["recomputed"] or ZERO))
    paid = round_money((sums["paid"] or ZERO) - (sums["refunded"] or ZERO))
    kind = contract.consumer_kind
    try:
        lines, total = penalties.calculate(operations, key_rates(), on_date, kind)
    except LookupError as error:
        return PenaltyReport(on_date, kind, [], ZERO, booked, paid, error=str(error))
    return PenaltyReport(on_date, kind, lines, total, booked, paid)


def accrue_penalties(
    on_date: dt.date, *, dry_run: bool = False, contracts=None, user=None, username: str = ""
) -> Counter:
    """Book, per contract, the penalty calculated up to `on_date` as one entry dated
    `on_date`: the difference between the calculation and what earlier runs booked.

    The entry's key is (contract, date), so a second run for the same date finds it
    and changes nothing; a run for an earlier date than a booked one is skipped.
    A run that books leaves one «penalties.accrued» audit entry with its counts,
    whichever door started it (the command, a payment for penalties, the demo).
    """
    counts: Counter = Counter(created=0, updated=0, unchanged=0, skipped=0)
    rates = key_rates()
    rates.check(on_date)  # raises RatesNotConfirmed before anything is booked
    entries = LedgerEntry.objects.filter(date__lte=on_date)
    if contracts is not None:
        entries = entries.filter(contract__in=contracts)
    contract_ids = list(
        entries.order_by("contract_id").values_list("contract_id", flat=True).distinct()
    )
    # One transaction: a missing key rate met halfway leaves nothing half-booked.
    with transaction.atomic():
        for start in range(0, len(contract_ids), CHUNK):
            chunk = contract_ids[start : start + CHUNK]
            counts.update(_accrue_chunk(chunk, on_date, rates, dry_run))
        if not dry_run:
            audit.record(
                "penalties.accrued",
                user=user,
                username=username,
                target=f"{on_date:%d.%m.%Y}",
                contracts=len(contract_ids),
                **counts,
            )
    return counts


def _accrue_chunk(chunk, on_date, rates, dry_run) -> Counter:
    counts: Counter = Counter()
    # Two runs at once wait for each other here instead of booking twice.
    kinds = dict(
        Contract.objects.select_for_update().filter(pk__in=chunk).values_list("pk", "consumer_kind")
    )
    system = LedgerEntry.objects.filter(
        contract_id__in=chunk, kind=LedgerEntry.Kind.PENALTY, source=LedgerEntry.Source.SYSTEM
    )
    booked = {
        row["contract_id"]: (row["debit"] or ZERO) - (row["credit"] or ZERO)
        for row in system.filter(date__lt=on_date)
        .values("contract_id")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
    }
    later = set(system.filter(date__gt=on_date).values_list("contract_id", flat=True))
    existing = {entry.contract_id: entry for entry in system.filter(date=on_date)}
    operations = _operations(chunk, on_date)
    to_create, to_update, to_delete = [], [], []
    for contract_id in chunk:
        if contract_id in later:
            counts["skipped"] += 1
            continue
        _, total = penalties.calculate(
            operations.get(contract_id, []), rates, on_date, kinds[contract_id]
        )
        delta = total - booked.get(contract_id, ZERO)
        entry = existing.get(contract_id)
        if entry is not None and entry.amount == -delta:
            counts["unchanged"] += 1
        elif entry is not None:
            if delta == 0:
                to_delete.append(entry.pk)
            else:
                _set_penalty_amount(entry, delta, on_date)
                to_update.append(entry)
            counts["updated"] += 1
        elif delta != 0:
            entry = LedgerEntry(
                contract_id=contract_id,
                kind=LedgerEntry.Kind.PENALTY,
                source=LedgerEntry.Source.SYSTEM,
                date=on_date,
                doc_date=on_date,
                period=on_date.replace(day=1),
            )
            _set_penalty_amount(entry, delta, on_date)
            to_create.append(entry)
            counts["created"] += 1
        else:
            counts["unchanged"] += 1
    if not dry_run:
        LedgerEntry.objects.bulk_create(to_create)
        LedgerEntry.objects.bulk_update(to_update, ["debit", "credit", "description"])
        LedgerEntry.objects.filter(pk__in=to_delete).delete()
    return counts


def _set_penalty_amount(entry: LedgerEntry, delta: Decimal, on_date: dt.date) -> None:
    entry.debit = delta if delta > 0 else ZERO
    entry.credit = -delta if delta < 0 else ZERO
    entry.description = (
        f"Пени (35-ФЗ, ст. 37) по {on_date:%d.%m.%Y}"
        if delta > 0
        else f"Перерасчет пени по {on_date:%d.%m.%Y}: изменилась ключевая ставка или долг"
    )


# The ledger entries a document of each kind states: a VAT invoice the month's accrual, a
# correction its correction entry, both under the document's own number (the billing
# system numbers the charge and its счет-фактура alike). An advance invoice asks for money
# and states no entry; no document is issued on a payment or a penalty.
DOCUMENTED_KINDS = {
    "vat_invoice": (LedgerEntry.Kind.ACCRUAL,),
    "correction": (LedgerEntry.Kind.CORRECTION,),
}


def lock_entries(contract: Contract, document_kind: str, number: str) -> int:
    """Mark the entries a document just issued states as read-only («по записи выдан
    документ»): the admin then shows them read-only and a re-import that would change one
    is refused, so a correction comes as a new entry. Called by issue_document."""
    kinds = DOCUMENTED_KINDS.get(document_kind, ())
    if not kinds:
        return 0
    return LedgerEntry.objects.filter(
        contract=contract, kind__in=kinds, doc_number=number, is_locked=False
    ).update(is_locked=True)


# --- money in ------------------------------------------------------------------


@dataclass(frozen=True)
class Credit:
    """One payment to credit: how much reached which contract, on what day, under what reference
    (the bank's order number, the gateway's payment id)."""

    contract_id: int
    amount: Decimal
    reference: str
    on: dt.date
    description: str = ""
    purpose: str = LedgerEntry.Purpose.ENERGY


def credit_payment(
    contract: Contract,
    amount: Decimal,
    reference: str,
    on: dt.date,
    *,
    user,
    source: str = LedgerEntry.Source.STAFF,
    description: str = "",
    purpose: str = LedgerEntry.Purpose.ENERGY,
    request=None,
) -> LedgerEntry:
    """Credit `amount` paid under `reference` on `on` to `contract`'s account.

    The one way money enters the ledger (decision of issue 16): card payments
    (payments.services), bank imports (import_payments) and staff in the admin all
    call it, so every payment is the same kind of entry with the same audit trace.

    `purpose` is what the payer stated (ГК РФ ст. 319, 319.1): a payment without one
    pays energy, the earliest obligation first; only a payment stated «пени» pays
    penalties.
    """
    credit = Credit(contract.pk, amount, reference, on, description, purpose)
    return credit_payments([credit], user=user, source=source, request=request)[0]


@transaction.atomic
def credit_payments(
    credits: list[Credit],
    *,
    user,
    source: str,
    batch: ImportBatch | None = None,
    request=None,
    username: str = "",
) -> list[LedgerEntry]:
    """`credit_payment` for many payments at once (a bank file): one INSERT for the entries
    and one for their «payment.credited» audit events.

    A payment for penalties meets the penalty calculated up to its day: that penalty is
    booked first (`accrue_penalties` on the payment's day), so paying the amount the
    portal asked for leaves neither a penalty nor an overpayment of penalties. Without
    key rates confirmed that far the booking waits for the next penalty run.
    """
    for credit in credits:
        if credit.amount is None or credit.amount <= 0:
            raise ValidationError("Сумма оплаты должна быть больше нуля.", code="amount")
        if credit.purpose not in LedgerEntry.Purpose.values:
            raise ValidationError("Неизвестное назначение платежа.", code="purpose")
    penalty_days: dict[dt.date, set[int]] = defaultdict(set)
    for credit in credits:
        if credit.purpose == LedgerEntry.Purpose.PENALTY:
            penalty_days[credit.on].add(credit.contract_id)
    for day, contract_ids in sorted(penalty_days.items()):
        try:
            accrue_penalties(day, contracts=sorted(contract_ids))
        except LookupError:
            pass  # rates not confirmed to `day`: the nightly run books it once they are
    entries = [
        LedgerEntry(
            contract_id=credit.contract_id,
            kind=LedgerEntry.Kind.PAYMENT,
            source=source,
            date=credit.on,
            doc_date=credit.on,
            doc_number=credit.reference,
            description=credit.description or _payment_description(credit),
            credit=credit.amount,
            purpose=credit.purpose,
            created_by=user,
            import_batch=batch,
        )
        for credit in credits
    ]
    LedgerEntry.objects.bulk_create(entries, batch_size=1000)
    audit.record_many(
        [
            audit.event(
                "payment.credited",
                request=request,
                user=user,
                username=username,
                target=entry,
                contract=entry.contract_id,
                amount=entry.credit,
                reference=entry.doc_number,
                source=source,
                purpose=entry.purpose,
            )
            for entry in entries
        ]
    )
    return entries


def _payment_description(credit: Credit) -> str:
    what = "Оплата пени" if credit.purpose == LedgerEntry.Purpose.PENALTY else "Оплата"
    return f"{what} по платежному поручению № {credit.reference}"


@transaction.atomic
def renew_registration_code(contract: Contract, *, staff=None, request=None) -> str:
    """A new «Код регистрации» on the customer's request: the printed old one stops working."""
    contract.registration_code = new_registration_code()
    contract.save(update_fields=["registration_code"])
    audit.record("contract.registration_code_renewed", request=request, user=staff, target=contract)
    return contract.registration_code
