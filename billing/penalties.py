"""Late-payment penalties (пени) of a legal entity for electricity, as pure functions.

The law (35-ФЗ «Об электроэнергетике», art. 37 п. 2): 1/130 of the Bank of Russia
key rate in force on the day of payment (for a debt still unpaid: on the day of the
calculation) × the amount not paid in time × each day from the day after the due
date up to and including the day of payment.

The terms (ПП № 442, п. 82): 30 % of the month's cost by the 10th of that month,
40 % by the 25th, the rest by the 18th of the next month. The contract holds no
contracted volume, so the advances are taken on the previous month's charge (п. 82
says so where the contract names no volume), capped by the month's own charge once
it is known, so that an advance never exceeds what the month turned out to cost.

Nothing here touches the database: `billing.services` feeds these functions
from the ledger and the key-rate table, and the tests feed them worked examples.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.dates import month_start
from core.formatting import month_label, round_money

ZERO = Decimal("0.00")
DIVISOR = Decimal(130)
FIRST_ADVANCE = Decimal("0.30")
SECOND_ADVANCE = Decimal("0.40")
FIRST_ADVANCE_DAY = 10
SECOND_ADVANCE_DAY = 25
FINAL_DAY = 18

# Non-working federal holidays (Трудовой кодекс, ст. 112) as (month, day); the
# government's yearly transfers of days off are not known in advance and not applied.
HOLIDAYS = frozenset(
    [(1, d) for d in range(1, 9)] + [(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)]
)


@dataclass(frozen=True)
class Operation:
    """What the penalty rule needs of one ledger entry."""

    kind: str  # accrual, payment, correction (penalty entries are not passed in)
    date: dt.date
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    period: dt.date | None = None
    doc_number: str = ""


@dataclass(frozen=True)
class Obligation:
    """An amount the customer had to pay by `due` (inclusive)."""

    due: dt.date
    amount: Decimal
    label: str


@dataclass(frozen=True)
class PenaltyLine:
    """One overdue portion: `base` late from `date_from` to `date_to` inclusive."""

    obligation: Obligation
    base: Decimal
    date_from: dt.date
    date_to: dt.date
    days: int
    rate: Decimal
    paid_on: dt.date | None
    amount: Decimal


class KeyRates:
    """The key-rate history as a lookup by day."""

    def __init__(self, rates: Iterable[tuple[dt.date, Decimal]]):
        pairs = sorted(rates)
        self._days = [day for day, _ in pairs]
        self._rates = [rate for _, rate in pairs]

    def on(self, day: dt.date) -> Decimal:
        """The rate in force on `day`."""
        index = bisect.bisect_right(self._days, day) - 1
        if index < 0:
            raise LookupError(f"Нет ключевой ставки Банка России на {day:%d.%m.%Y}")
        return self._rates[index]


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in HOLIDAYS


def next_working_day(day: dt.date) -> dt.date:
    """A term ending on a day off moves to the next working day (ГК РФ, ст. 193)."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def penalty_amount(base: Decimal, days: int, rate: Decimal) -> Decimal:
    """base × days × rate % / 130, rounded to the kopeck (half up)."""
    return round_money(base * days * rate / Decimal(100) / DIVISOR)


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
            first = round_money(base * FIRST_ADVANCE)
            second = round_money(base * SECOND_ADVANCE)
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
) -> list[PenaltyLine]:
    """Allocate payments to the oldest obligation first (ГК РФ, ст. 319.1) and
    price each late portion at the rate of its payment day, or of `on_date` if unpaid."""
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
            lines.append(
                PenaltyLine(
                    obligation=obligation,
                    base=base,
                    date_from=obligation.due + dt.timedelta(days=1),
                    date_to=end,
                    days=days,
                    rate=rate,
                    paid_on=paid_on,
                    amount=penalty_amount(base, days, rate),
                )
            )
    return lines


def calculate(operations: Sequence[Operation], rates: KeyRates, on_date: dt.date):
    """The penalty lines of a contract on `on_date` and their total."""
    lines = penalty_lines(
        obligations(operations, on_date), payments(operations, on_date), rates, on_date
    )
    return lines, sum((line.amount for line in lines), ZERO)
