"""The documents sections: lists of issued documents, one document as HTML and PDF,
and the statements built on request (reconciliation, consumption)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from billing import analytics
from core import files
from core.access import contract_required
from documents import pdf, statements
from documents.forms import ConsumptionForm, MonthRangeForm, PeriodFilterForm
from documents.models import Document
from documents.services import SECTIONS, document_context, documents_of, seller_snapshot, years_of
from documents.wording import pdf_filename
from meters import hourly

PER_PAGE = 50


def _get_document_for_contract(request: HttpRequest, kind: str, pk: int) -> Document:
    """A document of this section and of the session's contract, or 404."""
    try:
        return Document.objects.select_related("corrects", "contract").get(
            pk=pk, kind=kind, contract=request.contract
        )
    except Document.DoesNotExist:
        raise Http404("Документ не найден") from None


def _filename(document: Document) -> str:
    return pdf_filename(SECTIONS[document.kind].file_slug, document.number, document.period)


@require_GET
@contract_required
def document_list(request: HttpRequest, kind: str) -> HttpResponse:
    section = SECTIONS[kind]
    form = PeriodFilterForm(request.GET or None, years=years_of(request.contract, kind))
    months = form.period_range() if form.is_bound and form.is_valid() else None
    if form.is_bound and not form.is_valid():
        documents = Document.objects.none()
    else:
        # The list shows no seller or buyer: their JSON snapshots stay in the database.
        documents = documents_of(request.contract, kind, months).defer(
            "seller", "buyer", "corrects__seller", "corrects__buyer"
        )
    page = Paginator(documents, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # A row's links are the section's own prefix + pk (documents/urls.py `_section`):
    # one reverse() per page rather than two per row.
    context = {
        "title": section.title,
        "section": section,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "section_url": reverse(section.url_name),
    }
    return render(request, "documents/list.html", context)


@require_GET
@contract_required
def document_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    document = _get_document_for_contract(request, kind, pk)
    context = document_context(document)
    context["title"] = SECTIONS[kind].title
    return render(request, "documents/detail.html", context)


@require_GET
@contract_required
def document_pdf(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    document = _get_document_for_contract(request, kind, pk)
    return files.download(pdf.stored_pdf(document), _filename(document), "application/pdf")


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@contract_required
def reconciliation(request: HttpRequest, as_pdf: bool = False) -> HttpResponse:
    form = MonthRangeForm(request.GET or None)
    valid = form.is_bound and form.is_valid()
    if as_pdf and not valid:
        # The errors are shown next to the fields on the statement's page.
        return redirect(f"{reverse('documents:reconciliation')}?{request.GET.urlencode()}")
    statement = None
    if valid:
        data = form.cleaned_data
        statement = statements.reconciliation(request.contract, data["date_from"], data["date_to"])
    if as_pdf:
        filename = pdf_filename(
            "akt-sverki", request.contract.number, data["date_from"], data["date_to"]
        )
        content = pdf.render_pdf(
            "documents/fragment_reconciliation.html",
            {"statement": statement, "seller": seller_snapshot()},
        )
        return _pdf_response(content, filename)
    context = {
        "title": "Акт сверки",
        "form": form,
        "statement": statement,
        "seller": seller_snapshot(),
        "query": request.GET.urlencode(),
    }
    return render(request, "documents/reconciliation.html", context)


@require_GET
@contract_required
def consumption(request: HttpRequest) -> HttpResponse:
    form = ConsumptionForm(request.GET or None, initial={"format": "html"})
    context = {"title": "Расшифровка потребления Э/Э", "form": form, "seller": seller_snapshot()}
    if form.is_bound and form.is_valid():
        breakdown = statements.consumption(
            request.contract, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        )
        context["breakdown"] = breakdown
        context["kwh_chart"] = analytics.kwh_chart(request.contract, timezone.localdate())
        # The hours of the period's last month: the heat map and the daily profile.
        context["hourly"] = hourly.month_charts(request.contract, breakdown.end.replace(day=1))
        if form.cleaned_data["format"] == "pdf":
            filename = pdf_filename(
                "rasshifrovka-potrebleniya", request.contract.number, breakdown.start,
                breakdown.end,
            )  # fmt: skip
            return _pdf_response(
                pdf.render_pdf("documents/fragment_consumption.html", {**context, "for_pdf": True}),
                filename,
            )
    return render(request, "documents/consumption.html", context)
