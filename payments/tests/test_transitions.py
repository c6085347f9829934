"""Each change of a card payment's status, and who may make it.

создан → ожидает оплаты (the bank registered the order) or → не состоялся (it did not);
ожидает оплаты → зачислен / отклонен / отменен / срок оплаты истек, each by the bank's
word; «Отменить» asks the bank, never decides alone.
"""

import datetime as dt
from decimal import Decimal

import httpx
import pytest
from django.test import Client
from django.utils import timezone

from billing.models import LedgerEntry
from core.models import AuditEvent
from gateway.models import Order
from payments import client, services
from payments.models import Payment, PaymentEvent
from payments.tests.helpers import card_page, pay_on_gateway, start

pytestmark = pytest.mark.django_db


def bank_down():
    def refuse(request):
        raise httpx.ConnectTimeout("timed out", request=request)

    client.TRANSPORT = httpx.MockTransport(refuse)


def statuses(payment) -> list[tuple[str, str]]:
    events = payment.events.filter(kind=PaymentEvent.Kind.STATUS)
    return list(events.values_list("old_status", "new_status"))


# --- создан → ожидает оплаты / не состоялся ---------------------------------------


def test_created_becomes_pending_once_the_bank_registers_the_order(alice_client, settings):
    payment = start(alice_client)
    order = Order.objects.get()
    assert payment.status == Payment.Status.PENDING
    assert payment.payment_url.endswith(card_page(payment))
    # The page's deadline is the portal's, sent to the bank (RedirectDueDate).
    assert payment.pay_until - payment.created_at == pytest.approx(
        settings.PAYMENT_LINK_LIFETIME, abs=dt.timedelta(seconds=2)
    )
    assert abs(order.due_at - payment.pay_until) < dt.timedelta(seconds=1)


def test_an_unreachable_bank_at_the_start_ends_the_payment_not_done(alice_client):
    bank_down()
    response = alice_client.post("/cabinet/payments/pay/", {"amount": "1500,00", "agree": "on"})
    assert "Платежный сервис временно недоступен" in response.content.decode()
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.FAILED
    assert payment.error_message == "Платежный сервис был недоступен"
    assert statuses(payment) == [("created", "failed")]
    assert AuditEvent.objects.filter(action="payment.failed").count() == 1
    assert "timed out" in payment.events.get(kind=PaymentEvent.Kind.REGISTER).note


def test_a_start_the_bank_refuses_ends_not_done_with_its_reason(alice_client, settings):
    settings.PAYMENT_SECRET = "not-the-terminals-secret"  # the bank answers «Неверный токен»
    alice_client.post("/cabinet/payments/pay/", {"amount": "1500,00", "agree": "on"})
    payment = Payment.objects.get()
    assert (payment.status, payment.error_message) == ("failed", "Банк не принял заказ")
    assert "204" in payment.events.get(kind=PaymentEvent.Kind.REGISTER).note


def test_a_failed_start_is_not_open_and_says_so(alice_client):
    bank_down()
    alice_client.post("/cabinet/payments/pay/", {"amount": "1500,00", "agree": "on"})
    payment = Payment.objects.get()
    assert not payment.can_be_continued()
    history = alice_client.get("/cabinet/payments/history/").content.decode()
    assert "не состоялся" in history and "Неоконченные платежи" not in history
    client.TRANSPORT = None
    result = alice_client.get(f"/cabinet/payments/{payment.pk}/result/").content.decode()
    assert "Платеж не состоялся: платежный сервис был недоступен" in result


def test_only_a_created_payment_can_fail_its_start(alice_client):
    payment = start(alice_client)
    assert services.fail_start(payment, "x").status == Payment.Status.PENDING


# --- ожидает оплаты → зачислен / отклонен / отменен (the bank's page) -------------


def test_pending_becomes_paid_when_the_bank_confirms(alice_client):
    payment = start(alice_client)
    pay_on_gateway(payment)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.get_status_display() == "зачислен"
    assert statuses(payment) == [("pending", "paid")]
    assert LedgerEntry.objects.get().credit == Decimal("1500.00")


def test_pending_becomes_rejected_when_the_bank_declines(alice_client):
    payment = start(alice_client)
    pay_on_gateway(payment, "5555 5555 5555 4444")
    payment.refresh_from_db()
    assert statuses(payment) == [("pending", "rejected")]


def test_pending_becomes_canceled_when_the_holder_gives_up_on_the_banks_page(alice_client):
    payment = start(alice_client)
    Client().post(f"/gateway/pay/{payment.gateway_payment_id}/cancel/")
    payment.refresh_from_db()
    assert statuses(payment) == [("pending", "canceled")]


# --- ожидает оплаты → срок оплаты истек -------------------------------------------


