from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from calculator import profiles, services
from calculator.forms import CalculatorForm, initial_for
from calculator.models import TariffMonth
from core import jobs
from core.access import contract_required

# The form's fields kept on the job while the worker reads the files (not the CSRF token).
NOT_KEPT = ("csrfmiddlewaretoken",)


def _render(request: HttpRequest, form: CalculatorForm, *, compare: bool) -> HttpResponse:
    """The page: a bound form is checked and, when right, priced under one category or all."""
    result = options = None
    if form.is_bound and form.is_valid():
        try:
            if compare:
                options = services.compare(form.inputs())
            else:
                result = services.calculate(form.inputs())
        except services.TariffMissing as error:
            form.add_error("month", str(error))
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


@contract_required
def index(request: HttpRequest) -> HttpResponse:
    """«Калькулятор»: the cost under one category, or «Сравнить категории» for all of them.

    A posted hourly file is read by the worker: the page answers with the job's page.
    """
    if request.method != "POST":
        form = CalculatorForm(initial=initial_for(request.contract), contract=request.contract)
        return _render(request, form, compare=False)
    form = CalculatorForm(request.POST, request.FILES, contract=request.contract)
    form.is_valid()
    if form.to_read:
        data = {k: v for k, v in request.POST.items() if k not in NOT_KEPT}
        job = profiles.submit(
            form.to_read,
            data=data,
            month=form.read_month,
            contract=request.contract,
            user=request.user,
        )
        return redirect("calculator:upload_job", pk=job.pk)
    return _render(request, form, compare="compare" in request.POST)


@contract_required
@require_GET
def upload_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The calculation of a post with hourly files: «Файл обрабатывается…» until the worker
    has read them, then the page as the post would have shown it."""
    job = jobs.job_for_contract(request.contract, pk, profiles.KIND)
    if job.in_progress:
        return jobs.render_waiting(request, job, back=reverse("calculator:index"))
    data = job.params["data"]
    form = CalculatorForm(data, contract=request.contract, parsed=profiles.parsed_of(job))
    return _render(request, form, compare="compare" in data)


@contract_required
@require_GET
def sample(request: HttpRequest) -> HttpResponse:
    """«Образец файла»: an hourly profile of the latest month with tariffs, as XLSX."""
    month = profiles.sample_month()
    response = HttpResponse(
        profiles.sample_xlsx(month),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="profile-{month:%Y-%m}.xlsx"'
    return response
