"""«Передача показаний»: one meter's form, its history, the table of many meters, the upload."""

from decimal import Decimal
from html import escape
from itertools import groupby
from typing import NamedTuple

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from core.access import contract_required
from core.audit import record
from core.pagecache import contract_cached, contract_fragment
from meters.forms import MeterSearchForm, ReadingForm, ReadingUploadForm, bulk_date
from meters.models import DeliveryPoint, Meter
from meters.readings import (
    Entry,
    MeterState,
    ReadingAlreadySaved,
    confirmation,
    format_value,
    history,
    load_states,
    parse_value,
    rollover_question,
    spike_question,
    submit_many,
    submit_reading,
    today,
    zone_label,
)
from meters.upload import upload_readings

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


class _Point(NamedTuple):
    pk: int
    code: str
    address: str


class _Choice(NamedTuple):
    """A meter as the chooser lists it: tuples, not 500 model instances with their points."""

    pk: int
    number: str
    model: str
    is_automatic: bool
    delivery_point: _Point


METER_FIELDS = [f.attname for f in Meter._meta.concrete_fields]
POINT_FIELDS = [f.attname for f in DeliveryPoint._meta.concrete_fields]


def _meter_choices(request: HttpRequest, wanted: int | None = None) -> tuple[list, Meter | None]:
    """The contract's meters as the chooser lists them, and the one wanted (else the first)
    as a full Meter with its point, all from one query: tuples, not 500 model instances."""
    rows = _contract_meters(request).values_list(
        *METER_FIELDS, *(f"delivery_point__{name}" for name in POINT_FIELDS)
    )
    points: dict[int, _Point] = {}
    choices, chosen = [], None
    width = len(METER_FIELDS)
    pk_at, number_at, model_at, automatic_at, point_at = (
        METER_FIELDS.index(name)
        for name in ("id", "number", "model", "is_automatic", "delivery_point_id")
    )
    code_at, address_at = (width + POINT_FIELDS.index(name) for name in ("code", "address"))
    for row in rows:
        point_id = row[point_at]
        point = points.get(point_id)
        if point is None:
            point = points[point_id] = _Point(point_id, row[code_at], row[address_at])
        choices.append(_Choice(row[pk_at], row[number_at], row[model_at], row[automatic_at], point))
        if chosen is None and (wanted is None or row[pk_at] == wanted):
            chosen = Meter(**dict(zip(METER_FIELDS, row[:width], strict=True)))
            chosen.delivery_point = DeliveryPoint(
                **dict(zip(POINT_FIELDS, row[width:], strict=True))
            )
            chosen._state.adding = chosen.delivery_point._state.adding = False
    return choices, chosen


def _get_meter_for_contract(request: HttpRequest, pk: int) -> Meter:
    return get_object_or_404(_contract_meters(request), pk=pk)


def _matches(meter: _Choice, query: str) -> bool:
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


def _meter_options(groups: list[tuple], chosen: Meter | None) -> str:
    """The chooser's <optgroup>s: a contract may have 500 meters, and the template engine
    (or format_html) takes several times longer than this loop to write the same options.
    The standard library's escape (the same five characters as Django's) skips the lazy-
    string wrapper of django.utils.html.escape, a third of this loop's time."""
    chosen_pk = chosen.pk if chosen is not None else None
    parts = []
    for point, items in groups:
        parts.append(f'<optgroup label="{escape(point.code)}: {escape(point.address)}">')
        for m in items:
            selected = " selected" if m.pk == chosen_pk else ""
            automatic = " (АИИСКУЭ)" if m.is_automatic else ""
            parts.append(
                f'<option value="{int(m.pk)}"{selected}>№ {escape(m.number)} {escape(m.model)}'
                f"{automatic}</option>"
            )
        parts.append("</optgroup>")
    # Every value from the database above is escaped; the rest is literal markup.
    return mark_safe("\n".join(parts))  # noqa: S308  # nosec B308 B703


class _Chooser(NamedTuple):
    """The part of the page made of the contract's meters: the same for every visitor
    until a meter or a point changes, so it is kept in the page cache (its HTML is
    escaped by the templates and `_meter_options` that wrote it)."""

    count: int
    chosen: Meter | None
    options: str
    facts: str


