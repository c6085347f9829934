"""Issue 17, «Demo data that ties out»: the demo calculator's rates are the ones the demo
invoices bill. Not so on main yet: the demo's VAT invoices bill a flat 8,4275 руб/кВт·ч net
(billing.demo.PRICE_PER_KWH) while the demo calculator's category-1 rate for НН under 670 kW is
about 7 245,00 руб/МВт·ч (calculator.demo). Strict xfail: whoever makes them agree sees this
test pass and removes the mark."""

import io

import pytest
from django.core.management import call_command

from calculator.models import FlatRate
from calculator.pricing import band_for
from documents.models import Document


@pytest.mark.xfail(
    strict=True, reason="demo invoices bill 8,4275 руб/кВт·ч, the demo calculator ~7,245"
)
def test_a_category_1_demo_invoice_bills_the_demo_calculators_rate_of_its_month(db):
    call_command("seed_demo", stdout=io.StringIO())
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
