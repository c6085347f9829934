"""What the mock bank does with an order: register, show, charge, confirm, tell the merchant."""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from gateway import signing
from gateway.models import Order

# Test cards (documented in README): what each one does at the bank.
CARD_SUCCESS = "4111111111111111"
CARD_NO_FUNDS = "5555555555554444"
CARD_3DS_FAILS = "4000000000000002"

ERROR_NO_FUNDS = ("1051", "Недостаточно средств на карте")
ERROR_3DS = ("101", "Не пройдена аутентификация 3-D Secure")
ERROR_CANCELED = ("0", "Оплата отменена покупателем")


class ApiError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def secret_for(terminal_key: str) -> str:
    try:
        return settings.GATEWAY_TERMINALS[terminal_key]
    except KeyError:
        raise ApiError("204", "Неверный терминал") from None


def check_request(data: dict) -> str:
    """The terminal's secret, once the request's token proves the merchant signed it."""
    secret = secret_for(str(data.get("TerminalKey", "")))
    if not signing.verify(data, secret):
        raise ApiError("204", "Неверный токен. Проверьте пару TerminalKey/SecretKey.")
    return secret


def _int_amount(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ApiError("215", "Неверная сумма")
    text = str(value)
    if not text.isdigit() or not (1 <= int(text) <= 10**12):
        raise ApiError("215", "Неверная сумма")
    return int(text)


def init(data: dict) -> Order:
    """Register an order; the same terminal + OrderId + Amount returns the same order."""
    check_request(data)
    amount = _int_amount(data.get("Amount"))
    order_id = str(data.get("OrderId", ""))[:64]
    if not order_id:
        raise ApiError("9", "Не передан OrderId")
    fields = {
        "amount": amount,
        "due_at": _due_at(data.get("RedirectDueDate")),
        "description": str(data.get("Description", ""))[:255],
        "success_url": str(data.get("SuccessURL", ""))[:500],
        "fail_url": str(data.get("FailURL", ""))[:500],
        "notification_url": str(data.get("NotificationURL", ""))[:500],
    }
    try:
        with transaction.atomic():
            order, _ = Order.objects.get_or_create(
                terminal_key=data["TerminalKey"], order_id=order_id, defaults=fields
            )
    except IntegrityError:
        order = Order.objects.get(terminal_key=data["TerminalKey"], order_id=order_id)
    if order.amount != amount:
        raise ApiError("8", "Заказ с таким OrderId уже зарегистрирован на другую сумму")
    return order


def _due_at(value) -> dt.datetime:
    """RedirectDueDate (`2026-12-03T14:05:00+07:00`), from a minute to 90 days ahead as
    T-Bank takes it; absent: the bank's default lifetime of a payment link."""
    now = timezone.now()
    if value is None or value == "":
        return now + settings.GATEWAY_ORDER_LIFETIME
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise ApiError("9", "Неверный формат RedirectDueDate") from None
    if timezone.is_naive(moment):
        raise ApiError("9", "RedirectDueDate без часового пояса")
    if not now + dt.timedelta(minutes=1) <= moment <= now + dt.timedelta(days=90):
        raise ApiError("9", "RedirectDueDate вне допустимого срока")
    return moment


def _order_of(data: dict) -> Order:
    check_request(data)
    try:
        return Order.objects.get(
            pk=int(str(data.get("PaymentId", ""))), terminal_key=data["TerminalKey"]
        )
    except (ValueError, Order.DoesNotExist):
        raise ApiError("7", "Платеж не найден") from None


def get_state(data: dict) -> Order:
    return expire_if_abandoned(_order_of(data))


def cancel_by_merchant(data: dict) -> Order:
    """Cancel: the merchant stops an order nothing was charged for yet. A paid or
    already ended order cannot be canceled (T-Bank's error 4); its state says why."""
    order = expire_if_abandoned(_order_of(data))
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in Order.CANCELABLE:
            raise ApiError("4", f"Изменение статуса невозможно: платеж в статусе {order.status}")
        _finish(order, Order.Status.CANCELED, "0", "Оплата отменена магазином")
    return order


def deadline(order: Order) -> dt.datetime:
    return order.due_at or order.created_at + settings.GATEWAY_ORDER_LIFETIME


# A holder who reached 3-D Secure in time has this long after the deadline to finish it.
THREE_DS_GRACE = dt.timedelta(minutes=10)


def _abandoned(order: Order, now: dt.datetime) -> bool:
    if order.status in (Order.Status.NEW, Order.Status.FORM_SHOWED):
        return deadline(order) <= now
    if order.status == Order.Status.THREE_DS_CHECKING:
        return deadline(order) + THREE_DS_GRACE <= now
    return False


@transaction.atomic
def expire_if_abandoned(order: Order) -> Order:
    """An order whose card form was not submitted by its deadline (RedirectDueDate)
    expires; one left in 3-D Secure, THREE_DS_GRACE later."""
    if _abandoned(order, timezone.now()):
        order = Order.objects.select_for_update().get(pk=order.pk)
        if _abandoned(order, timezone.now()):
            _finish(order, Order.Status.DEADLINE_EXPIRED, "0", "Истек срок оплаты")
    return order


def state_fields(order: Order) -> dict:
    """The order as the API reports it (GetState and notifications), unsigned."""
    fields = {
        "TerminalKey": order.terminal_key,
        "OrderId": order.order_id,
        "Success": order.status != Order.Status.REJECTED,
        "Status": order.status,
        "PaymentId": order.payment_id,
        "ErrorCode": order.error_code,
        "Amount": order.amount,
        "Message": order.message,
    }
    if order.status == Order.Status.CONFIRMED:
        fields.update(
            {
                "Pan": order.masked_pan,
                "RRN": order.rrn,
                "AuthCode": order.auth_code,
                "FiscalDocumentNumber": order.fiscal_document_number,
                "FiscalDocumentAttribute": order.fiscal_sign,
                "FnNumber": order.fn_number,
                "ConfirmedAt": timezone.localtime(order.confirmed_at).isoformat(),
            }
        )
    return fields


def signed_state(order: Order) -> dict:
    fields = state_fields(order)
    fields["Token"] = signing.token(fields, secret_for(order.terminal_key))
    return fields


def luhn_ok(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def expiry_ok(month: int, year: int, today: dt.date) -> bool:
    """A card is valid through the last day of its expiry month."""
    return (year, month) >= (today.year, today.month)


@dataclass
class CardOutcome:
    needs_3ds: bool
    status: str


def mask(number: str) -> str:
    return f"{number[:6]}******{number[-4:]}"


@transaction.atomic
def charge(order: Order, number: str) -> CardOutcome:
    """The card was accepted by the form: decline it or send it through 3-D Secure."""
    order = expire_if_abandoned(Order.objects.select_for_update().get(pk=order.pk))
    if order.status in Order.FINAL:
        return CardOutcome(False, order.status)
    order.masked_pan = mask(number)
    if number == CARD_NO_FUNDS:
        order.test_card = "no_funds"
        _finish(order, Order.Status.REJECTED, *ERROR_NO_FUNDS)
        return CardOutcome(False, order.status)
    order.test_card = "3ds_fails" if number == CARD_3DS_FAILS else "success"
    order.status = Order.Status.THREE_DS_CHECKING
    order.save(update_fields=("masked_pan", "test_card", "status", "updated_at"))
    return CardOutcome(True, order.status)


@transaction.atomic
def confirm_3ds(order: Order) -> Order:
    """The holder confirmed on the 3-D Secure page: the issuer approves or refuses."""
    order = expire_if_abandoned(Order.objects.select_for_update().get(pk=order.pk))
    if order.status != Order.Status.THREE_DS_CHECKING:
        return order
    if order.test_card == "3ds_fails":
        _finish(order, Order.Status.REJECTED, *ERROR_3DS)
        return order
    order.rrn = "".join(secrets.choice("0123456789") for _ in range(12))
    order.auth_code = "".join(secrets.choice("0123456789") for _ in range(6))
    order.fiscal_document_number = str(secrets.randbelow(90000) + 10000)
    order.fiscal_sign = str(secrets.randbelow(9 * 10**9) + 10**9)
    order.fn_number = "9960440300" + "".join(secrets.choice("0123456789") for _ in range(6))
    order.confirmed_at = timezone.now()
    _finish(order, Order.Status.CONFIRMED, "0", "")
    return order


@transaction.atomic
def cancel(order: Order) -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status not in Order.FINAL:
        _finish(order, Order.Status.CANCELED, *ERROR_CANCELED)
    return order


def show_form(order: Order) -> None:
    Order.objects.filter(pk=order.pk, status=Order.Status.NEW).update(
        status=Order.Status.FORM_SHOWED, updated_at=timezone.now()
    )


def _finish(order: Order, status: str, code: str, message: str) -> None:
    order.status = status
    order.error_code = code
    order.message = message
    order.save()
    # Queued in the same transaction; the view sends it once this has committed.
    order.notifications.create(payload=signed_state(order))
