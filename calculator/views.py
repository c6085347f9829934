from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from calculator import services
from calculator.forms import CalculatorForm, initial_for
from calculator.models import TariffMonth
from core.access import contract_required


@contract_required
def index(request: HttpRequest) -> HttpResponse:
    """«Калькулятор»: the cost under one category, or «Сравнить категории» for all of them."""
    result = options = None
    if request.method == "POST":
        form = CalculatorForm(request.POST, request.FILES, contract=request.contract)
        if form.is_valid():
            try:
                if "compare" in request.POST:
                    options = services.compare(form.inputs())
                else:
                    result = services.calculate(form.inputs())
            except services.TariffMissing as error:
                form.add_error("month", str(error))
    else:
        form = CalculatorForm(initial=initial_for(request.contract), contract=request.contract)
    context = {
        "title": "Калькулятор",
        "form": form,
        "result": result,
        "options": options,
        "tariff_month": form.tariff_month if (result or options) else None,
        "tariff_months": TariffMonth.objects.order_by("-month")[:12],
        "profile_months": services.contract_profile_months(request.contract),
    }
    return render(request, "calculator/index.html", context)
