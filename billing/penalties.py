"""Late-payment penalties (пени) for electricity, as pure functions.

The law (35-ФЗ «Об электроэнергетике», art. 37 п. 2): a share of the Bank of Russia
key rate in force on the day of payment (for a debt still unpaid: on the day of the
calculation) × the amount not paid in time × each day from the day after the due
date up to and including the day of payment. The share depends on the consumer kind
(`SHARES`): «прочие» 1/130 from the first day; managing organisations, ТСЖ, ЖСК
1/300 for days 1–60, 1/170 for days 61–90, 1/130 from day 91; the population and
those equal to it (ЖК РФ ст. 155 п. 14) nothing for days 1–30, 1/300 for days
31–90, 1/130 from day 91.

The terms (ПП № 442, п. 82): 30 % of the month's cost by the 10th of that month,
40 % by the 25th, the rest by the 18th of the next month; a term on a day off of the
production calendar moves to the next working day (core.calendar). The contract
holds no contracted volume, so the advances are taken on the previous month's charge
(п. 82 says so where the contract names no volume), capped by the month's own charge
once it is known, so that an advance never exceeds what the month turned out to cost.

Nothing here touches the database: `billing.services` feeds these functions
from the ledger and the key-rate table, and the tests feed them worked examples.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from core.calendar import next_working_day
from core.dates import month_start
from core.formatting import month_label, round_money

ZERO = Decimal("0.00")
DIVISOR = Decimal(130)
OTHER, HOUSING, POPULATION = "other", "housing", "population"
# (first day of delay the share applies from, divisor of the key rate; None: no penalty).
SHARES = {
    OTHER: ((1, DIVISOR),),
    HOUSING: ((1, Decimal(300)), (61, Decimal(170)), (91, DIVISOR)),
    POPULATION: ((1, None), (31, Decimal(300)), (91, DIVISOR)),
}
FIRST_ADVANCE = Decimal("0.30")
SECOND_ADVANCE = Decimal("0.40")
FIRST_ADVANCE_DAY = 10
SECOND_ADVANCE_DAY = 25
FINAL_DAY = 18


# Operations, obligations and penalty lines are named tuples, immutable like the frozen
# dataclasses they were and built three times faster: a month's run over 10,000 contracts
# builds about two million of them.
class Operation(NamedTuple):
    """What the penalty rule needs of one ledger entry."""

    kind: str  # accrual, payment, correction (penalty entries are not passed in)
    date: dt.date
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    period: dt.date | None = None
    doc_number: str = ""


class Obligation(NamedTuple):
    """An amount the customer had to pay by `due` (inclusive)."""

    due: dt.date
    amount: Decimal
    label: str


class PenaltyLine(NamedTuple):
    """One overdue portion: `base` late from `date_from` to `date_to` inclusive."""

    obligation: Obligation
    base: Decimal
    date_from: dt.date
    date_to: dt.date
    days: int
    rate: Decimal
    paid_on: dt.date | None
    amount: Decimal
    divisor: Decimal | None = DIVISOR  # the share 1/divisor of the rate; None: days without

    @property
    def share(self) -> str:
        return f"1/{self.divisor}" if self.divisor else "0"


class RatesNotConfirmed(LookupError):
    """The key rates are not confirmed as far as the day asked for."""


class KeyRates:
    """The key-rate history as a lookup by day, complete up to `confirmed_to` (None: no limit)."""

    def __init__(
        self, rates: Iterable[tuple[dt.date, Decimal]], confirmed_to: dt.date | None = None
    ):
        pairs = sorted(rates)
        self._days = [day for day, _ in pairs]
        self._rates = [rate for _, rate in pairs]
        self.confirmed_to = confirmed_to

    def check(self, day: dt.date) -> None:
        """Refuse a day past the confirmation: a rate decided since would be missed."""
        if self.confirmed_to is not None and day > self.confirmed_to:
            raise RatesNotConfirmed(
                f"Ключевая ставка подтверждена по {self.confirmed_to:%d.%m.%Y}: "
                f"расчет на {day:%d.%m.%Y} невозможен до подтверждения ставок на эту дату"
            )

    def on(self, day: dt.date) -> Decimal:
        """The rate in force on `day`."""
        index = bisect.bisect_right(self._days, day) - 1
        if index < 0:
            raise LookupError(f"Нет ключевой ставки Банка России на {day:%d.%m.%Y}")
        return self._rates[index]


def penalty_amount(base: Decimal, days: int, rate: Decimal, divisor: Decimal = DIVISOR) -> Decimal:
    """base × days × rate % / divisor, rounded to the kopeck (half up)."""
    return round_money(base * days * rate / Decimal(100) / divisor)


def advance_amount(month_charge: Decimal, share: Decimal) -> Decimal:
    """An advance of ПП 442 п. 82: `share` of the month's charge with НДС, to the kopeck half up.

    The one rounding of an advance: the penalty engine expects this figure and the
    advance invoice bills it, so paying the invoice exactly settles the obligation.
    """
    return round_money(month_charge * share)


def _term(first_of_month: dt.date, day: int, known_on: dt.date) -> dt.date:
    """The due date: the rule's day, never before the portal knew the amount."""
    return next_working_day(max(first_of_month.replace(day=day), known_on))


