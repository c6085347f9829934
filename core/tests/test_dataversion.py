"""Contract.data_version moves with every write to what the cabinet shows, however it is
written (core/dataversion.py). Runs on SQLite locally and on PostgreSQL in CI: the
triggers of each are tested by the same cases."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from billing.models import Contract, Customer, LedgerEntry
from billing.tests.factories import make_entry
from conftest import make_contract
from documents.tests.factories import make_vat_invoice
from meters.models import DeliveryPoint, Meter, Reading
from payments.models import Payment
from payments.tests.factories import make_payment

pytestmark = pytest.mark.django_db


def version(contract) -> int:
    return Contract.objects.values_list("data_version", flat=True).get(pk=contract.pk)


@pytest.fixture
def two(kemerovo):
    return make_contract(kemerovo, "5101"), make_contract(kemerovo, "5102", inn="4205000022")


def point_of(contract, code="ТП-1") -> DeliveryPoint:
    return DeliveryPoint.objects.create(contract=contract, code=code, address="г. Кемерово")


def test_a_new_ledger_entry_moves_its_contract_only(two):
    first, second = two
    before = version(first), version(second)
    make_entry(first)
    assert version(first) > before[0]
    assert version(second) == before[1]


def test_updating_and_deleting_a_ledger_entry_move_the_version(two):
    first, _ = two
    entry = make_entry(first)
    after_insert = version(first)
    LedgerEntry.objects.filter(pk=entry.pk).update(debit=Decimal("1.00"))
    after_update = version(first)
    assert after_update > after_insert
    LedgerEntry.objects.filter(pk=entry.pk).delete()
    assert version(first) > after_update


def test_bulk_create_and_raw_sql_move_the_version(two):
    first, second = two
    before = version(first), version(second)
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(contract=c, kind="payment", date=dt.date(2026, 10, 5), credit=Decimal("5"))
            for c in (first, second)
        ]
    )
    assert version(first) > before[0] and version(second) > before[1]
    middle = version(first)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE billing_ledgerentry SET description = 'x' WHERE contract_id = %s", [first.pk]
        )
    assert version(first) > middle


def test_a_row_moved_to_another_contract_moves_both(two):
    first, second = two
    entry = make_entry(first)
    before = version(first), version(second)
    LedgerEntry.objects.filter(pk=entry.pk).update(contract=second)
    assert version(first) > before[0] and version(second) > before[1]


def test_a_changed_customer_moves_its_contracts(two):
    first, second = two
    before = version(first), version(second)
    Customer.objects.filter(pk=first.customer_id).update(name="ООО «Новое имя»")
    assert version(first) > before[0]
    assert version(second) == before[1]


def test_saving_a_contract_moves_its_version_even_from_a_stale_instance(two):
    first, _ = two
    stale = Contract.objects.get(pk=first.pk)
    make_entry(first)
    make_entry(first, doc_number="Р-2")
    bumped = version(first)
    assert bumped > stale.data_version
    stale.address = "г. Кемерово, ул. Новая, 1"
    stale.save()
    # The stale instance wrote its old number; the row still moved forward.
    assert version(first) == bumped + 1


def test_documents_and_payments_move_the_version(two):
    first, _ = two
    before = version(first)
    make_vat_invoice(first)
    after_document = version(first)
    assert after_document > before
    payment = make_payment(first, status=Payment.Status.PENDING)
    after_payment = version(first)
    assert after_payment > after_document
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.REJECTED)
    assert version(first) > after_payment


def test_meters_and_delivery_points_move_the_version_of_their_contract(two):
    first, second = two
    point = point_of(first)
    after_point = version(first)
    meter = Meter.objects.create(delivery_point=point, number="M-1", model="Меркурий 230")
    after_meter = version(first)
    assert after_meter > after_point
    Meter.objects.filter(pk=meter.pk).update(model="Меркурий 234")
    after_rename = version(first)
    assert after_rename > after_meter
    before_second = version(second)
    DeliveryPoint.objects.filter(pk=point.pk).update(contract=second)
    assert version(first) > after_rename and version(second) > before_second


def test_readings_do_not_move_the_version(two):
    """The import of a million readings does not pay for triggers no cached page needs."""
    first, _ = two
    meter = Meter.objects.create(delivery_point=point_of(first), number="M-2", model="СЕ 301")
    before = version(first)
    Reading.objects.create(meter=meter, date=dt.date(2026, 10, 31), value=Decimal("10"))
    assert version(first) == before
