"""«Передача показаний»: one meter's form, its history, the table of many meters, the upload."""

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core import jobs
from core.access import contract_required
from meters import hourly_upload
from meters.forms import (
    HourlyUploadForm,
    MeterRowForm,
    MeterSearchForm,
    ReadingForm,
    ReadingUploadForm,
    bulk_date,
)
from meters.models import Meter
from meters.readings import (
    Entry,
    MeterState,
    ReadingAlreadySaved,
    confirmation,
    format_value,
    history,
    load_states,
    submit_many,
    submit_reading,
    today,
    zone_label,
)
from meters.upload import KIND as UPLOAD_KIND
from meters.upload import submit_upload

# From this many meters the chooser offers a search box.
SEARCH_FROM = 10
HISTORY_PAGE = 60
ALREADY_SAVED = (
    "Показание на эту дату уже сохранено (например, из другой вкладки браузера). "
    "Проверьте историю показаний."
)


def _contract_meters(request: HttpRequest) -> QuerySet[Meter]:
    return (
        Meter.objects.filter(delivery_point__contract=request.contract)
        .select_related("delivery_point")
        .order_by("delivery_point__code", "number")
    )


def _get_meter_for_contract(request: HttpRequest, pk: int) -> Meter:
    return get_object_or_404(_contract_meters(request), pk=pk)


def _matches(meter: Meter, query: str) -> bool:
    point = meter.delivery_point
    text = f"{meter.number} {meter.model} {point.code} {point.address}".lower()
    return all(word in text for word in query.lower().split())


def _last_reading(state: MeterState) -> dict | None:
    last = state.last()
    if last is None:
        return None
    day, readings = last
    zones = [z for z in state.meter.zone_codes if z in readings]
    return {
        "date": day,
        "values": [(zone_label(z), readings[z].value) for z in zones],
        "single": state.meter.zones == 1,
    }


def _search_query(request: HttpRequest) -> str:
    search = MeterSearchForm(request.GET)
    return search.cleaned_data["q"].strip() if search.is_valid() else ""


def _render_index(
    request: HttpRequest, meters: list[Meter], meter: Meter | None, form=None
) -> HttpResponse:
    """The page with `meter` chosen; without a `form` (a GET) its empty form."""
    query = _search_query(request)
    # The chosen meter stays in the list, in its place, whatever the search.
    shown = [m for m in meters if m == meter or _matches(m, query)] if query else meters
    if form is None and meter is not None and not meter.is_automatic:
        form = ReadingForm(meter, initial={"date": today()})
    state = load_states([meter], depth=1)[meter.pk] if meter else None
    context = {
        "title": "Передача показаний прибора учета",
        "meter_count": len(meters),
        "shown": shown,
        "meter": meter,
        "form": form,
        "last": _last_reading(state) if state else None,
        "search": len(meters) >= SEARCH_FROM,
        "query": query,
    }
    return render(request, "meters/readings.html", context)


@contract_required
def readings(request: HttpRequest) -> HttpResponse:
    """The page of seed figure 8: choose a meter, see its last reading, enter a new one."""
    meters = list(_contract_meters(request))
    meter = meters[0] if meters else None
    if "meter" in request.GET:
        try:
            wanted = int(request.GET["meter"])
        except ValueError:
            raise Http404 from None
        meter = next((m for m in meters if m.pk == wanted), None)
        if meter is None:
            raise Http404
    return _render_index(request, meters, meter)


