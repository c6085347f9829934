"""The mock bank's HTTP face: a JSON API for the merchant and pages for the card holder."""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core import clientip, jsonbody
from gateway import services
from gateway.forms import CardForm
from gateway.models import Order
from gateway.notifications import send_pending

logger = logging.getLogger("eskk.gateway")


class RefusedBody(Exception):
    """A body the bank's API does not parse: over 64 KB, not a JSON object, or unsafe values."""

    def __init__(self, error: jsonbody.BadBody):
        self.status = error.status
        self.reason = error.reason


def _json_body(request: HttpRequest) -> dict:
    body = b""
    try:
        body = jsonbody.read_body(request)
        return jsonbody.parse_object(body or b"{}")
    except jsonbody.BadBody as error:
        logger.warning(
            "gateway: refused a request from %s: %s: %r",
            clientip.client_ip(request) or "-",
            error.reason,
            jsonbody.excerpt(body)[:200],
        )
        raise RefusedBody(error) from None


def _refused(error: RefusedBody) -> JsonResponse:
    return JsonResponse(
        {"Success": False, "ErrorCode": "9", "Message": "Неверный формат запроса",
         "Details": error.reason},
        status=error.status,
    )  # fmt: skip


def _error(error: services.ApiError) -> JsonResponse:
    return JsonResponse(
        {"Success": False, "ErrorCode": error.code, "Message": error.message, "Details": ""}
    )


@csrf_exempt
@require_POST
def api_init(request: HttpRequest) -> JsonResponse:
    """Init: register an order, answer with the payment page's URL."""
    try:
        order = services.init(_json_body(request))
    except RefusedBody as error:
        return _refused(error)
    except services.ApiError as error:
        return _error(error)
    return JsonResponse(
        {
            "Success": True,
            "ErrorCode": "0",
            "TerminalKey": order.terminal_key,
            "Status": order.status,
            "PaymentId": order.payment_id,
            "OrderId": order.order_id,
            "Amount": order.amount,
            "PaymentURL": request.build_absolute_uri(_page_url(order)),
        }
    )


@csrf_exempt
@require_POST
def api_get_state(request: HttpRequest) -> JsonResponse:
    """GetState: the order's status as the bank knows it now."""
    try:
        order = services.get_state(_json_body(request))
    except RefusedBody as error:
        return _refused(error)
    except services.ApiError as error:
        return _error(error)
    # The request succeeded whatever the payment's fate; the fate is in Status.
    return JsonResponse({**services.state_fields(order), "Success": True, "ErrorCode": "0"})


@csrf_exempt
@require_POST
def api_cancel(request: HttpRequest) -> JsonResponse:
    """Cancel: the merchant stops an unpaid order; the bank tells it so, as for any end."""
    try:
        order = services.cancel_by_merchant(_json_body(request))
    except RefusedBody as error:
        return _refused(error)
    except services.ApiError as error:
        return _error(error)
    send_pending(order)
    return JsonResponse(
        {
            "Success": True,
            "ErrorCode": "0",
            "TerminalKey": order.terminal_key,
            "Status": order.status,
            "PaymentId": order.payment_id,
            "OrderId": order.order_id,
            "OriginalAmount": order.amount,
            "NewAmount": 0,
        }
    )


def _page_url(order: Order) -> str:
    return reverse("gateway:pay", kwargs={"payment_id": order.pk})


def _redirect_back(order: Order) -> HttpResponse:
    """Tell the merchant first (one immediate attempt), then send the browser back."""
    send_pending(order)
    target = order.success_url if order.status == Order.Status.CONFIRMED else order.fail_url
    return HttpResponseRedirect(target)


def pay(request: HttpRequest, payment_id: int) -> HttpResponse:
    """The payment page: card number, expiry, holder, CVV/CVC2."""
    order = services.expire_if_abandoned(get_object_or_404(Order, pk=payment_id))
    if order.status in Order.FINAL:
        return _redirect_back(order)
    if order.status == Order.Status.THREE_DS_CHECKING:
        return HttpResponseRedirect(reverse("gateway:three_ds", args=[order.pk]))
    form = CardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = services.charge(order, form.cleaned_data["card_number"])
        order.refresh_from_db()
        if outcome.needs_3ds:
            return HttpResponseRedirect(reverse("gateway:three_ds", args=[order.pk]))
        return _redirect_back(order)
    services.show_form(order)
    return render(request, "gateway/pay.html", {"order": order, "form": form})


def three_ds(request: HttpRequest, payment_id: int) -> HttpResponse:
    """The issuer's 3-D Secure step: the holder confirms the payment."""
    order = services.expire_if_abandoned(get_object_or_404(Order, pk=payment_id))
    if order.status != Order.Status.THREE_DS_CHECKING:
        if order.status in Order.FINAL:
            return _redirect_back(order)
        return HttpResponseRedirect(_page_url(order))
    if request.method == "POST":
        order = services.confirm_3ds(order)
        return _redirect_back(order)
    return render(request, "gateway/three_ds.html", {"order": order})


@require_POST
def cancel(request: HttpRequest, payment_id: int) -> HttpResponse:
    """The holder gave up: the order is canceled and the browser goes back to the shop."""
    order = services.cancel(get_object_or_404(Order, pk=payment_id))
    return _redirect_back(order)
