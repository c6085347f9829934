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

from billing.ledger import energy_and_penalty_balances
from billing.models import Contract, LedgerEntry
from core.dates import month_end
from core.formatting import money, month_label
from documents.wording import amount_in_words
from meters.models import DeliveryPoint, Reading, ReadingZone

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


@dataclass
class ConsumptionRow:
    meter_number: str
    meter_model: str
    coefficient: Decimal
    zone: str
    start_date: dt.date | None
    start_value: Decimal | None
    end_date: dt.date | None
    end_value: Decimal | None
    kwh: Decimal | None


@dataclass
class PointConsumption:
    code: str
    address: str
    voltage_level: str
    rows: list[ConsumptionRow] = field(default_factory=list)

    @property
    def kwh(self) -> Decimal:
        return sum((row.kwh for row in self.rows if row.kwh is not None), Decimal("0.000"))


@dataclass
class ConsumptionBreakdown:
    contract: Contract
    start: dt.date
    end: dt.date
    points: list[PointConsumption]

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


def consumption(contract: Contract, start: dt.date, end: dt.date) -> ConsumptionBreakdown:
    """Per delivery point, meter and zone: the readings around the period and the kWh between.

    The start reading is the last accepted one before the period (usually the
    end of the previous month); without one, the first inside the period. The
    kWh are those of each accepted reading since the one before it
    (`Meter.consumption`), so a drop counts across zero only where it was
    confirmed as a rollover, and a value billing corrected downwards lowers the sum.
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
    readings: dict[tuple[int, str], list[tuple[dt.date, Decimal, bool]]] = {}
    for meter_id, zone, day, value, rollover in (
        accepted.filter(
            Q(date__gte=start, date__lte=closing_day) | Q(date__in=set(before.values()))
        )
        .order_by("date")
        .values_list("meter_id", "zone", "date", "value", "rollover")
    ):
        if day >= start or before.get((meter_id, zone)) == day:
            readings.setdefault((meter_id, zone), []).append((day, value, rollover))
    result = []
    for point in points:
        item = PointConsumption(point.code, point.address, point.voltage_level)
        for meter in point.meters.all():
            for zone in meter.zone_codes:
                series = readings.get((meter.id, zone), [])
                start_date = start_value = end_date = end_value = kwh = None
                if series:
                    (start_date, start_value, _), (end_date, end_value, _) = series[0], series[-1]
                    kwh = sum(
                        (
                            meter.consumption(old, new, rollover=rollover)
                            for (_, old, _), (_, new, rollover) in pairwise(series)
                        ),
                        Decimal(0),
                    ).quantize(KWH)
                    if end_date < start:
                        # Nothing read inside the period.
                        end_date = end_value = kwh = None
                item.rows.append(
                    ConsumptionRow(
                        meter_number=meter.number,
                        meter_model=meter.model,
                        coefficient=meter.coefficient,
                        zone=ReadingZone(zone).label,
                        start_date=start_date,
                        start_value=start_value,
                        end_date=end_date,
                        end_value=end_value,
                        kwh=kwh,
                    )
                )
        result.append(item)
    return ConsumptionBreakdown(contract=contract, start=start, end=closing_day, points=result)
