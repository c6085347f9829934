"""The portal's only way to the acquiring gateway: HTTP to `settings.PAYMENT_GATEWAY_URL`.

In development that setting is empty and the mock bank of this very server is
used, at the address the request came to (`make run PORT=8080` pays as well).

The protocol is T-Bank's (Init / GetState / notifications, SHA-256 token over
the sorted root-level fields plus the terminal's password). A real bank's
gateway of the same protocol replaces the mock by settings; another protocol
replaces this module.
"""

import datetime as dt
import hashlib
import hmac
import logging
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

logger = logging.getLogger("eskk.payments")

# Tests point this at the project in-process (an httpx transport); None means real HTTP.
TRANSPORT: httpx.BaseTransport | None = None

# Fields a bank may send that the portal must not keep (card data).
CARD_FIELDS = {"Pan", "CardId", "ExpDate", "RebillId"}


class GatewayUnavailable(Exception):
    """The gateway did not answer (timeout, connection) or answered nonsense."""


class GatewayError(Exception):
    """The gateway answered and refused the request."""


def token(fields: dict, password: str | None = None) -> str:
    values = {
        key: value
        for key, value in fields.items()
        if key != "Token" and not isinstance(value, dict | list)
    }
    values["Password"] = settings.PAYMENT_SECRET if password is None else password
    joined = "".join(_text(values[key]) for key in sorted(values))
    return hashlib.sha256(joined.encode()).hexdigest()


def verify(fields: dict) -> bool:
    """The message was signed with our terminal's secret."""
    if not isinstance(fields, dict) or not isinstance(fields.get("Token"), str):
        return False
    if fields.get("TerminalKey") != settings.PAYMENT_TERMINAL_KEY:
        return False
    # As bytes: compare_digest raises TypeError on a non-ASCII str (a 500, issue 23).
    return hmac.compare_digest(fields["Token"].encode(), token(fields).encode())


def without_card_data(fields: dict) -> dict:
    return {key: value for key, value in fields.items() if key not in CARD_FIELDS}


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _own_url(path: str, request: HttpRequest | None) -> str:
    """`path` on this server: the request's scheme, host and port, or PORTAL_BASE_URL (cron)."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def gateway_url(request: HttpRequest | None = None) -> str:
    """The gateway's base URL: the setting, or (development) the mock bank of this server."""
    if settings.PAYMENT_GATEWAY_URL:
        return settings.PAYMENT_GATEWAY_URL
    return _own_url(reverse("gateway:init").removesuffix("v2/Init"), request)


def notification_url(request: HttpRequest | None = None) -> str:
    """Where the gateway POSTs its notifications: the setting, or this server's notify URL."""
    if settings.PAYMENT_NOTIFICATION_URL:
        return settings.PAYMENT_NOTIFICATION_URL
    return _own_url(reverse("payments:notify"), request)


def _call(method: str, fields: dict, request: HttpRequest | None = None) -> dict:
    body = {"TerminalKey": settings.PAYMENT_TERMINAL_KEY, **fields}
    body["Token"] = token(body)
    try:
        with httpx.Client(
            base_url=gateway_url(request),
            timeout=settings.PAYMENT_GATEWAY_TIMEOUT,
            transport=TRANSPORT,
        ) as http:
            response = http.post(f"v2/{method}", json=body)
        response.raise_for_status()
        answer = response.json()
    except (httpx.HTTPError, ValueError) as error:
        logger.warning("gateway %s failed: %s", method, error.__class__.__name__)
        raise GatewayUnavailable(str(error)) from error
    if not isinstance(answer, dict):
        raise GatewayUnavailable("ответ шлюза не объект")
    if not answer.get("Success") and answer.get("ErrorCode", "0") != "0":
        raise GatewayError(f"{answer.get('ErrorCode')}: {answer.get('Message', '')}")
    return without_card_data(answer)


@dataclass
class GatewayOrder:
    """The order as the gateway registered it: its id there and the page the payer goes to."""

    payment_id: str
    payment_url: str
    status: str
    raw: dict


def init(
    order_id: str,
    amount_kopecks: int,
    description: str,
    success_url: str,
    fail_url: str,
    request: HttpRequest | None = None,
    pay_until: dt.datetime | None = None,
) -> GatewayOrder:
    """Register the order (idempotent by OrderId at the gateway); `request` only gives
    the development address of the mock bank and of the notification URL. After
    `pay_until` (RedirectDueDate) the bank's page takes no card and the bank ends the
    order as DEADLINE_EXPIRED."""
    fields = {
        "Amount": amount_kopecks,
        "OrderId": order_id,
        "Description": description,
        "SuccessURL": success_url,
        "FailURL": fail_url,
        "NotificationURL": notification_url(request),
    }
    if pay_until is not None:
        fields["RedirectDueDate"] = redirect_due_date(pay_until)
    answer = _call("Init", fields, request)
    if answer.get("OrderId") != order_id or answer.get("Amount") != amount_kopecks:
        raise GatewayUnavailable("шлюз вернул другой заказ")
    return GatewayOrder(
        payment_id=str(answer.get("PaymentId", "")),
        payment_url=str(answer.get("PaymentURL", "")),
        status=str(answer.get("Status", "")),
        raw=answer,
    )


def get_state(payment_id: str, request: HttpRequest | None = None) -> dict:
    """The payment's status as the gateway knows it now."""
    return _call("GetState", {"PaymentId": payment_id}, request)


def cancel(payment_id: str, request: HttpRequest | None = None) -> dict:
    """Ask the gateway to cancel an unpaid payment. The answer carries the new Status;
    a payment that can no longer be canceled (paid, already ended) is a GatewayError."""
    return _call("Cancel", {"PaymentId": payment_id}, request)


def redirect_due_date(moment: dt.datetime) -> str:
    """T-Bank's date format: `2026-12-03T14:05:00+07:00`, whole seconds."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()