def test_pending_expires_when_the_bank_says_its_page_expired(alice_client):
    payment = start(alice_client)
    Order.objects.update(due_at=timezone.now() - dt.timedelta(seconds=1))
    html = alice_client.get(f"/cabinet/payments/{payment.pk}/result/").content.decode()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.EXPIRED
    assert payment.gateway_status == "DEADLINE_EXPIRED"
    assert "Срок оплаты истек" in html and "Продолжить оплату" not in html
    assert statuses(payment) == [("pending", "expired")]


def test_the_portals_clock_alone_only_stops_offering_the_banks_page(alice_client):
    payment = start(alice_client)
    assert payment.can_be_continued()
    Payment.objects.filter(pk=payment.pk).update(pay_until=timezone.now())
    payment.refresh_from_db()
    assert not payment.can_be_continued()
    assert payment.status == Payment.Status.PENDING  # the bank has not said it ended


def test_an_expired_page_opened_again_sends_the_payer_back_to_expired(alice_client):
    payment = start(alice_client)
    Order.objects.update(due_at=timezone.now() - dt.timedelta(seconds=1))
    response = Client().get(card_page(payment))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/cabinet/payments/{payment.pk}/result/")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.EXPIRED  # from the bank's notification


# --- «Отменить» ---------------------------------------------------------------


def cancel(client_, payment):
    return client_.post(f"/cabinet/payments/{payment.pk}/cancel/", follow=True)


def test_cancel_cancels_at_the_bank_and_records_who(alice_client, alice):
    payment = start(alice_client)
    html = cancel(alice_client, payment).content.decode()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELED
    assert Order.objects.get().status == "CANCELED"
    assert "Платеж на 1 500,00 руб. отменен. Деньги не списаны." in html
    assert statuses(payment) == [("pending", "canceled")]
    event = AuditEvent.objects.get(action="payment.canceled")
    assert event.user == alice
    assert payment.events.filter(kind=PaymentEvent.Kind.CANCEL).count() == 1


def test_cancel_of_a_payment_the_bank_confirmed_meanwhile_credits_it(alice_client):
    from gateway import notifications

    def lost(request):
        raise httpx.ConnectError("down", request=request)

    notifications.TRANSPORT = httpx.MockTransport(lost)  # the confirmation never arrived
    payment = start(alice_client)
    pay_on_gateway(payment)
    html = cancel(alice_client, payment).content.decode()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert LedgerEntry.objects.get().credit == Decimal("1500.00")
    assert "уже оплачен и зачислен на лицевой счет: отменить его нельзя" in html
    assert AuditEvent.objects.filter(action="payment.cancel_refused").count() == 1


def test_cancel_of_a_page_that_expired_says_it_expired(alice_client):
    payment = start(alice_client)
    Order.objects.update(due_at=timezone.now() - dt.timedelta(seconds=1))
    html = cancel(alice_client, payment).content.decode()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.EXPIRED
    assert "отменить нельзя: срок оплаты истек" in html


def test_cancel_with_the_bank_unreachable_changes_nothing(alice_client):
    payment = start(alice_client)
    bank_down()
    html = cancel(alice_client, payment).content.decode()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert "Платежный сервис временно недоступен" in html
    assert not AuditEvent.objects.filter(action__startswith="payment.cancel").exists()


def test_a_paid_payment_is_not_sent_to_the_bank_to_cancel(alice_client):
    payment = start(alice_client)
    pay_on_gateway(payment)
    bank_down()  # were the bank asked, this would fail
    cancel(alice_client, payment)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID


def test_cancel_is_post_only(alice_client):
    payment = start(alice_client)
    assert alice_client.get(f"/cabinet/payments/{payment.pk}/cancel/").status_code == 405
    assert Payment.objects.get().status == Payment.Status.PENDING


def test_another_customer_cannot_cancel(alice_client, bob):
    payment = start(alice_client)
    alice_client.force_login(bob)
    assert alice_client.post(f"/cabinet/payments/{payment.pk}/cancel/").status_code == 404
    assert Payment.objects.get().status == Payment.Status.PENDING


# --- the bank's word wins ----------------------------------------------------------


def test_a_confirmation_after_an_earlier_end_is_still_credited(alice_client):
    """Were the bank ever to confirm a payment the portal saw end, the money is real."""
    payment = start(alice_client)
    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.EXPIRED)
    state = {
        "OrderId": str(payment.order_id), "PaymentId": payment.gateway_payment_id,
        "Status": "CONFIRMED", "Amount": 150000, "Success": True, "ErrorCode": "0",
    }  # fmt: skip
    payment = services.apply_state(payment.pk, state)
    assert payment.status == Payment.Status.PAID
    assert LedgerEntry.objects.get().credit == Decimal("1500.00")