def _chooser(request: HttpRequest, wanted: int | None, query: str) -> _Chooser:
    meters, chosen = _meter_choices(request, wanted)
    # The chosen meter stays in the list, in its place, whatever the search.
    pk = chosen.pk if chosen else None
    shown = [m for m in meters if m.pk == pk or _matches(m, query)] if query else meters
    groups = [
        (point, list(items)) for point, items in groupby(shown, key=lambda m: m.delivery_point)
    ]
    facts = ""
    if chosen is not None:
        facts = render_to_string("meters/fragment_meter_facts.html", {"meter": chosen})
    return _Chooser(len(meters), chosen, str(_meter_options(groups, chosen)), facts)


def _search_query(request: HttpRequest) -> str:
    search = MeterSearchForm(request.GET)
    return search.cleaned_data["q"].strip() if search.is_valid() else ""


def _cached_chooser(request: HttpRequest, wanted: int | None) -> _Chooser:
    query = _search_query(request)
    return contract_cached(
        request, "meters:chooser", lambda: _chooser(request, wanted, query), wanted, query
    )


def _empty_fields(request: HttpRequest, meter: Meter | None) -> str:
    """The chosen meter's empty form (today's date, its zones): the same for every
    visitor until the meter changes or the day does, so it comes from the page cache."""
    if meter is None or meter.is_automatic:
        return ""
    return contract_fragment(
        request, "meters:fields",
        lambda: render_to_string(
            "meters/fragment_reading_fields.html",
            {"reading_form": ReadingForm(meter, initial={"date": today()})},
        ),
        meter.pk,
    )  # fmt: skip


def _render_index(
    request: HttpRequest, chooser: _Chooser, form=None, status: int = 200
) -> HttpResponse:
    """The page; without a `form` (a GET) the chosen meter's empty form comes from the cache."""
    meter = chooser.chosen
    state = load_states([meter], depth=1)[meter.pk] if meter else None
    context = {
        "title": "Передача показаний прибора учета",
        "meter_count": chooser.count,
        # Escaped when they were written (_Chooser).
        "meter_options": mark_safe(chooser.options),  # noqa: S308  # nosec B308 B703
        "meter_facts": mark_safe(chooser.facts),  # noqa: S308  # nosec B308 B703
        "reading_fields": None if form else _empty_fields(request, meter),
        "meter": meter,
        "form": form,
        "last": _last_reading(state) if state else None,
        "search": chooser.count >= SEARCH_FROM,
        "query": _search_query(request),
    }
    return render(request, "meters/readings.html", context, status=status)


@contract_required
def readings(request: HttpRequest) -> HttpResponse:
    """The page of seed figure 8: choose a meter, see its last reading, enter a new one."""
    wanted = None
    if "meter" in request.GET:
        try:
            wanted = int(request.GET["meter"])
        except ValueError:
            raise Http404 from None
    chooser = _cached_chooser(request, wanted)
    if wanted is not None and chooser.chosen is None:
        raise Http404
    return _render_index(request, chooser)


@contract_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """«Передать показания»: save the reading or show what is wrong, keeping what was typed."""
    chooser = _cached_chooser(request, pk)
    meter = chooser.chosen
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
                record("reading.submitted", request=request, target=meter, date=data["date"],
                       values=data["values"])  # fmt: skip
                messages.success(request, confirmation(check))
                return redirect("meters:history", pk=meter.pk)
            form.show(check)
    return _render_index(request, chooser, form)


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


def _bulk_rows(meters: list[Meter], states: dict[int, MeterState], data=None) -> list[dict]:
    rows = []
    for meter in meters:
        cells = [
            {
                "zone": zone,
                "name": f"v-{meter.pk}-{zone}",
                "label": f"Показание прибора № {meter.number}"
                + ("" if meter.zones == 1 else f" ({zone_label(zone)})"),
                "short": "" if meter.zones == 1 else zone_label(zone),
                "value": (data or {}).get(f"v-{meter.pk}-{zone}", ""),
                "errors": [],
            }
            for zone in meter.zone_codes
        ]
        rows.append(
            {
                "meter": meter,
                "last": _last_reading(states[meter.pk]),
                "cells": cells,
                "errors": [],
                "ask_rollover": bool((data or {}).get(f"r-{meter.pk}")),
                "ask_spike": bool((data or {}).get(f"s-{meter.pk}")),
                "rollover_checked": bool((data or {}).get(f"r-{meter.pk}")),
                "spike_checked": bool((data or {}).get(f"s-{meter.pk}")),
            }
        )
    return rows


