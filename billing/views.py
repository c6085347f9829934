import datetime as dt
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts.organisations import contracts_overview
from billing import analytics
from billing.forms import HistoryFilterForm, PenaltyDateForm
from billing.ledger import account_summary, energy_and_penalty_balances
from billing.models import LedgerEntry
from billing.services import penalty_report
from calculator.services import cheaper_category
from core.access import contract_required
from core.dates import month_start

RECENT_ENTRIES = 5
HISTORY_PAGE_SIZE = 25
ZERO = Decimal("0.00")


def _get_entry_for_contract(request: HttpRequest, pk: int) -> LedgerEntry:
    return get_object_or_404(LedgerEntry.objects.filter(contract=request.contract), pk=pk)


def _entries(request: HttpRequest):
    return LedgerEntry.objects.filter(contract=request.contract).order_by("-date", "-id")


def _state(value: Decimal, debt: str, credit: str) -> dict:
    """A balance as a person reads it: «Задолженность» or «Переплата», never a minus."""
    if value < 0:
        return {"label": debt, "amount": -value, "css": "debt"}
    if value > 0:
        return {"label": credit, "amount": value, "css": "overpayment"}
    return {"label": debt, "amount": None, "css": ""}


def _states(balances: dict) -> dict:
    """The two accounts in the words of every page: «Задолженность» is energy only, and
    booked penalties are «Пени начисленные» (a calculated penalty may not be booked yet)."""
    return {
        "energy": _state(balances["energy"], "Задолженность", "Переплата"),
        "penalty": _state(balances["penalty"], "Пени начисленные", "Переплата по пени"),
    }


@contract_required
def account(request: HttpRequest) -> HttpResponse:
    """«Лицевой счет»: who the customer is to the supplier and how much they owe."""
    today = timezone.localdate()
    summary = account_summary(request.contract)
    contract = request.contract  # core.access loaded it with its branch and customer
    figures = analytics.MonthFigures.load(contract, today)
    forecast = analytics.month_forecast(contract, today, figures)
    context = {
        "title": "Лицевой счет",
        "contract": contract,
        "summary": summary,
        # «Задолженность» is the energy account only; penalties are their own account.
        **_states(summary),
        "report": penalty_report(contract, today),
        "forecast": forecast,
        "forecast_words": analytics.forecast_words(forecast) if forecast else "",
        "hint": cheaper_category(contract, month_start(today, -1)),
        "kwh_chart": analytics.kwh_chart(contract, today, figures),
        "cost_chart": analytics.cost_chart(contract, today, figures),
        "recent": list(_entries(request)[:RECENT_ENTRIES]),
        # A person with several contracts sees all of them at a glance (issue 19).
        "overview": (
            contracts_overview(request.membership) if request.contract.granted_count > 1 else None
        ),
    }
    return render(request, "billing/account.html", context)


@contract_required
def history(request: HttpRequest) -> HttpResponse:
    """The full history of the account, paged, filtered by period."""
    form = HistoryFilterForm(request.GET or None)
    entries = _entries(request)
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        if start:
            entries = entries.filter(date__gte=start)
        if end:
            entries = entries.filter(date__lte=end)
    page = Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    penalty = LedgerEntry.penalty_side()
    totals = entries.aggregate(
        total_debit=Sum("debit"),
        total_credit=Sum("credit"),
        penalty_debit=Sum("debit", filter=penalty),
        penalty_credit=Sum("credit", filter=penalty),
    )
    debit, credit = totals["total_debit"] or ZERO, totals["total_credit"] or ZERO
    # «Задолженность» is the energy account, as on «Лицевой счет»; «Пени» beside it.
    opening = (
        energy_and_penalty_balances(request.contract, start - dt.timedelta(days=1))
        if start
        else None
    )
    penalty_turnover = (totals["penalty_credit"] or ZERO) - (totals["penalty_debit"] or ZERO)
    start_balances = opening or {"energy": ZERO, "penalty": ZERO}
    closing = {
        "energy": start_balances["energy"] + credit - debit - penalty_turnover,
        "penalty": start_balances["penalty"] + penalty_turnover,
    }
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "title": "История операций",
        "form": form,
        "page": page,
        "start": start,
        "end": end,
        "debit": debit,
        "credit": credit,
        "opening": _states(opening) if opening else None,
        "closing": _states(closing),
        "query": query.urlencode(),
    }
    return render(request, "billing/history.html", context)


@contract_required
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    """One operation of the account in full."""
    operation = _get_entry_for_contract(request, pk)
    context = {"title": f"Операция от {operation.date:%d.%m.%Y}", "entry": operation}
    return render(request, "billing/entry.html", context)


@contract_required
def penalties(request: HttpRequest) -> HttpResponse:
    """«Пени»: the calculation (base, days, key rate) on a date the customer picks."""
    today = timezone.localdate()
    form = PenaltyDateForm(request.GET or {"on_date": today.isoformat()})
    on_date = form.cleaned_data["on_date"] if form.is_valid() else today
    context = {
        "title": "Расчет пени",
        "form": form,
        "report": penalty_report(request.contract, on_date),
        "today": today,
    }
    return render(request, "billing/penalties.html", context)
