"""Demo customers, contracts and their ledger; a large set for benchmarks on request."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import partial

from billing.models import Branch, Contract, Customer, KeyRateConfirmation, LedgerEntry
from billing.services import accrue_penalties
from billing.validators import valid_inn
from billing.vat import vat_amount, vat_rate_for
from core.bulk import copy_rows
from core.dates import month_end, month_start
from core.formatting import round_money
from meters.demo import contract_month_kwh

BRANCHES = (("kemerovo", "Кемерово"), ("berezovsky", "Березовский"))

# (branch, number, date, name, inn, kpp, address, category, voltage, max power kW); the
# monthly kWh the invoices bill come from the demo meters (meters.demo.contract_month_kwh).
DEMO_CONTRACTS = (
    (
        "kemerovo", "1001", dt.date(2018, 3, 1), "ООО «Кузбасский хлеб»", "4205000016", "420501001",
        "650000, Кемеровская обл., г. Кемерово, ул. Мира, 1", 1, "НН", Decimal("150"),
    ),
    (
        "kemerovo", "2002", dt.date(2015, 7, 15), "АО «Кемеровский механический завод»", "4205000023",
        "420501001", "650021, Кемеровская обл., г. Кемерово, ул. Островского, 32", 3, "СН2",
        Decimal("1200"),
    ),
    (
        "berezovsky", "0001с", dt.date(2020, 1, 20), "ИП Иванов Иван Иванович", "420500001006", "",
        "652420, Кемеровская обл., г. Березовский, пр-кт Ленина, 14", 2, "НН", Decimal("15"),
    ),
    (
        "kemerovo", "4004", dt.date(2019, 2, 1), "АО «Кемеровский механический завод»", "4205000023",
        "420501001", "650021, Кемеровская обл., г. Кемерово, ул. Островского, 32а, литейный цех", 4,
        "СН2", Decimal("2500"),
    ),
    (
        "kemerovo", "3003", dt.date(2021, 4, 1), "ООО «Новая котельная»", "4205000030", "420501001",
        "650099, Кемеровская обл., г. Кемерово, ул. Весенняя, 7", 1, "НН", Decimal("50"),
    ),
)  # fmt: skip
# A contract with no cabinet yet, for trying registration (README): its e-mail in billing
# receives the confirmation link (in development a file under var/mail).
UNREGISTERED_CONTRACT = ("kemerovo", "3003")
UNREGISTERED_EMAIL = "kotelnaya@example.ru"

# The benchmark contracts' price (seed_scale); the demo contracts are billed at demo_price.
PRICE_PER_KWH = Decimal("8.4275")
ZERO = Decimal("0.00")
DEMO_MONTHS = 24  # as many months as meters.demo has readings


def demo_price(contract: Contract, period: dt.date) -> Decimal:
    """руб/кВт·ч without НДС that a demo invoice bills: the demo calculator's one-rate price of
    the month for the contract's voltage and power band (calculator.demo.category_1_rate).

    Every demo contract is billed at that price, whatever its category: the demo's figures
    are one price × the metered kWh, and a category-1 month priced by the calculator equals
    its invoice to the kopeck.
    """
    from calculator.demo import category_1_rate
    from calculator.pricing import band_for

    rate = category_1_rate(period, contract.voltage_level, band_for(contract.max_power_kw))
    return rate / 1000


def ledger_history(
    contract: Contract, volume_of: Callable[[dt.date], Decimal], months: int, today: dt.date
) -> list[LedgerEntry]:
    """Monthly accruals of the metered kWh (`volume_of(period)`) and the payments for them;
    the last month stays unpaid."""
    entries = []
    for back in range(months, 0, -1):
        period = month_start(today, -back)
        volume = volume_of(period)
        net = round_money(volume * demo_price(contract, period))
        vat = vat_amount(net, vat_rate_for(period))
        doc = f"{contract.number}-{period:%Y%m}"
        entries.append(
            LedgerEntry(
                contract=contract, kind=LedgerEntry.Kind.ACCRUAL, date=month_end(period), period=period,
                doc_number=doc, doc_date=month_end(period), description=f"Электроэнергия за {period:%m.%Y}",
                volume_kwh=volume, amount_net=net, vat=vat, debit=net + vat, source=LedgerEntry.Source.DEMO,
            )
        )  # fmt: skip
        if back > 1:
            paid_on = month_start(period, 1) + dt.timedelta(days=14)
            entries.append(
                LedgerEntry(
                    contract=contract, kind=LedgerEntry.Kind.PAYMENT, date=paid_on,
                    doc_number=f"п/п {100 + back}", doc_date=paid_on, description="Оплата по платежному поручению",
                    credit=net + vat, source=LedgerEntry.Source.DEMO,
                )
            )  # fmt: skip
    return entries


def seed(ctx: dict, stdout) -> None:
    today = dt.date.today()
    branches = {}
    for code, name in BRANCHES:
        branches[code], _ = Branch.objects.get_or_create(code=code, defaults={"name": name})
    contracts = {}
    for (
        branch,
        number,
        date,
        name,
        inn,
        kpp,
        address,
        category,
        voltage,
        power,
    ) in DEMO_CONTRACTS:
        customer, _ = Customer.objects.get_or_create(
            inn=inn, kpp=kpp, defaults={"name": name, "legal_address": address}
        )
        contract, created = Contract.objects.get_or_create(
            branch=branches[branch],
            number=number,
            defaults=dict(
                date=date, customer=customer, address=address, price_category=category,
                voltage_level=voltage, max_power_kw=power,
                email=UNREGISTERED_EMAIL if (branch, number) == UNREGISTERED_CONTRACT else "",
            ),
        )  # fmt: skip
        if created:
            # The invoices bill what the demo meters measured (meters.demo's one plan).
            volume_of = partial(contract_month_kwh, (branch, number))
            LedgerEntry.objects.bulk_create(ledger_history(contract, volume_of, DEMO_MONTHS, today))
        contracts[(branch, number)] = contract
    ctx["branches"] = branches
    ctx["unregistered_contract"] = contracts[UNREGISTERED_CONTRACT]
    ctx["price_of"] = demo_price
    ctx["contracts"] = contracts
    # The demo's clock moves: its rates count as confirmed up to the day it is seeded.
    KeyRateConfirmation.objects.get_or_create(
        confirmed_to=today, defaults={"source": "демо-данные: на день заполнения"}
    )
    # Booked penalties up to the end of last month for two of the demo contracts; 1001 stays
    # without, so that its balance is exactly its unpaid last month.
    accrue_penalties(
        month_end(today, -1),
        contracts=[contracts[("kemerovo", "2002")], contracts[("berezovsky", "0001с")]],
    )
    if ctx.get("scale_contracts"):
        ctx["scale_contract_ids"] = seed_scale(ctx, branches["kemerovo"], today, stdout)


def seed_scale(ctx: dict, branch: Branch, today: dt.date, stdout) -> list[int]:
    """N benchmark contracts `B00001…` with `history_months` of ledger, in bulk."""
    count = ctx["scale_contracts"]
    months = ctx["history_months"]
    numbers = [f"B{n:05d}" for n in range(1, count + 1)]
    existing = set(
        Contract.objects.filter(branch=branch, number__in=numbers).values_list("number", flat=True)
    )
    todo = [n for n in numbers if n not in existing]
    customers = Customer.objects.bulk_create(
        [
            Customer(name=f"ООО «Нагрузка {n}»", inn=valid_inn(f"42{int(n[1:]):07d}"), kpp="420501001",
                     legal_address=f"650000, г. Кемерово, ул. Тестовая, {int(n[1:])}")
            for n in todo
        ],
        batch_size=2000,
    )  # fmt: skip
    new_contracts = Contract.objects.bulk_create(
        [
            Contract(branch=branch, number=n, date=dt.date(2020, 1, 1), customer=c, address=c.legal_address,
                     price_category=1 + i % 6 if i % 6 < 2 else 3 + i % 4, voltage_level="СН2",
                     max_power_kw=Decimal(100 + i % 2000))
            for i, (n, c) in enumerate(zip(todo, customers, strict=True))
        ],
        batch_size=2000,
    )  # fmt: skip
    rates = {
        month_start(today, -back): vat_rate_for(month_start(today, -back))
        for back in range(1, months + 1)
    }
    fields = ["contract_id", "kind", "date", "period", "doc_number", "doc_date", "volume_kwh",
              "amount_net", "vat", "debit", "credit", "source"]  # fmt: skip

    def entries():
        for i, contract in enumerate(new_contracts):
            for back in range(months, 0, -1):
                period = month_start(today, -back)
                volume = Decimal(2000 + (i * 13 + back * 7) % 3000)
                net = round_money(volume * PRICE_PER_KWH)
                total = net + vat_amount(net, rates[period])
                yield (contract.id, "accrual", month_end(period), period, f"{contract.number}-{period:%Y%m}",
                       month_end(period), volume, net, total - net, total, ZERO, "demo")  # fmt: skip
                if back > 1:
                    paid_on = month_start(period, 1) + dt.timedelta(days=14)
                    yield (contract.id, "payment", paid_on, None, f"п/п {back}", paid_on, None, None,
                           None, ZERO, total, "demo")  # fmt: skip

    copy_rows(LedgerEntry, fields, entries())
    stdout.write(f"Договоров для нагрузки: создано {len(new_contracts)}, уже было {len(existing)}.")
    return [
        c.id for c in Contract.objects.filter(branch=branch, number__in=numbers).order_by("number")
    ]