def _render_bulk(request, meters, rows, *, day, date_error=None, upload=None, problems=None):
    context = {
        "title": "Передача показаний: все приборы учета",
        "rows": rows,
        "date": day,
        "date_error": date_error,
        "upload": upload or ReadingUploadForm(),
        "problems": problems or [],
        "error_count": sum(bool(r["errors"]) or any(c["errors"] for c in r["cells"]) for r in rows),
    }
    return render(request, "meters/bulk.html", context)


def _entries_from_table(rows: list[dict], day, data) -> list[tuple[dict, Entry]]:
    """The filled rows of the table; a half-filled multi-zone row or a non-number is an error."""
    found = []
    for row in rows:
        meter = row["meter"]
        if meter.is_automatic or not any(c["value"].strip() for c in row["cells"]):
            continue
        values: dict[str, Decimal] = {}
        for cell in row["cells"]:
            try:
                values[cell["zone"]] = parse_value(cell["value"])
            except ValueError as error:
                cell["errors"].append(str(error))
        if day is not None and len(values) == len(row["cells"]):
            entry = Entry(
                meter=meter,
                date=day,
                values=values,
                confirm_rollover=row["rollover_checked"],
                confirm_spike=row["spike_checked"],
            )
            found.append((row, entry))
    return found


@contract_required
def bulk(request: HttpRequest) -> HttpResponse:
    """A table of every meter of the contract with a value field each; all saved or none."""
    meters = list(_contract_meters(request))
    if request.method != "POST":
        rows = _bulk_rows(meters, load_states(meters, depth=1))
        return _render_bulk(request, meters, rows, day=today())
    rows = _bulk_rows(meters, load_states(meters, depth=1), request.POST)
    day, date_error = bulk_date(request.POST)
    filled = _entries_from_table(rows, day, request.POST)
    typed_errors = any(c["errors"] for r in rows for c in r["cells"])
    if date_error:
        return _render_bulk(
            request, meters, rows, day=request.POST.get("date", ""), date_error=date_error
        )
    if not filled and not typed_errors:
        messages.error(request, "Введите показания хотя бы одного прибора учета.")
        return _render_bulk(request, meters, rows, day=day)
    try:
        checks = submit_many(
            [entry for _, entry in filled],
            user=request.user,
            save=not typed_errors,
        )
    except ReadingAlreadySaved:
        messages.error(request, ALREADY_SAVED)
        return _render_bulk(request, meters, rows, day=day)
    saved = not typed_errors and all(c.ok for c in checks)
    if saved:
        total = sum((c.total_consumption or 0 for c in checks), Decimal(0))
        messages.success(
            request,
            f"Передано показаний: {len(checks)}. Общий расход: {format_value(total)} кВт·ч.",
        )
        return redirect("meters:bulk")
    for (row, _), check in zip(filled, checks, strict=True):
        _show_check(row, check)
    return _render_bulk(request, meters, rows, day=day)


def _show_check(row: dict, check) -> None:
    """Put the rules' verdict on a row of the table: next to its value, or under the row."""
    cells = {c["zone"]: c for c in row["cells"]}
    for where, texts in check.errors.items():
        (row["errors"] if where == "date" else cells[where]["errors"]).extend(texts)
    for zone in check.rollover_unconfirmed:
        cells[zone]["errors"].append(rollover_question(check, zone))
        row["ask_rollover"] = True
    if check.spike_unconfirmed:
        row["errors"].append(spike_question(check))
        row["ask_spike"] = True


@contract_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """A CSV/XLSX of readings (`meter_number, date, value[, zone]`): all rows saved or none."""
    meters = list(_contract_meters(request))
    form = ReadingUploadForm(request.POST, request.FILES)
    problems: list[str] = []
    if form.is_valid():
        data = form.cleaned_data
        result = upload_readings(
            meters,
            data["file"],
            user=request.user,
            confirm_rollover=data["confirm_rollover"],
            confirm_spike=data["confirm_spike"],
        )
        if result.saved:
            messages.success(
                request,
                f"Файл {data['file'].name} принят: сохранено показаний "
                f"{sum(len(c.values) for c in result.checks)} по {len(result.checks)} "
                "записям.",
            )
            return redirect("meters:bulk")
        problems = result.problems
    rows = _bulk_rows(meters, load_states(meters, depth=1))
    return _render_bulk(request, meters, rows, day=today(), upload=form, problems=problems)
