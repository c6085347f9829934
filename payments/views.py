from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing.ledger import account_summary
from billing.models import LedgerEntry
from billing.services import penalty_report
from core import jsonbody
from core.access import contract_required
from core.formatting import money
from payments import client, services
from payments.forms import PayForm
from payments.models import Payment

HISTORY_PAGE_SIZE = 20
ZERO = Decimal("0.00")
UNAVAILABLE = "Платежный сервис временно недоступен, попробуйте позже"


def _get_payment_for_contract(request: HttpRequest, pk: int) -> Payment:
    payments = Payment.objects.filter(contract=request.contract)
    return get_object_or_404(payments.select_related("contract__customer"), pk=pk)


@contract_required
def pay(request: HttpRequest) -> HttpResponse:
    """«Оплатить»: register the order with the gateway and send the browser there."""
    amounts = _amounts_due(request)
    purpose = request.GET.get("purpose")
    if purpose not in amounts:
        purpose = LedgerEntry.Purpose.ENERGY
    initial = {"purpose": purpose}
    if amounts[purpose] > 0:
        initial["amount"] = amounts[purpose]
    form = PayForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.start_payment(
                request, request.contract, data["amount"], data["purpose"]
            )
        except (client.GatewayUnavailable, client.GatewayError):
            form.add_error(None, UNAVAILABLE)
        else:
            return redirect(payment.payment_url)
    options = [(radio, amounts[radio.data["value"]]) for radio in form["purpose"]]
    context = {
        "title": "Оплатить",
        "form": form,
        "purpose_options": options,
        "open_payments": _open_payments(Payment.objects.filter(contract=request.contract)),
    }
    return render(request, "payments/pay.html", context)


def _open_payments(payments) -> list[Payment]:
    """Card payments whose bank page still takes the card («Продолжить оплату»)."""
    now = timezone.now()
    return [
        payment
        for payment in payments
        if payment.status == Payment.Status.PENDING and payment.can_be_continued(now)
    ]


def _amounts_due(request: HttpRequest) -> dict[str, Decimal]:
    """What each purpose would pay off today: the energy debt and the unpaid penalty."""
    energy = -account_summary(request.contract)["energy"]
    penalty = penalty_report(request.contract, timezone.localdate()).due
    return {
        LedgerEntry.Purpose.ENERGY: max(energy, ZERO),
        LedgerEntry.Purpose.PENALTY: penalty,
    }


@contract_required
def result(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the gateway sends the browser back. The browser is not trusted: the
    status comes from a verified notification or is asked of the gateway."""
    payment = _get_payment_for_contract(request, pk)
    if payment.status == Payment.Status.PENDING:
        try:
            payment = services.settle(payment, request=request)
        except (client.GatewayUnavailable, client.GatewayError):
            messages.warning(request, UNAVAILABLE)
    return render(
        request, "payments/result.html", {"title": "Результат оплаты", "payment": payment}
    )


@contract_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """«Отменить» an unpaid card payment: the bank cancels it, its answer is the status."""
    payment = _get_payment_for_contract(request, pk)
    try:
        payment = services.cancel_payment(payment, request=request)
    except (client.GatewayUnavailable, client.GatewayError):
        messages.error(request, UNAVAILABLE)
        return redirect("payments:list")
    amount = money(payment.amount)
    if payment.status == Payment.Status.CANCELED:
        messages.success(request, f"Платеж на {amount} отменен. Деньги не списаны.")
    elif payment.status == Payment.Status.PAID:
        messages.warning(
            request,
            f"Платеж на {amount} уже оплачен и зачислен на лицевой счет: отменить его нельзя.",
        )
    else:
        messages.warning(
            request, f"Платеж на {amount} отменить нельзя: {payment.get_status_display()}."
        )
    return redirect("payments:list")


@csrf_exempt
@require_POST
def notify(request: HttpRequest) -> HttpResponse:
    """The gateway's notification: no login, authenticated by its signature only.
    «OK» tells the gateway to stop retrying."""
    body = b""
    try:
        body = jsonbody.read_body(request)
        message = jsonbody.parse_object(body)
    except jsonbody.BadBody as error:
        # Malformed or oversized: a short record of who sent what, and a 4xx (issue 23).
        services.refuse_notification(request, body, error.reason)
        return HttpResponse(error.reason, status=error.status, content_type="text/plain")
    try:
        accepted = services.handle_notification(message, request=request)
    except (client.GatewayUnavailable, client.GatewayError):
        # The status could not be re-read: not OK, so the gateway retries later.
        return HttpResponse("retry later", status=503, content_type="text/plain")
    if not accepted:
        return HttpResponse("bad token", status=403, content_type="text/plain")
    return HttpResponse("OK", content_type="text/plain")


@contract_required
def history(request: HttpRequest) -> HttpResponse:
    """«Мои платежи»: card payments and the bank transfers of the ledger, newest first,
    one word a state for both («зачислен» is a credited card payment or a transfer);
    above them the card payments still open («Продолжить оплату», «Отменить»)."""
    payments = list(
        Payment.objects.filter(contract=request.contract).select_related("user__membership")
    )
    cards = [
        {
            "date": payment.paid_at or payment.created_at,
            "amount": payment.amount,
            "kind": "Банковская карта",
            "status": payment.get_status_display(),
            "status_code": payment.status,
            "reference": payment.gateway_payment_id or "",
            "payment": payment,
        }
        for payment in payments
    ]
    transfers = [
        {
            "date": entry.date,
            "amount": entry.credit,
            "kind": "Банковский перевод",
            "status": Payment.Status.PAID.label,
            "status_code": Payment.Status.PAID,
            "reference": entry.doc_number,
            "payment": None,
        }
        for entry in LedgerEntry.objects.filter(
            contract=request.contract, kind=LedgerEntry.Kind.PAYMENT
        ).exclude(source=LedgerEntry.Source.CARD)
    ]
    rows = sorted(cards + transfers, key=_sort_key, reverse=True)
    page = Paginator(rows, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"title": "Мои платежи", "page": page, "open_payments": _open_payments(payments)}
    return render(request, "payments/history.html", context)


def _sort_key(row: dict):
    """Dates and datetimes together: a transfer's date sorts as the end of its day."""
    day = row["date"]
    if hasattr(day, "hour"):
        local = timezone.localtime(day)
        return (local.date(), local.time().isoformat())
    return (day, "99")


@contract_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt of a successful card payment: the fiscal data the gateway returned."""
    payment = _get_payment_for_contract(request, pk)
    if payment.status != Payment.Status.PAID:
        raise Http404("Чек есть только у проведенного платежа.")
    context = {
        "title": "Чек",
        "payment": payment,
        "supplier": settings.SUPPLIER,
        "vat": services.receipt_vat(payment),
    }
    return render(request, "payments/receipt.html", context)
