"""Documents built on request: the reconciliation statement and the consumption breakdown.

Both are read live from other apps' data (the ledger, the meters' readings)
and never stored: asking again after a new payment gives the new figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from billing.ledger import BilledMonth, billed_kwh, energy_and_penalty_balances
from billing.models import Contract, LedgerEntry
from core.dates import month_end, month_start
from core.formatting import money, month_label
from documents.wording import amount_in_words
from meters.models import DeliveryPoint, Meter, Reading, ReadingZone

ZERO = Decimal("0.00")
KWH = Decimal("0.001")


def last_day(first: dt.date) -> dt.date:
    """The statement's closing day for a month: its end, or today while it lasts."""
    return min(month_end(first), timezone.localdate())


# --- Акт сверки ---------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    date: dt.date
    group: str
    description: str
    document: str
    debit: Decimal
    credit: Decimal
    penalty: bool = False  # of the penalty account (LedgerEntry.penalty_side)


@dataclass
class Turnover:
    group: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO


@dataclass
class Reconciliation:
    contract: Contract
    start: dt.date
    end: dt.date
    opening: Decimal
    lines: list[StatementLine]
    turnovers: list[Turnover]
    seller_name: str = ""
    buyer_name: str = ""
    opening_penalty: Decimal = ZERO  # the part of `opening` that is the penalty account

    @property
    def debit_total(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def credit_total(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)

    @property
    def closing(self) -> Decimal:
        """The balance (credit − debit, < 0 a debt) at the end of the last day."""
        return self.opening + self.credit_total - self.debit_total

    @property
    def opening_debit(self) -> Decimal:
        return -self.opening if self.opening < 0 else ZERO

    @property
    def opening_credit(self) -> Decimal:
        return self.opening if self.opening > 0 else ZERO

    @property
    def closing_debit(self) -> Decimal:
        return -self.closing if self.closing < 0 else ZERO

    @property
    def closing_credit(self) -> Decimal:
        return self.closing if self.closing > 0 else ZERO

    @property
    def closing_penalty(self) -> Decimal:
        """The penalty account at the end (< 0 penalties owed), kept apart from energy."""
        turnover = sum((line.credit - line.debit for line in self.lines if line.penalty), ZERO)
        return self.opening_penalty + turnover

    @property
    def closing_energy(self) -> Decimal:
        """«Задолженность» as on «Лицевой счет»: the energy account only."""
        return self.closing - self.closing_penalty

    @property
    def closing_energy_sides(self) -> tuple[Decimal, Decimal]:
        """(debit, credit) of the energy part of the closing balance."""
        return _sides(self.closing_energy)

    @property
    def closing_penalty_sides(self) -> tuple[Decimal, Decimal]:
        return _sides(self.closing_penalty)

    @property
    def conclusion(self) -> str:
        """«На 31.10.2026 задолженность в пользу ООО «ЭССК» составляет …», energy only,
        then the penalties apart (ГК РФ ст. 319: one never pays the other)."""
        when = f"На {self.end:%d.%m.%Y}"
        energy = self.closing_energy
        if energy == 0:
            text = f"{when} задолженность отсутствует."
        else:
            debt = abs(energy)
            creditor = self.seller_name if energy < 0 else self.buyer_name
            text = (
                f"{when} задолженность в пользу {creditor} составляет "
                f"{money(debt)} ({amount_in_words(debt)})."
            )
        penalty = self.closing_penalty
        if penalty < 0:
            text += (
                f" Пени, начисленные и не оплаченные, составляют {money(-penalty)} "
                f"({amount_in_words(-penalty)})."
            )
        elif penalty > 0:
            text += f" Переплата по пени составляет {money(penalty)}."
        return text


def _sides(balance: Decimal) -> tuple[Decimal, Decimal]:
    return (-balance, ZERO) if balance < 0 else (ZERO, balance)


ENERGY = "Электроэнергия"
PENALTY = "Пени"
PAYMENT = "Оплата"
ADVANCE = "Авансовые платежи"
GROUPS = (ENERGY, PENALTY, ADVANCE, PAYMENT)


def _statement_line(entry: LedgerEntry) -> StatementLine:
    """One ledger entry as the statement says it, in its group."""
    kind = LedgerEntry.Kind
    period = f" за {month_label(entry.period)}" if entry.period else ""
    if entry.kind == kind.ACCRUAL:
        group, description, doc_name = ENERGY, f"Реализация электроэнергии{period}", "Счет-фактура"
    elif entry.kind == kind.CORRECTION:
        group, description = ENERGY, f"Корректировка реализации{period}"
        doc_name = "Корректировочный счет-фактура"
    elif entry.kind == kind.PENALTY:
        group, description, doc_name = PENALTY, f"Пени{period}", "Расчет пени"
    elif entry.purpose == LedgerEntry.Purpose.PENALTY:
        group, description, doc_name = PENALTY, "Оплата пени", _payment_document(entry)
    elif entry.period and entry.date <= month_end(entry.period):
        # Paid before its month was over: an advance (ПП № 442, п. 82), not a settlement.
        group, description = ADVANCE, f"Оплата (аванс){period}"
        doc_name = _payment_document(entry)
    else:
        group, description, doc_name = PAYMENT, f"Оплата{period}", _payment_document(entry)
    document = ""
    if entry.doc_number:
        number = entry.doc_number.removeprefix("п/п").strip()
        document = f"{doc_name} № {number}"
        if entry.doc_date:
            document += f" от {entry.doc_date:%d.%m.%Y}"
    elif entry.kind == kind.PENALTY:
        # The portal's own penalty run: its reference is the calculation on that day.
        document = f"Расчет пени на {entry.date:%d.%m.%Y}"
    return StatementLine(
        date=entry.date,
        group=group,
        # The statement's own wording keeps the groups apart; a correction or a
        # penalty also carries the billing system's explanation.
        description=(
            f"{description}: {entry.description}"
            if entry.description and entry.kind in (kind.CORRECTION, kind.PENALTY)
            else description
        ),
        document=document,
        debit=entry.debit,
        credit=entry.credit,
        penalty=group == PENALTY,
    )


def _payment_document(entry: LedgerEntry) -> str:
    """How the payment really came: a card payment through the portal is not an order."""
    if entry.source == LedgerEntry.Source.CARD:
        return "Оплата банковской картой, операция"
    return "Платежное поручение"


def reconciliation(contract: Contract, start: dt.date, end: dt.date) -> Reconciliation:
    """The statement from the first day of `start`'s month to the end of `end`'s month."""
    start = start.replace(day=1)
    closing_day = last_day(end.replace(day=1))
    entries = LedgerEntry.objects.filter(
        contract=contract, date__gte=start, date__lte=closing_day
    ).order_by("date", "id")
    lines = [_statement_line(entry) for entry in entries]
    turnovers = {group: Turnover(group) for group in GROUPS}
    for line in lines:
        turnovers[line.group].debit += line.debit
        turnovers[line.group].credit += line.credit
    opening = energy_and_penalty_balances(contract, start - dt.timedelta(days=1))
    return Reconciliation(
        contract=contract,
        start=start,
        end=closing_day,
        opening=opening["energy"] + opening["penalty"],
        opening_penalty=opening["penalty"],
        lines=lines,
        turnovers=[t for t in turnovers.values() if t.debit or t.credit],
        seller_name=settings.SUPPLIER["short_name"],
        buyer_name=contract.customer.name,
    )


# --- Расшифровка потребления ----------------------------------------------------


ESTIMATED = "расчетный способ"


@dataclass
class MonthRow:
    """One month of one meter zone: the readings around it and the kWh between."""

    month: dt.date
    start_date: dt.date | None
    start_value: Decimal | None
    end_date: dt.date | None
    end_value: Decimal | None
    kwh: Decimal | None
    source: str


@dataclass
class ConsumptionRow:
    """A meter zone over the period, month by month."""

    meter_number: str
    meter_model: str
    coefficient: Decimal
    zone: str
    months: list[MonthRow] = field(default_factory=list)

    @property
    def _read(self) -> list[MonthRow]:
        return [month for month in self.months if month.kwh is not None]

    @property
    def start_date(self) -> dt.date | None:
        return self.months[0].start_date if self.months else None

    @property
    def start_value(self) -> Decimal | None:
        return self.months[0].start_value if self.months else None

    @property
    def end_date(self) -> dt.date | None:
        return self._read[-1].end_date if self._read else None

    @property
    def end_value(self) -> Decimal | None:
        return self._read[-1].end_value if self._read else None

    @property
    def kwh(self) -> Decimal | None:
        read = self._read
        return sum((month.kwh for month in read), Decimal("0.000")) if read else None


@dataclass
class PointConsumption:
    code: str
    address: str
    voltage_level: str
    rows: list[ConsumptionRow] = field(default_factory=list)

    @property
    def kwh(self) -> Decimal:
        return sum((row.kwh for row in self.rows if row.kwh is not None), Decimal("0.000"))

    def month_kwh(self, month: dt.date) -> Decimal:
        return sum(
            (m.kwh for row in self.rows for m in row.months if m.month == month and m.kwh),
            Decimal("0.000"),
        )

    @property
    def monthly(self) -> list[tuple[dt.date, Decimal]]:
        months = sorted({m.month for row in self.rows for m in row.months})
        return [(month, self.month_kwh(month)) for month in months]


@dataclass
class MonthTotal:
    """A month of the contract: metered kWh beside the kWh its invoice billed."""

    month: dt.date
    metered: Decimal
    invoice: BilledMonth | None
    unread: int  # meter zones without a reading at the month's end

    @property
    def billed(self) -> Decimal | None:
        return self.invoice.kwh if self.invoice is not None else None

    @property
    def difference(self) -> Decimal:
        return (self.billed if self.billed is not None else Decimal(0)) - self.metered

    @property
    def reason(self) -> str:
        """Why the invoice differs from the meters, said on its own line."""
        if self.invoice is None:
            return "счет за месяц еще не выставлен"
        if not self.difference:
            return ""
        reasons = []
        if self.invoice.corrections:
            numbers = ", ".join(f"№ {number}" for number in self.invoice.corrections)
            reasons.append(
                f"корректировка {self.invoice.corrected_kwh.normalize():f} кВт·ч "
                f"(корректировочный счет-фактура {numbers})"
            )
        rest = self.difference - self.invoice.corrected_kwh
        if rest and self.unread:
            reasons.append(f"{ESTIMATED}: нет показаний на конец месяца ({self.unread})")
        elif rest:
            reasons.append("потери и иные объемы по данным биллинга")
        return "; ".join(reasons)


@dataclass
class ConsumptionBreakdown:
    contract: Contract
    start: dt.date
    end: dt.date
    points: list[PointConsumption]
    billed: dict[dt.date, BilledMonth] = field(default_factory=dict)

    @property
    def kwh(self) -> Decimal:
        return sum((point.kwh for point in self.points), Decimal("0.000"))

    @property
    def by_zone(self) -> list[tuple[str, Decimal]]:
        totals: dict[str, Decimal] = {}
        for point in self.points:
            for row in point.rows:
                if row.kwh is not None:
                    totals[row.zone] = totals.get(row.zone, Decimal("0.000")) + row.kwh
        return list(totals.items())

    @property
    def months(self) -> list[MonthTotal]:
        result = []
        month = self.start
        while month <= self.end:
            unread = sum(
                1
                for point in self.points
                for row in point.rows
                for m in row.months
                if m.month == month and m.kwh is None
            )
            metered = sum((point.month_kwh(month) for point in self.points), Decimal("0.000"))
            result.append(MonthTotal(month, metered, self.billed.get(month), unread))
            month = month_start(month, 1)
        return result

    @property
    def billed_kwh(self) -> Decimal:
        return sum((month.kwh for month in self.billed.values()), Decimal("0.000"))


def _month_rows(
    meter: Meter, series: list[tuple[dt.date, Decimal, bool, str]], start: dt.date, end: dt.date
) -> list[MonthRow]:
    """Each month from `start` to `end`: the last reading before it, the last inside it, and
    the kWh of the readings inside it (`Meter.consumption`, so a drop counts across zero only
    where it was confirmed as a rollover). A month without a reading at its end has no kWh:
    its volume is billing's estimate («расчетный способ»)."""
    rows = []
    month = start
    previous = None  # the last reading before the month
    position = 0
    while position < len(series) and series[position][0] < start:
        previous = series[position]
        position += 1
    while month <= end:
        closing = month_end(month)
        inside = []
        while position < len(series) and series[position][0] <= closing:
            inside.append(series[position])
            position += 1
        if inside and previous is not None:
            chain = [previous, *inside]
            kwh = sum(
                (
                    meter.consumption(old[1], new[1], rollover=new[2])
                    for old, new in pairwise(chain)
                ),
                Decimal(0),
            ).quantize(KWH)
        elif len(inside) > 1:
            kwh = sum(
                (
                    meter.consumption(old[1], new[1], rollover=new[2])
                    for old, new in pairwise(inside)
                ),
                Decimal(0),
            ).quantize(KWH)
        else:
            kwh = None
        opening = previous if previous is not None else (inside[0] if len(inside) > 1 else None)
        last = inside[-1] if kwh is not None else None
        rows.append(
            MonthRow(
                month=month,
                start_date=opening[0] if opening else None,
                start_value=opening[1] if opening else None,
                end_date=last[0] if last else None,
                end_value=last[1] if last else None,
                kwh=kwh,
                source=Reading.origin_label(last[3], meter) if last else ESTIMATED,
            )
        )
        if inside:
            previous = inside[-1]
        month = month_start(month, 1)
    return rows


def consumption(contract: Contract, start: dt.date, end: dt.date) -> ConsumptionBreakdown:
    """Per delivery point, meter and zone, month by month: the readings and the kWh between,
    with each month's total beside the kWh its invoice billed (billing's own figure).

    The start of a month is the last accepted reading before it (usually the end
    of the month before); a meter first read inside the period starts there.
    """
    start = start.replace(day=1)
    closing_day = last_day(end.replace(day=1))
    points = list(
        DeliveryPoint.objects.filter(contract=contract).prefetch_related("meters").order_by("code")
    )
    accepted = Reading.objects.filter(
        meter__delivery_point__contract=contract, status=Reading.Status.ACCEPTED
    )
    before = {
        (row["meter_id"], row["zone"]): row["before"]
        for row in accepted.filter(date__lt=start)
        .values("meter_id", "zone")
        .annotate(before=Max("date"))
    }
    # The readings inside the period, and the last one before it of each meter and zone.
    readings: dict[tuple[int, str], list[tuple[dt.date, Decimal, bool, str]]] = {}
    for meter_id, zone, day, value, rollover, source in (
        accepted.filter(
            Q(date__gte=start, date__lte=closing_day) | Q(date__in=set(before.values()))
        )
        .order_by("date")
        .values_list("meter_id", "zone", "date", "value", "rollover", "source")
    ):
        if day >= start or before.get((meter_id, zone)) == day:
            readings.setdefault((meter_id, zone), []).append((day, value, rollover, source))
    result = []
    last_month = closing_day.replace(day=1)
    for point in points:
        item = PointConsumption(point.code, point.address, point.voltage_level)
        for meter in point.meters.all():
            for zone in meter.zone_codes:
                series = readings.get((meter.id, zone), [])
                item.rows.append(
                    ConsumptionRow(
                        meter_number=meter.number,
                        meter_model=meter.model,
                        coefficient=meter.coefficient,
                        zone=ReadingZone(zone).label,
                        months=_month_rows(meter, series, start, last_month),
                    )
                )
        result.append(item)
    return ConsumptionBreakdown(
        contract=contract,
        start=start,
        end=closing_day,
        points=result,
        billed=billed_kwh(contract, start, last_month),
    )
