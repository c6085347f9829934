"""What seed_demo leaves, read from one seed of the module (conftest.demo_once). The tests
that need a database without the demo (the refusal with DEBUG off, --allow-production, the
large set) are in test_seed_demo.py."""

import datetime as dt

import pytest
from django.core.management import call_command

from accounts.models import User
from billing.models import Contract, LedgerEntry
from core.dates import month_end
from meters.models import Meter, Reading

pytestmark = pytest.mark.usefixtures("demo_once")


def test_seed_demo_creates_the_seed_meter_with_its_last_reading(db):
    meter = Meter.objects.select_related("delivery_point").get(number="108008060")
    assert meter.model == "СКАТ 101Э/1-3 ШР1"
    assert meter.coefficient == 1
    assert meter.delivery_point.address == "Кемеровская обл., г. Кемерово, ул. Мира, 1"
    last = meter.readings.order_by("-date").first()
    assert last.value == 36156
    assert last.date == month_end(dt.date.today(), -1)


def test_seed_demo_is_idempotent(db):
    counts = (
        Contract.objects.count(),
        LedgerEntry.objects.count(),
        Reading.objects.count(),
        User.objects.count(),
    )
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    again = (
        Contract.objects.count(),
        LedgerEntry.objects.count(),
        Reading.objects.count(),
        User.objects.count(),
    )
    assert counts == again
    assert Contract.objects.filter(branch__code="berezovsky").exists()
    assert set(Contract.objects.values_list("price_category", flat=True)) >= {1, 2, 3}


def test_demo_ledger_balance_is_the_unpaid_last_month(db):
    contract = Contract.objects.get(number="1001")
    entries = LedgerEntry.objects.filter(contract=contract)
    last = entries.filter(kind="accrual").order_by("-period").first()
    paid = sum(e.credit for e in entries)
    charged = sum(e.debit for e in entries)
    assert charged - paid == last.debit