@contract_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """«Передать показания»: save the reading or show what is wrong, keeping what was typed."""
    meters = list(_contract_meters(request))
    meter = next((m for m in meters if m.pk == pk), None)
    if meter is None:
        raise Http404
    form = ReadingForm(meter, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            check = submit_reading(
                meter,
                data["date"],
                data["values"],
                user=request.user,
                confirm_rollover=data["confirm_rollover"],
                confirm_spike=data["confirm_spike"],
            )
        except ReadingAlreadySaved:
            form.add_error(None, ALREADY_SAVED)
        else:
            if check.ok:
                messages.success(request, confirmation(check))
                return redirect("meters:history", pk=meter.pk)
            form.show(check)
    return _render_index(request, meters, meter, form)


@contract_required
def meter_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every reading of one meter: date, value, consumption, source and status."""
    meter = _get_meter_for_contract(request, pk)
    page = Paginator(history(meter), HISTORY_PAGE).get_page(request.GET.get("page"))
    context = {
        "title": f"История показаний прибора учета № {meter.number}",
        "meter": meter,
        "page": page,
    }
    return render(request, "meters/history.html", context)


# --- many meters ---------------------------------------------------------------------


def _bulk_rows(meters: list[Meter], data=None) -> list[dict]:
    """The table's rows: each meter's form (bound to `data` on a POST) and last reading."""
    states = load_states(meters, depth=1)
    return [
        {"form": MeterRowForm(meter, data), "last": _last_reading(states[meter.pk])}
        for meter in meters
    ]


def _render_bulk(
    request, rows, *, day, date_error=None, upload=None, problems=None, hourly=None, outcome=None
):
    takes_hours = request.contract.price_category in hourly_upload.HOURLY_CATEGORIES
    context = {
        "title": "Передача показаний: все приборы учета",
        "rows": rows,
        "date": day,
        "date_error": date_error,
        "upload": upload or ReadingUploadForm(),
        "problems": problems or [],
        "error_count": sum(bool(row["form"].errors) for row in rows),
        # Categories 3–6 are billed by the hour: their own 80020 files may be uploaded.
        "hourly": (hourly or HourlyUploadForm()) if takes_hours else None,
        "hourly_outcome": outcome or {},
    }
    return render(request, "meters/bulk.html", context)


@contract_required
def bulk(request: HttpRequest) -> HttpResponse:
    """A table of every meter of the contract with a value field each; all saved or none."""
    meters = list(_contract_meters(request))
    if request.method != "POST":
        return _render_bulk(request, _bulk_rows(meters), day=today())
    rows = _bulk_rows(meters, request.POST)
    day, date_error = bulk_date(request.POST)
    if date_error:
        return _render_bulk(request, rows, day=request.POST.get("date", ""), date_error=date_error)
    filled = [row["form"] for row in rows if row["form"].filled]
    typed_errors = not all(form.is_valid() for form in filled)
    if not filled:
        messages.error(request, "Введите показания хотя бы одного прибора учета.")
        return _render_bulk(request, rows, day=day)
    # The rows typed right are checked against the rules even when another row is
    # not a number, so every mistake of the table is shown at once.
    checked = [form for form in filled if form.is_valid()]
    entries = [
        Entry(
            meter=form.meter,
            date=day,
            values=form.cleaned_data["values"],
            confirm_rollover=form.cleaned_data["confirm_rollover"],
            confirm_spike=form.cleaned_data["confirm_spike"],
        )
        for form in checked
    ]
    try:
        checks = submit_many(entries, user=request.user, save=not typed_errors)
    except ReadingAlreadySaved:
        messages.error(request, ALREADY_SAVED)
        return _render_bulk(request, rows, day=day)
    if not typed_errors and all(c.ok for c in checks):
        total = sum((c.total_consumption or 0 for c in checks), Decimal(0))
        messages.success(
            request,
            f"Передано показаний: {len(checks)}. Общий расход: {format_value(total)} кВт·ч.",
        )
        return redirect("meters:bulk")
    for form, check in zip(checked, checks, strict=True):
        form.show(check)
    return _render_bulk(request, rows, day=day)


@contract_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """A CSV/XLSX of readings (`meter_number, date, value[, zone]`): read by the worker."""
    form = ReadingUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        meters = list(_contract_meters(request))
        return _render_bulk(request, _bulk_rows(meters), day=today(), upload=form)
    data = form.cleaned_data
    job = submit_upload(
        request.contract,
        data["file"],
        user=request.user,
        confirm_rollover=data["confirm_rollover"],
        confirm_spike=data["confirm_spike"],
    )
    return redirect("meters:upload_job", pk=job.pk)


@contract_required
@require_GET
def upload_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The uploaded file's outcome: «Файл обрабатывается…» until the worker is done, then
    the table's page with every bad row, or the summary of what was saved."""
    job = jobs.job_for_contract(request.contract, pk, UPLOAD_KIND)
    if job.in_progress:
        return jobs.render_waiting(request, job, back=reverse("meters:bulk"))
    name = job.files[0]["name"]
    outcome = job.result
    if job.status == job.Status.FAILED:
        problems = [f"{name}: {job.report}"]
    elif outcome["saved"]:
        messages.success(
            request,
            f"Файл {name} принят: сохранено показаний {outcome['values']} "
            f"по {outcome['records']} записям.",
        )
        problems = []
    else:
        problems = outcome["problems"]
    meters = list(_contract_meters(request))
    form = ReadingUploadForm(initial=job.params) if problems else None
    return _render_bulk(request, _bulk_rows(meters), day=today(), upload=form, problems=problems)


@contract_required
@require_POST
def hourly_upload_view(request: HttpRequest) -> HttpResponse:
    """Files of hourly data in the format 80020 (categories 3–6): read by the worker."""
    if request.contract.price_category not in hourly_upload.HOURLY_CATEGORIES:
        raise Http404("hourly data is taken for categories 3–6 only")
    form = HourlyUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        meters = list(_contract_meters(request))
        return _render_bulk(request, _bulk_rows(meters), day=today(), hourly=form)
    job = hourly_upload.submit(
        request.contract,
        form.cleaned_data["files"],
        user=request.user,
        confirm_warnings=form.cleaned_data["confirm_warnings"],
    )
    return redirect("meters:hourly_upload_job", pk=job.pk)


@contract_required
@require_GET
def hourly_upload_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The 80020 files' outcome: the hours stored, or every problem, or the warnings to confirm."""
    job = jobs.job_for_contract(request.contract, pk, hourly_upload.KIND)
    if job.in_progress:
        return jobs.render_waiting(request, job, back=reverse("meters:bulk"))
    if job.status == job.Status.FAILED:
        outcome = {"saved": False, "problems": [job.report]}
    else:
        outcome = job.result
    if outcome.get("saved"):
        messages.success(
            request,
            f"Почасовые данные приняты: {outcome['hours']} ч с {outcome['first']} по "
            f"{outcome['last']} (новых {outcome['created']}, заменено {outcome['updated']}).",
        )
    form = None if outcome.get("saved") else HourlyUploadForm(initial=job.params)
    meters = list(_contract_meters(request))
    return _render_bulk(request, _bulk_rows(meters), day=today(), hourly=form, outcome=outcome)
