"""What the documents' pages show: lists by period and the figures of one document."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from billing.ledger import advance_payment_documents
from billing.models import Contract
from billing.services import lock_entries
from core import audit
from documents.models import Document, DocumentLine
from documents.qr import payment_qr
from documents.wording import amount_in_words

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Section:
    """A menu section showing one kind of issued document."""

    kind: str
    url_name: str
    title: str
    fragment: str
    file_slug: str


SECTIONS = {
    Document.Kind.INVOICE: Section(
        Document.Kind.INVOICE, "documents:invoices", "Счет на оплату",
        "documents/fragment_invoice.html", "schet",
    ),
    Document.Kind.VAT_INVOICE: Section(
        Document.Kind.VAT_INVOICE, "documents:vat_invoices", "Счет фактура (реализация)",
        "documents/fragment_vat_invoice.html", "schet-faktura",
    ),
    Document.Kind.CORRECTION: Section(
        Document.Kind.CORRECTION, "documents:corrections", "Корректировочный счет-фактура",
        "documents/fragment_correction.html", "korrektirovochnyj-schet-faktura",
    ),
}  # fmt: skip


def documents_of(
    contract: Contract, kind: str, months: tuple[dt.date, dt.date] | None = None
) -> QuerySet[Document]:
    """The contract's issued documents of a kind, newest first, within a range of supply months."""
    documents = Document.objects.filter(contract=contract, kind=kind)
    if months is not None:
        documents = documents.filter(period__gte=months[0], period__lte=months[1])
    return documents.select_related("corrects").order_by("-date", "-id")


def years_of(contract: Contract, kind: str) -> list[int]:
    """The years of supply the contract has documents of this kind for, newest first."""
    return [day.year for day in Document.objects.filter(contract=contract, kind=kind).dates(
        "period", "year", order="DESC"
    )]  # fmt: skip


@dataclass(frozen=True)
class ChangeTotals:
    """A correction's sums of increases (строки В) and decreases (строки Г)."""

    increase_net: Decimal
    increase_vat: Decimal
    increase_amount: Decimal
    decrease_net: Decimal
    decrease_vat: Decimal
    decrease_amount: Decimal


def change_totals(lines: list[DocumentLine]) -> ChangeTotals:
    sums = {}
    for field in ("amount_net", "vat", "amount"):
        changes = [line.change(field) for line in lines]
        sums[field] = (
            sum((c for c in changes if c > 0), ZERO),
            sum((-c for c in changes if c < 0), ZERO),
        )
    return ChangeTotals(
        increase_net=sums["amount_net"][0],
        increase_vat=sums["vat"][0],
        increase_amount=sums["amount"][0],
        decrease_net=sums["amount_net"][1],
        decrease_vat=sums["vat"][1],
        decrease_amount=sums["amount"][1],
    )


CHANGED_FIELDS = ("quantity", "price", "amount_net", "vat", "amount")


def correction_row(line: DocumentLine) -> dict:
    """A correction's line with its increase (строка В) and decrease (строка Г) per column.

    Per column (3, 4, 5, 8, 9 of the form) В − Г = Б − А: the change shows in one of
    the two rows, the other holds nothing (the form's «—»).
    """
    increase, decrease = {}, {}
    for name in CHANGED_FIELDS:
        change = line.change(name)
        increase[name] = change if change > 0 else None
        decrease[name] = -change if change < 0 else None
    return {
        "line": line,
        "changes": (("В", "В (увеличение)", increase), ("Г", "Г (уменьшение)", decrease)),
    }


def document_context(document: Document) -> dict:
    """Everything the document's template shows, from the document's own snapshot."""
    lines = list(document.lines.all())
    context = {
        "document": document,
        "section": SECTIONS[document.kind],
        "lines": lines,
        "seller": document.seller,
        "buyer": document.buyer,
        "unit_code": DocumentLine.UNIT_CODE,
        "unit_name": DocumentLine.UNIT_NAME,
        "amount_words": amount_in_words(abs(document.amount)),
        "amount_abs": abs(document.amount),
        "vat_abs": abs(document.vat),
        "vat_rates": sorted({line.vat_rate for line in lines}),
    }
    if document.kind == Document.Kind.INVOICE:
        context["payment_qr"] = payment_qr(document)
    if document.is_correction:
        context["changes"] = change_totals(lines)
        context["correction_rows"] = [correction_row(line) for line in lines]
    return context


def seller_snapshot() -> dict:
    """The seller's details as they are today, to be frozen into a document being issued."""
    return {**settings.SUPPLIER, **settings.SUPPLIER_BANK, **settings.SUPPLIER_SIGNATORIES}


def buyer_snapshot(contract: Contract) -> dict:
    customer = contract.customer
    return {
        "name": customer.name,
        "inn": customer.inn,
        "kpp": customer.kpp,
        "address": customer.legal_address,
        "consignee_address": contract.address or customer.legal_address,
        "contract_number": contract.number,
        "contract_date": f"{contract.date:%d.%m.%Y}",
    }


def change_sums(kind: str, lines: list[dict]) -> dict[str, Decimal]:
    """A document's totals from its lines; for a correction, of the changes (after − before)."""
    sums = {}
    for name in ("amount_net", "vat", "amount"):
        before = f"{name}_before"
        sums[name] = sum(
            (
                line[name] - (line[before] if kind == Document.Kind.CORRECTION else 0)
                for line in lines
            ),
            ZERO,
        )
    return sums


@transaction.atomic
def issue_document(
    contract: Contract,
    kind: str,
    number: str,
    date: dt.date,
    period: dt.date,
    lines: list[dict],
    *,
    corrects: Document | None = None,
    payment_document: str = "",
    user=None,
) -> Document:
    """Store a document as issued: today's seller and buyer details frozen in, totals from lines.

    A VAT invoice without a stated payment document names the advances received for
    its period (row 5). The ledger entries it states are locked
    (billing.services.lock_entries) and a «document.issued» audit entry is written,
    whichever door issued it.
    """
    if kind == Document.Kind.VAT_INVOICE and not payment_document:
        payment_document = advance_payment_documents(contract, period)
    document = Document.objects.create(
        contract=contract,
        kind=kind,
        number=number,
        date=date,
        period=period,
        corrects=corrects,
        payment_document=payment_document,
        seller=seller_snapshot(),
        buyer=buyer_snapshot(contract),
        **change_sums(kind, lines),
    )
    DocumentLine.objects.bulk_create([DocumentLine(document=document, **line) for line in lines])
    locked = lock_entries(contract, kind, number)
    audit.record(
        "document.issued",
        user=user,
        target=document,
        contract=contract.pk,
        kind=kind,
        amount=document.amount,
        locked_entries=locked,
    )
    if settings.DOCUMENTS_PDF_AT_ISSUE:
        from documents import tasks

        # Rendered by a worker (queue `documents`) once the document is committed.
        transaction.on_commit(lambda: tasks.render_issued_pdf.delay(document.pk))
    return document
