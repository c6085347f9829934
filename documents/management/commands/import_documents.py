"""manage.py import_documents FILE: issued invoices, VAT invoices and corrections."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from billing.branches import Branches
from billing.models import Contract
from billing.vat import vat_error, vat_rate_for
from core.importing import ImportCommand, Issue, Row, RowError
from documents.models import Document
from documents.services import issue_document

KINDS = tuple(Document.Kind.values)
# The price is exported with up to 5 decimals, so quantity × price may miss the
# net amount by the price's rounding times the quantity, plus half a kopeck.
PRICE_ROUNDING = Decimal("0.000005")
HALF_KOPECK = Decimal("0.005")


@dataclass
class ParsedDocument:
    key: tuple
    first_line: int
    contract: Contract
    kind: str
    number: str
    date: Any
    period: Any
    corrects: tuple | None
    payment_document: str
    lines: dict[int, dict] = field(default_factory=dict)

    def header(self) -> tuple:
        return (self.period, self.corrects, self.payment_document)


@dataclass(frozen=True)
class LineRecord:
    doc_key: tuple
    line_no: int


class Command(ImportCommand):
    help = (
        "Загружает выпущенные биллингом документы: счета на оплату (kind=invoice), "
        "счета-фактуры (vat_invoice) и корректировочные счета-фактуры (correction). "
        "Одна строка файла — одна строка документа; столбцы шапки повторяются: city, "
        "contract_number, kind, number, date, period, corrects_number, corrects_date, "
        "line_no, name, quantity, price, amount_net, vat_rate, vat, amount; необязательные: "
        "payment_document и для корректировок quantity_before, price_before, "
        "amount_net_before, vat_before, amount_before. Проверяется: количество × цена = "
        "стоимость без НДС (с точностью округления цены до 5 знаков и стоимости до копейки), "
        "ставка НДС — ставка периода поставки, НДС = стоимость × ставка (до копейки), "
        "стоимость с НДС = стоимость + НДС. Выпущенный документ не меняется: повторная "
        "загрузка того же документа ничего не делает, загрузка с другими данными — ошибка. "
        "Счет-фактура, который исправляет корректировка, должен быть загружен раньше или "
        "стоять в файле выше. Итог считается в документах."
    )
    required_columns = (
        "city", "contract_number", "kind", "number", "date", "period", "corrects_number",
        "corrects_date", "line_no", "name", "quantity", "price", "amount_net", "vat_rate",
        "vat", "amount",
    )  # fmt: skip

    def prepare(self) -> None:
        self._branches = Branches()
        self._contracts: dict[tuple, Contract | None] = {}
        self._rates: dict = {}
        self._docs: dict[tuple, ParsedDocument] = {}
        self._existing: dict[tuple, Document | None] = {}
        self._written: set[tuple] = set()

    # -- lookups ---------------------------------------------------------------
    def _contract(self, row: Row) -> Contract:
        branch = self._branches.of_row(row)
        number = row.text("contract_number", max_length=32)
        if (branch.pk, number) not in self._contracts:
            self._contracts[(branch.pk, number)] = (
                Contract.objects.select_related("customer", "branch")
                .filter(branch=branch, number=number)
                .first()
            )
        contract = self._contracts[(branch.pk, number)]
        if contract is None:
            raise RowError("contract_number", f"договор № {number} в г. {branch.name} не найден")
        return contract

    def _rate(self, period) -> Decimal:
        if period not in self._rates:
            try:
                self._rates[period] = vat_rate_for(period)
            except LookupError:
                self._rates[period] = None
        return self._rates[period]

    def _existing_document(self, key: tuple) -> Document | None:
        if key not in self._existing:
            contract, kind, number, date = key
            self._existing[key] = (
                Document.objects.filter(contract=contract, kind=kind, number=number, date=date)
                .select_related("corrects")
                .prefetch_related("lines")
                .first()
            )
        return self._existing[key]

    def _corrected(self, contract: Contract, number: str, date, line: int) -> Document | dict:
        key = (contract.pk, Document.Kind.VAT_INVOICE, number, date)
        in_file = self._docs.get(key)
        if in_file is not None and in_file.first_line < line:
            return {"period": in_file.period}
        existing = self._existing_document(key)
        if existing is None:
            raise RowError(
                "corrects_number",
                f"счет-фактура № {number} от {date:%d.%m.%Y} по этому договору не найден "
                "(он должен быть загружен раньше или стоять в файле выше)",
            )
        return {"period": existing.period}

    # -- one row ---------------------------------------------------------------
    def _amounts(self, row: Row, rate: Decimal, suffix: str = "") -> dict[str, Decimal]:
        """The line's figures (`suffix` "_before" for a correction's prior state), checked."""
        quantity = row.decimal(f"quantity{suffix}", places=3, minimum=Decimal(0))
        price = row.decimal(f"price{suffix}", places=5, minimum=Decimal(0))
        net = row.decimal(f"amount_net{suffix}", minimum=Decimal(0))
        vat = row.decimal(f"vat{suffix}", minimum=Decimal(0))
        amount = row.decimal(f"amount{suffix}", minimum=Decimal(0))
        if abs(quantity * price - net) >= quantity * PRICE_ROUNDING + HALF_KOPECK:
            raise RowError(
                f"amount_net{suffix}",
                f"{net} не равно количество × цена ({quantity} × {price} = "
                f"{(quantity * price).quantize(Decimal('0.00001'))})",
            )
        error = vat_error(net, vat, rate)
        if error:
            raise RowError(f"vat{suffix}", error)
        if amount != net + vat:
            raise RowError(f"amount{suffix}", f"{amount} не равно {net} + {vat} = {net + vat}")
        return {
            f"quantity{suffix}": quantity,
            f"price{suffix}": price,
            f"amount_net{suffix}": net,
            f"vat{suffix}": vat,
            f"amount{suffix}": amount,
        }

    def parse_row(self, row: Row) -> LineRecord:
        contract = self._contract(row)
        kind = row.choice("kind", KINDS)
        number = row.text("number", max_length=64)
        date = row.date("date")
        period = row.month("period")
        corrects_number = row.text("corrects_number", required=False, max_length=64)
        corrects_date = row.date("corrects_date", required=False)
        payment_document = row.text("payment_document", required=False, max_length=128)
        corrects = None
        if kind == Document.Kind.CORRECTION:
            if not corrects_number:
                raise RowError(
                    "corrects_number",
                    "у корректировки должен быть номер исправляемого счета-фактуры",
                )
            if corrects_date is None:
                raise RowError(
                    "corrects_date", "у корректировки должна быть дата исправляемого счета-фактуры"
                )
            corrects = (corrects_number, corrects_date)
            corrected = self._corrected(contract, corrects_number, corrects_date, row.line)
            if corrected["period"] != period:
                raise RowError(
                    "period",
                    f"период корректировки должен совпадать с периодом исправляемого "
                    f"счета-фактуры ({corrected['period']:%Y-%m})",
                )
        elif corrects_number or corrects_date:
            raise RowError(
                "corrects_number", "заполняется только у корректировки (kind=correction)"
            )
        line_no = row.integer("line_no", minimum=1, maximum=9999)
        name = row.text("name", max_length=255)
        rate = row.decimal("vat_rate", minimum=Decimal(0), maximum=Decimal(100))
        expected_rate = self._rate(period)
        if expected_rate is None:
            raise RowError("period", f"нет ставки НДС на {period:%m.%Y}")
        if rate != expected_rate:
            raise RowError(
                "vat_rate",
                f"{rate}% — за {period:%m.%Y} ставка НДС {expected_rate.normalize()}% "
                "(ставка определяется периодом поставки)",
            )
        line = {"line_no": line_no, "name": name, "vat_rate": rate, **self._amounts(row, rate)}
        if kind == Document.Kind.CORRECTION:
            line.update(self._amounts(row, rate, "_before"))

        key = (contract.pk, kind, number, date)
        document = self._docs.get(key)
        if document is None:
            document = self._docs[key] = ParsedDocument(
                key, row.line, contract, kind, number, date, period, corrects, payment_document
            )
        elif document.header() != (period, corrects, payment_document):
            raise RowError(
                "period",
                f"шапка документа (period, corrects_*, payment_document) расходится со "
                f"строкой {document.first_line} того же документа",
            )
        self._check_unchanged(key, document, line)
        document.lines.setdefault(line_no, line)
        return LineRecord(key, line_no)

    def _check_unchanged(self, key: tuple, parsed: ParsedDocument, line: dict) -> None:
        """A document issued before may be loaded again only exactly as it was."""
        existing = self._existing_document(key)
        if existing is None:
            return
        refused = RowError(
            "number",
            f"документ № {parsed.number} от {parsed.date:%d.%m.%Y} уже выпущен с другими "
            "данными; изменение оформляется корректировочным счетом-фактурой",
        )
        corrects = (existing.corrects.number, existing.corrects.date) if existing.corrects else None
        if (existing.period, corrects, existing.payment_document) != parsed.header():
            raise refused
        stored = {line.line_no: line for line in existing.lines.all()}.get(line["line_no"])
        if stored is None or any(getattr(stored, name) != value for name, value in line.items()):
            raise refused

    def key(self, record: LineRecord) -> tuple:
        return (record.doc_key, record.line_no)

    def _validate(self, path: str) -> tuple[list[Issue], int]:
        issues, total = super()._validate(path)
        for key, parsed in self._docs.items():
            existing = self._existing_document(key)
            if existing is not None and len(existing.lines.all()) != len(parsed.lines):
                issues.append(
                    Issue(path, parsed.first_line, "line_no",
                          f"документ № {parsed.number} уже выпущен с {len(existing.lines.all())} "
                          f"строками, в файле {len(parsed.lines)}")
                )  # fmt: skip
        return issues, total

    # -- writing ---------------------------------------------------------------
    def write_batch(self, records: list[LineRecord]) -> Counter:
        """Issue each new document whole (its lines are all known since validation)."""
        counts: Counter = Counter()
        for record in records:
            if record.doc_key in self._written:
                continue
            self._written.add(record.doc_key)
            if self._existing_document(record.doc_key) is not None:
                counts["unchanged"] += 1
                continue
            parsed = self._docs[record.doc_key]
            corrects = None
            if parsed.corrects:
                corrects = Document.objects.get(
                    contract=parsed.contract,
                    kind=Document.Kind.VAT_INVOICE,
                    number=parsed.corrects[0],
                    date=parsed.corrects[1],
                )
            issue_document(
                parsed.contract, parsed.kind, parsed.number, parsed.date, parsed.period,
                [parsed.lines[n] for n in sorted(parsed.lines)], corrects=corrects,
                payment_document=parsed.payment_document,
            )  # fmt: skip
            counts["created"] += 1
        return counts
