"""The gateway's card page checks the card; the test cards end as documented."""

import pytest
from django.conf import settings

from gateway import signing
from gateway.models import Notification, Order
from gateway.notifications import retry_delay

pytestmark = pytest.mark.django_db

GOOD = {"card_number": "4111 1111 1111 1111", "expiry": "12/30", "holder": "IVAN PETROV",
        "cvv": "123"}  # fmt: skip


@pytest.fixture
def order(db):
    return Order.objects.create(
        terminal_key=settings.PAYMENT_TERMINAL_KEY,
        order_id="o-1",
        amount=150000,
        success_url="http://shop/ok/",
        fail_url="http://shop/fail/",
        notification_url="http://127.0.0.1:8000/nowhere/",
    )


def card(client, order, **changes):
    return client.post(f"/gateway/pay/{order.pk}/", {**GOOD, **changes})


def test_the_page_asks_for_the_card_and_marks_the_form_shown(client, order):
    html = client.get(f"/gateway/pay/{order.pk}/").content.decode()
    for label in ("Номер карты", "Срок действия", "Владелец", "CVV/CVC2", "1\u00a0500,00"):
        assert label in html
    order.refresh_from_db()
    assert order.status == "FORM_SHOWED"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("card_number", "4111 1111 1111 1112", "Неверный номер карты"),
        ("expiry", "01/20", "Срок действия карты истек"),
        ("expiry", "13/30", "ММ/ГГ"),
        ("cvv", "12", "три цифры"),
        ("holder", "Иван", "латиницей"),
    ],
)
def test_a_bad_card_is_refused_next_to_its_field(client, order, field, value, message):
    response = card(client, order, **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    order.refresh_from_db()
    assert order.status == "FORM_SHOWED"


def test_the_success_card_goes_through_3ds_and_is_confirmed(client, order):
    response = card(client, order)
    assert response["Location"] == f"/gateway/3ds/{order.pk}/"
    assert "Подтвердить" in client.get(response["Location"]).content.decode()
    response = client.post(response["Location"])
    assert response["Location"] == "http://shop/ok/"
    order.refresh_from_db()
    assert order.status == "CONFIRMED"
    assert order.masked_pan == "411111******1111"
    assert order.fiscal_document_number and order.rrn


def test_the_no_funds_card_is_rejected_at_once(client, order):
    response = card(client, order, card_number="5555555555554444")
    assert response["Location"] == "http://shop/fail/"
    order.refresh_from_db()
    assert (order.status, order.error_code) == ("REJECTED", "1051")


def test_the_3ds_card_fails_at_the_confirmation_step(client, order):
    response = client.post(card(client, order, card_number="4000000000000002")["Location"])
    assert response["Location"] == "http://shop/fail/"
    order.refresh_from_db()
    assert (order.status, order.error_code) == ("REJECTED", "101")


def test_the_holder_may_cancel(client, order):
    response = client.post(f"/gateway/pay/{order.pk}/cancel/")
    assert response["Location"] == "http://shop/fail/"
    order.refresh_from_db()
    assert order.status == "CANCELED"


def test_a_notification_is_signed_and_retried_until_the_shop_answers_ok(client, order, capsys):
    from django.core.management import call_command

    client.post(card(client, order)["Location"])
    note = Notification.objects.get()
    assert signing.verify(note.payload, settings.PAYMENT_SECRET)
    assert note.payload["Status"] == "CONFIRMED"
    # The shop's URL answered 404: attempted once, not delivered.
    assert (note.attempts, note.delivered_at) == (1, None)
    call_command("gateway_send_notifications")
    note.refresh_from_db()
    assert note.attempts == 1  # the backoff has not passed yet
    Notification.objects.filter(pk=note.pk).update(
        last_attempt_at=note.last_attempt_at - retry_delay(1)
    )
    Order.objects.filter(pk=order.pk).update(
        notification_url="http://127.0.0.1:8000/cabinet/payments/notify/"
    )
    call_command("gateway_send_notifications")
    note.refresh_from_db()
    # The portal knows no such order but answers OK so the bank stops retrying.
    assert note.attempts == 2 and note.delivered_at is not None
    assert "доставлено: 1" in capsys.readouterr().out


def test_a_holder_in_3ds_at_the_deadline_may_finish_within_the_grace(client, order):
    from django.utils import timezone

    from gateway.services import THREE_DS_GRACE

    card(client, order)
    Order.objects.filter(pk=order.pk).update(due_at=timezone.now())
    client.post(f"/gateway/3ds/{order.pk}/")
    assert Order.objects.get(pk=order.pk).status == "CONFIRMED"
    assert THREE_DS_GRACE.total_seconds() == 600


def test_a_3ds_step_left_past_the_grace_expires(client, order):
    import datetime as dt

    from django.utils import timezone

    card(client, order)
    Order.objects.filter(pk=order.pk).update(due_at=timezone.now() - dt.timedelta(minutes=11))
    client.post(f"/gateway/3ds/{order.pk}/")
    assert Order.objects.get(pk=order.pk).status == "DEADLINE_EXPIRED"