def obligations(operations: Iterable[Operation], on_date: dt.date) -> list[Obligation]:
    """What fell due, when, from the operations known on `on_date`, oldest first."""
    charged: dict[dt.date, Decimal] = defaultdict(Decimal)
    known_on: dict[dt.date, dt.date] = {}
    result: list[Obligation] = []
    for op in operations:
        if op.date > on_date:
            continue
        month = (op.period or op.date).replace(day=1)
        if op.kind == "accrual":
            charged[month] += op.debit - op.credit
            known_on[month] = max(known_on.get(month, op.date), op.date)
        elif op.kind == "correction" and op.period and op.credit:
            # A decrease corrects the month it names: the customer never owed it.
            charged[month] -= op.credit
        elif op.kind == "correction" and op.debit:
            # An increase cannot be late before it was issued: due like a new charge.
            after = month_start(max(op.date, month), 1)
            result.append(
                Obligation(
                    _term(after, FINAL_DAY, op.date),
                    op.debit,
                    " ".join(
                        filter(None, ("Корректировка", op.doc_number, "за", month_label(month)))
                    ),
                )
            )
        elif op.kind == "payment" and op.debit:
            result.append(Obligation(op.date, op.debit, f"Возврат платежа {op.doc_number}"))
    months = set(charged)
    months |= {month_start(m, 1) for m in charged if month_start(m, 1) <= on_date}
    for month in sorted(months):
        total = max(charged.get(month, ZERO), ZERO) if month in charged else None
        previous = month_start(month, -1)
        advances = ZERO
        if previous in charged:
            base = max(charged[previous], ZERO)
            if total is not None:
                base = min(base, total)
            known = known_on.get(previous, previous)
            first = advance_amount(base, FIRST_ADVANCE)
            second = advance_amount(base, SECOND_ADVANCE)
            name = month_label(month)
            result.append(
                Obligation(_term(month, FIRST_ADVANCE_DAY, known), first, f"Аванс 30 % за {name}")
            )
            result.append(
                Obligation(_term(month, SECOND_ADVANCE_DAY, known), second, f"Аванс 40 % за {name}")
            )
            advances = first + second
        if total is not None:
            result.append(
                Obligation(
                    _term(month_start(month, 1), FINAL_DAY, known_on.get(month, month)),
                    total - advances,
                    f"Окончательный расчет за {month_label(month)}",
                )
            )
    result = [o for o in result if o.amount > 0]
    result.sort(key=lambda o: o.due)
    return result


def payments(operations: Iterable[Operation], on_date: dt.date) -> list[tuple[dt.date, Decimal]]:
    """Money received by `on_date` (and decreases without a month), oldest first."""
    received = [
        (op.date, op.credit)
        for op in operations
        if op.date <= on_date
        and op.credit > 0
        and (op.kind == "payment" or (op.kind == "correction" and not op.period))
    ]
    return sorted(received, key=lambda pair: pair[0])


def penalty_lines(
    due: Sequence[Obligation],
    paid: Sequence[tuple[dt.date, Decimal]],
    rates: KeyRates,
    on_date: dt.date,
    consumer_kind: str = OTHER,
) -> list[PenaltyLine]:
    """Allocate payments to the oldest obligation first (ГК РФ, ст. 319.1) and
    price each late portion at the rate of its payment day, or of `on_date` if unpaid,
    one line per band of days of the consumer kind's shares."""
    bands = SHARES[consumer_kind]
    pool = [[day, amount] for day, amount in paid]
    cursor = 0
    lines: list[PenaltyLine] = []
    for obligation in due:
        left = obligation.amount
        portions: list[tuple[Decimal, dt.date | None]] = []
        while left > 0 and cursor < len(pool):
            day, available = pool[cursor]
            take = min(left, available)
            portions.append((take, day))
            left -= take
            pool[cursor][1] -= take
            if pool[cursor][1] == 0:
                cursor += 1
        if left > 0:
            portions.append((left, None))
        for base, paid_on in portions:
            end = paid_on or on_date
            days = (end - obligation.due).days
            if days <= 0:
                continue
            rate = rates.on(end)
            for index, (first_day, divisor) in enumerate(bands):
                if first_day > days:
                    break
                last_day = bands[index + 1][0] - 1 if index + 1 < len(bands) else days
                last_day = min(last_day, days)
                band_days = last_day - first_day + 1
                lines.append(
                    PenaltyLine(
                        obligation=obligation,
                        base=base,
                        date_from=obligation.due + dt.timedelta(days=first_day),
                        date_to=obligation.due + dt.timedelta(days=last_day),
                        days=band_days,
                        rate=rate,
                        paid_on=paid_on,
                        amount=penalty_amount(base, band_days, rate, divisor) if divisor else ZERO,
                        divisor=divisor,
                    )
                )
    return lines


def calculate(
    operations: Sequence[Operation],
    rates: KeyRates,
    on_date: dt.date,
    consumer_kind: str = OTHER,
):
    """The penalty lines of a contract on `on_date` and their total.

    Raises RatesNotConfirmed for a day past the rates' confirmation, LookupError
    for a day without a known rate.
    """
    rates.check(on_date)
    lines = penalty_lines(
        obligations(operations, on_date),
        payments(operations, on_date),
        rates,
        on_date,
        consumer_kind,
    )
    return lines, sum((line.amount for line in lines), ZERO)
