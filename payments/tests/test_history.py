"""«Мои платежи»: card payments and bank transfers, newest first, paged."""

import datetime as dt
from decimal import Decimal

import pytest

from billing.models import LedgerEntry
from billing.tests.factories import make_entry
from payments.models import Payment
from payments.tests.factories import make_payment

pytestmark = pytest.mark.django_db
URL = "/cabinet/payments/history/"


def transfer(contract, amount="100", doc_number="п/п 1", date=dt.date(2026, 11, 15)):
    """A bank transfer as billing imports it."""
    return LedgerEntry.objects.create(
        contract=contract, kind="payment", source="import", date=date,
        doc_number=doc_number, credit=Decimal(amount),
    )  # fmt: skip


def test_every_payment_shows_date_amount_status_and_the_gateways_reference(
    alice_client, alice_contract, alice
):
    make_payment(alice_contract, alice, gateway_payment_id="700001")
    make_payment(alice_contract, alice, status="rejected", gateway_payment_id="700002")
    make_payment(alice_contract, alice, status="pending", gateway_payment_id="700003")
    make_payment(alice_contract, alice, status="canceled", gateway_payment_id="700004")
    make_payment(alice_contract, alice, status="expired", gateway_payment_id="700005")
    make_payment(alice_contract, alice, status="failed", gateway_payment_id=None)
    html = alice_client.get(URL).content.decode()
    for text in ("зачислен", "отклонен", "ожидает оплаты", "отменен", "срок оплаты истек",
                 "не состоялся", "700001", "1 500,00 руб.", "Чек"):  # fmt: skip
        assert text in html, text


def test_card_payments_show_their_time_and_transfers_their_day(alice_client, alice_contract, alice):
    payment = make_payment(alice_contract, alice, gateway_payment_id="700001")
    Payment.objects.filter(pk=payment.pk).update(
        paid_at=dt.datetime(2026, 11, 20, 14, 5, tzinfo=dt.UTC)  # 21:05 in Кемерово
    )
    transfer(alice_contract, doc_number="п/п 9", date=dt.date(2026, 11, 15))
    html = alice_client.get(URL).content.decode()
    assert "Дата и время" in html
    assert "20.11.2026 21:05" in html
    assert ">15.11.2026<" in html


def test_a_credited_card_payment_and_a_transfer_say_the_same_word(
    alice_client, alice_contract, alice
):
    make_payment(alice_contract, alice, gateway_payment_id="700001")
    transfer(alice_contract, doc_number="п/п 9")
    rows = alice_client.get(URL).context["page"].object_list
    assert [row["status"] for row in rows] == ["зачислен", "зачислен"]


def test_bank_transfers_from_the_ledger_are_listed_too(alice_client, alice_contract):
    transfer(alice_contract, "20000.50", "п/п 512")
    make_entry(alice_contract, kind="accrual", debit=Decimal("5.00"), doc_number="начисление")
    html = alice_client.get(URL).content.decode()
    assert "Банковский перевод" in html and "п/п 512" in html and "20 000,50 руб." in html
    assert "начисление" not in html


def test_a_card_payment_is_listed_once_not_again_as_a_ledger_entry(
    alice_client, alice_contract, alice
):
    make_payment(alice_contract, alice, gateway_payment_id="700001")
    rows = alice_client.get(URL).context["page"].object_list
    assert [row["reference"] for row in rows] == ["700001"]


def test_newest_first_and_paged(alice_client, alice_contract, alice):
    for day in range(1, 26):
        transfer(alice_contract, doc_number=f"п/п {day}", date=dt.date(2026, 10, day))
    make_payment(alice_contract, alice, gateway_payment_id="today")
    first = alice_client.get(URL).context["page"]
    assert first.object_list[0]["reference"] == "today"
    assert first.object_list[1]["reference"] == "п/п 25"
    second = alice_client.get(URL + "?page=2").context["page"]
    assert [row["reference"] for row in second.object_list][-1] == "п/п 1"
    assert len(first.object_list) + len(second.object_list) == 26


def test_only_the_sessions_contract(alice_client, bob_contract, bob):
    make_payment(bob_contract, bob, gateway_payment_id="bobs")
    transfer(bob_contract, doc_number="bobs-transfer")
    html = alice_client.get(URL).content.decode()
    assert "bobs" not in html and "Платежей пока нет" in html


@pytest.mark.parametrize("rows", [1, 15])
def test_the_query_count_does_not_grow_with_the_payments(
    alice_client, alice_contract, alice, django_assert_num_queries, rows
):
    for row in range(rows):
        make_payment(alice_contract, alice)
        transfer(alice_contract, doc_number=f"п/п {row}")
    alice_client.get(URL)
    # session, user with its contract, card payments, ledger transfers
    with django_assert_num_queries(5):
        alice_client.get(URL)


def test_the_receipt_shows_the_fiscal_data(alice_client, alice_contract, alice):
    payment = make_payment(alice_contract, alice, gateway_payment_id="700001")
    html = alice_client.get(f"/cabinet/payments/{payment.pk}/receipt/").content.decode()
    for text in ("Кассовый чек № 10001", "123456789012", "1 500,00 руб.", "ООО «ЭССК»",
                 "700001", "ООО «Альфа»"):  # fmt: skip
        assert text in html, text


def test_an_unpaid_payment_has_no_receipt(alice_client, alice_contract, alice):
    payment = make_payment(alice_contract, alice, status=Payment.Status.REJECTED)
    assert alice_client.get(f"/cabinet/payments/{payment.pk}/receipt/").status_code == 404


def test_another_customers_receipt_is_404(client, alice_contract, alice, bob):
    payment = make_payment(alice_contract, alice)
    client.force_login(bob)
    assert client.get(f"/cabinet/payments/{payment.pk}/receipt/").status_code == 404
