"""Cached cabinet content is never stale and never another customer's (core/pagecache.py).

Each test opens a page (its content is then cached), changes the data behind it
the way an import or an operator would — `bulk_create`, `QuerySet.update`, raw SQL,
nothing that sends a Django signal — and opens the page again: the change is on it.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from billing.models import Customer, LedgerEntry
from core.dates import month_end, month_start
from documents.tests.factories import make_vat_invoice
from meters.models import Meter
from meters.tests.conftest import make_meter, monthly
from payments.models import Payment
from payments.tests.factories import make_payment

pytestmark = pytest.mark.django_db


def text_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def payment_in(contract, amount: str, day: dt.date, number: str) -> None:
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                contract=contract, kind="payment", source="import", date=day,
                doc_number=number, credit=Decimal(amount),
            )
        ]
    )  # fmt: skip


def test_the_account_shows_a_payment_loaded_after_it_was_cached(alice_client, alice_contract):
    url = reverse("billing:account")
    assert "12 345,67" not in text_of(alice_client, url)
    payment_in(alice_contract, "12345.67", timezone.localdate(), "п/п 77")
    text = text_of(alice_client, url)
    assert "12 345,67" in text and "п/п 77" in text


def test_the_account_shows_a_renamed_customer(alice_client, alice_contract):
    url = reverse("billing:account")
    assert "ООО «Альфа»" in text_of(alice_client, url)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE billing_customer SET name = %s WHERE id = %s",
            ["ООО «Альфа-Энерго»", alice_contract.customer_id],
        )
    assert "ООО «Альфа-Энерго»" in text_of(alice_client, url)


def test_an_entry_corrected_in_place_is_shown_corrected(alice_client, alice_contract):
    payment_in(alice_contract, "500.00", timezone.localdate(), "п/п 5")
    url = reverse("billing:account")
    assert "500,00" in text_of(alice_client, url)
    LedgerEntry.objects.filter(doc_number="п/п 5").update(credit=Decimal("555.55"))
    assert "555,55" in text_of(alice_client, url)


def test_a_document_list_shows_a_document_issued_after_it_was_cached(alice_client, alice_contract):
    url = reverse("documents:vat_invoices")
    make_vat_invoice(alice_contract, number="СФ-1")
    assert "СФ-1" in text_of(alice_client, url)
    make_vat_invoice(alice_contract, number="СФ-2", date=dt.date(2026, 11, 30))
    assert "СФ-2" in text_of(alice_client, url)


def test_my_payments_show_a_status_changed_by_the_gateway(alice_client, alice_contract, alice):
    payment = make_payment(alice_contract, alice, status=Payment.Status.PENDING)
    url = reverse("payments:list")
    assert "ожидает оплаты" in text_of(alice_client, url)
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.REJECTED)
    text = text_of(alice_client, url)
    assert "отклонен" in text and "ожидает оплаты" not in text


def test_the_reconciliation_shows_an_entry_loaded_after_it_was_cached(alice_client, alice_contract):
    today = timezone.localdate()
    first, last = month_start(today, -12), month_start(today, -1)
    url = reverse("documents:reconciliation") + f"?date_from={first:%Y-%m}&date_to={last:%Y-%m}"
    assert "Платежное поручение № 901" not in text_of(alice_client, url)
    payment_in(alice_contract, "901.00", month_end(last), "п/п 901")
    assert "Платежное поручение № 901" in text_of(alice_client, url)


def test_the_readings_chooser_shows_a_meter_renamed_or_added_after_it_was_cached(
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


def test_a_submitted_reading_is_the_last_one_on_the_next_visit(alice_client, alice_contract):
    meter = make_meter(alice_contract, "444", history=monthly(5000, months=2))
    url = reverse("meters:readings")
    assert "5 300" not in text_of(alice_client, url)
    alice_client.post(
        reverse("meters:submit", args=[meter.pk]),
        {"date": timezone.localdate().isoformat(), "value_T": "5300"},
    )
    assert "5 300" in text_of(alice_client, url)


def test_the_reading_form_offers_the_new_day_after_midnight(client, alice, alice_contract):
    make_meter(alice_contract, "555")
    url = reverse("meters:readings")
    # 20:00 UTC is 03:00 of the next day in Kuzbass (UTC+7).
    with time_machine.travel(dt.datetime(2026, 11, 27, 20, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(alice)
        assert 'value="2026-11-28"' in text_of(client, url)
    with time_machine.travel(dt.datetime(2026, 11, 28, 20, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(alice)
        assert 'value="2026-11-29"' in text_of(client, url)


@pytest.mark.parametrize("name", ["billing:account", "documents:vat_invoices", "payments:list"])
def test_two_customers_never_see_each_others_cached_content(
    client, alice, bob, alice_contract, bob_contract, name
):
    Customer.objects.filter(pk=bob_contract.customer_id).update(name="ООО «Бета»")
    for contract, number in ((alice_contract, "А-100"), (bob_contract, "Б-200")):
        make_vat_invoice(contract, number=number)
        make_payment(contract, status=Payment.Status.PAID, gateway_payment_id=number)
    url = reverse(name)
    client.force_login(alice)
    seen_by_alice = text_of(client, url)
    client.force_login(bob)
    seen_by_bob = text_of(client, url)
    assert "А-100" in seen_by_alice and "Б-200" not in seen_by_alice
    assert "Б-200" in seen_by_bob and "А-100" not in seen_by_bob


def test_no_csrf_token_or_nonce_is_ever_cached(alice_client, alice_contract, monkeypatch):
    """The cached part is the same for every visitor: the live part carries the tokens."""
    stored = []
    store = caches["default"]
    real_set = store.set
    monkeypatch.setattr(
        store,
        "set",
        lambda key, value, *a, **kw: (stored.append(value), real_set(key, value, *a, **kw)),
    )
    make_meter(alice_contract, "666")
    make_vat_invoice(alice_contract)
    today = timezone.localdate()
    query = f"?date_from={month_start(today, -3):%Y-%m}&date_to={month_start(today, -1):%Y-%m}"
    for url in (
        reverse("billing:account"), reverse("payments:list"), reverse("documents:vat_invoices"),
        reverse("documents:reconciliation") + query, reverse("meters:readings"),
    ):  # fmt: skip
        text_of(alice_client, url)
    assert len(stored) >= 6
    for value in stored:
        text = str(value)
        assert "csrfmiddlewaretoken" not in text and "nonce" not in text
    page = text_of(alice_client, reverse("meters:readings"))
    assert 'name="csrfmiddlewaretoken"' in page


def test_a_reconciliation_pdf_is_rendered_once_per_data_version(
    alice_client, alice_contract, monkeypatch
):
    from documents import pdf

    rendered = []
    real_render = pdf.render_pdf
    monkeypatch.setattr(
        pdf, "render_pdf", lambda *a, **kw: rendered.append(1) or real_render(*a, **kw)
    )
    today = timezone.localdate()
    query = {
        "date_from": f"{month_start(today, -3):%Y-%m}",
        "date_to": f"{month_start(today, -1):%Y-%m}",
    }
    url = reverse("documents:reconciliation_pdf")
    first = alice_client.get(url, query)
    again = alice_client.get(url, query)
    assert first.status_code == again.status_code == 200
    assert first.content == again.content and first.content.startswith(b"%PDF")
    assert len(rendered) == 1
    assert first["Content-Disposition"] == again["Content-Disposition"]
    payment_in(alice_contract, "10.00", month_end(today, -1), "п/п 3")
    assert alice_client.get(url, query).status_code == 200
    assert len(rendered) == 2  # the new payment makes a new statement
