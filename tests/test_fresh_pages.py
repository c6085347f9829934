"""A cabinet page shows what the database holds at the moment of the request: a change
made behind Django's back (an import's `bulk_create`, `QuerySet.update`, an operator's
SQL) is on the very next visit, with no cache to empty and no restart."""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from billing.models import LedgerEntry
from meters.models import Meter
from meters.tests.conftest import make_meter, monthly

pytestmark = pytest.mark.django_db


def text_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_account_shows_a_payment_loaded_by_an_import_on_the_next_visit(
    alice_client, alice_contract
):
    url = reverse("billing:account")
    assert "12 345,67" not in text_of(alice_client, url)
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                contract=alice_contract, kind="payment", source="import",
                date=timezone.localdate(), doc_number="п/п 77", credit=Decimal("12345.67"),
            )
        ]
    )  # fmt: skip
    text = text_of(alice_client, url)
    assert "12 345,67" in text and "п/п 77" in text


def test_the_account_shows_a_customer_renamed_by_sql(alice_client, alice_contract):
    url = reverse("billing:account")
    assert "ООО «Альфа»" in text_of(alice_client, url)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE billing_customer SET name = %s WHERE id = %s",
            ["ООО «Альфа-Энерго»", alice_contract.customer_id],
        )
    assert "ООО «Альфа-Энерго»" in text_of(alice_client, url)


def test_the_readings_chooser_shows_a_meter_renamed_or_added_by_an_import(
    alice_client, alice_contract
):
    meter = make_meter(alice_contract, "111", history=monthly(5000, months=2))
    make_meter(alice_contract, "222")
    url = reverse("meters:readings")
    assert "№ 111" in text_of(alice_client, url)
    Meter.objects.filter(pk=meter.pk).update(number="111-А")
    Meter.objects.bulk_create(
        [Meter(delivery_point=meter.delivery_point, number="333", model="Меркурий 234")]
    )
    text = text_of(alice_client, url)
    assert "№ 111-А" in text and "№ 333" in text
