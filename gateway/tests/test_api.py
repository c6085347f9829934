"""The mock gateway's merchant API behaves like T-Bank's Init / GetState."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from gateway import signing
from gateway.models import Order

pytestmark = pytest.mark.django_db


def signed(**fields) -> dict:
    body = {"TerminalKey": settings.PAYMENT_TERMINAL_KEY, **fields}
    body["Token"] = signing.token(body, settings.PAYMENT_SECRET)
    return body


def init_body(order_id="order-1", amount=150000) -> dict:
    return signed(
        Amount=amount,
        OrderId=order_id,
        Description="Оплата",
        SuccessURL="http://shop/ok/",
        FailURL="http://shop/fail/",
        NotificationURL="http://shop/notify/",
    )


def post(client, method, body):
    return client.post(f"/gateway/v2/{method}", body, content_type="application/json").json()


def test_init_registers_an_order_in_kopecks_and_answers_with_the_payment_page(client):
    answer = post(client, "Init", init_body())
    order = Order.objects.get()
    assert answer["Success"] is True
    assert (answer["Status"], answer["Amount"], answer["OrderId"]) == ("NEW", 150000, "order-1")
    assert answer["PaymentId"] == str(order.pk)
    assert answer["PaymentURL"].endswith(f"/gateway/pay/{order.pk}/")
    assert order.amount == 150000


def test_init_is_idempotent_for_the_same_order(client):
    first = post(client, "Init", init_body())
    second = post(client, "Init", init_body())
    assert first["PaymentId"] == second["PaymentId"]
    assert Order.objects.count() == 1


def test_the_same_order_for_another_amount_is_refused(client):
    post(client, "Init", init_body())
    answer = post(client, "Init", init_body(amount=100))
    assert answer["Success"] is False
    assert Order.objects.get().amount == 150000


def test_a_request_with_a_wrong_token_is_refused(client):
    body = init_body()
    body["Token"] = "f" * 64
    answer = post(client, "Init", body)
    assert (answer["Success"], answer["ErrorCode"]) == (False, "204")
    assert not Order.objects.exists()


def test_a_token_covers_every_root_field(client):
    body = init_body()
    body["Amount"] = 1  # changed after signing
    assert post(client, "Init", body)["ErrorCode"] == "204"


def test_get_state_reports_the_orders_status(client):
    payment_id = post(client, "Init", init_body())["PaymentId"]
    answer = post(client, "GetState", signed(PaymentId=payment_id))
    assert (answer["Success"], answer["Status"], answer["Amount"]) == (True, "NEW", 150000)
    assert post(client, "GetState", signed(PaymentId="999999"))["ErrorCode"] == "7"


def test_garbage_is_an_error_answer_not_a_crash(client):
    response = client.post("/gateway/v2/Init", b"\x00not json", content_type="application/json")
    assert response.status_code == 400  # malformed bodies are a 4xx (issue 23)
    assert response.json()["Success"] is False


def test_redirect_due_date_is_the_orders_deadline(client):
    due = (timezone.localtime() + dt.timedelta(minutes=30)).replace(microsecond=0)
    post(client, "Init", {**init_body(), **signed_extra(init_body(), due.isoformat())})
    assert Order.objects.get().due_at == due


def signed_extra(body: dict, due: str) -> dict:
    fields = {key: value for key, value in body.items() if key != "Token"}
    return signed(**{**fields, "RedirectDueDate": due})


@pytest.mark.parametrize("due", ["завтра", "2026-12-03T14:05:00", "2000-01-01T00:00:00+07:00"])
def test_a_bad_redirect_due_date_is_refused(client, due):
    answer = post(client, "Init", signed_extra(init_body(), due))
    assert (answer["Success"], answer["ErrorCode"]) == (False, "9")
    assert not Order.objects.exists()


def test_without_redirect_due_date_the_link_lives_the_banks_default(client, settings):
    post(client, "Init", init_body())
    order = Order.objects.get()
    assert order.due_at - order.created_at == pytest.approx(
        settings.GATEWAY_ORDER_LIFETIME, abs=dt.timedelta(seconds=2)
    )


def test_get_state_past_the_deadline_is_deadline_expired(client):
    payment_id = post(client, "Init", init_body())["PaymentId"]
    Order.objects.update(due_at=timezone.now())
    answer = post(client, "GetState", signed(PaymentId=payment_id))
    assert (answer["Status"], answer["Message"]) == ("DEADLINE_EXPIRED", "Истек срок оплаты")


def test_cancel_stops_an_unpaid_order(client):
    payment_id = post(client, "Init", init_body())["PaymentId"]
    answer = post(client, "Cancel", signed(PaymentId=payment_id))
    assert (answer["Success"], answer["Status"], answer["OrderId"]) == (True, "CANCELED", "order-1")
    order = Order.objects.get()
    assert order.status == "CANCELED"
    assert order.notifications.get().payload["Status"] == "CANCELED"


@pytest.mark.parametrize("status", ["CONFIRMED", "REJECTED", "CANCELED", "DEADLINE_EXPIRED"])
def test_an_ended_order_cannot_be_canceled(client, status):
    payment_id = post(client, "Init", init_body())["PaymentId"]
    Order.objects.update(status=status)
    answer = post(client, "Cancel", signed(PaymentId=payment_id))
    assert (answer["Success"], answer["ErrorCode"]) == (False, "4")
    assert Order.objects.get().status == status


def test_cancel_needs_the_merchants_signature(client):
    payment_id = post(client, "Init", init_body())["PaymentId"]
    body = signed(PaymentId=payment_id)
    body["Token"] = "0" * 64
    assert post(client, "Cancel", body)["ErrorCode"] == "204"
    assert Order.objects.get().status == "NEW"
