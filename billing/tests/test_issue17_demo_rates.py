"""Issue 17, «Demo data that ties out»: the demo calculator's rates are the ones the demo
invoices bill (billing.demo.demo_price is calculator.demo.category_1_rate of the month)."""

import pytest

from calculator.models import FlatRate
from calculator.pricing import band_for
from documents.models import Document

pytestmark = pytest.mark.usefixtures("demo_once")  # conftest: the demo, seeded once


def test_a_category_1_demo_invoice_bills_the_demo_calculators_rate_of_its_month(db):
    compared = []
    invoices = Document.objects.filter(
        kind=Document.Kind.VAT_INVOICE, contract__price_category=1
    ).select_related("contract")
    for invoice in invoices:
        contract = invoice.contract
        rate = FlatRate.objects.filter(
            tariff_month__month=invoice.period, price_category=1, zone="",
            voltage_level=contract.voltage_level, power_band=band_for(contract.max_power_kw),
        ).first()  # fmt: skip
        if rate is None:
            continue  # a month the demo calculator has no tariffs for
        for line in invoice.lines.all():
            compared.append((contract.number, invoice.period, line.price * 1000, rate.rate))
    assert compared  # the demo's category-1 contracts 1001 and 3003 have months of both
    assert [row for row in compared if row[2] != row[3]] == []


def test_the_calculator_prices_a_category_1_demo_month_as_its_invoice_to_the_kopeck(db):
    from billing.models import Contract, LedgerEntry
    from calculator import pricing, services
    from calculator.models import TariffMonth

    contract = Contract.objects.get(number="1001")
    month = TariffMonth.objects.order_by("-month").first()
    accrual = LedgerEntry.objects.get(contract=contract, kind="accrual", period=month.month)
    estimate = services.calculate(
        services.Inputs(
            tariff_month=month, category=1, voltage_level=contract.voltage_level,
            max_power_kw=contract.max_power_kw,
            consumption=pricing.MonthlyConsumption(month=month.month, total_kwh=accrual.volume_kwh),
        )
    )  # fmt: skip
    assert (estimate.cost.net, estimate.cost.vat, estimate.cost.total) == (
        accrual.amount_net,
        accrual.vat,
        accrual.debit,
    )
