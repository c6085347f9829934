"""The operators' imports of the billing system's exports: contracts, accruals, payments.

Each is an `ImportCommand` (core.importing): every row is checked before any is
written, a re-run of the same file changes nothing, a row whose key exists
updates that record in place. The keys:

- contracts: city + contract_number;
- accruals: contract + doc_number (one charge document per number and contract);
- payments: contract + doc_number + date (banks restart order numbers each year).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.utils import timezone

from billing.branches import Branches
from billing.models import (
    PRICE_CATEGORY_FOR_POWER_MESSAGE,
    ConsumerKind,
    Contract,
    Customer,
    ImportBatch,
    LedgerEntry,
    VoltageLevel,
    allowed_price_categories,
)
from billing.services import Credit, credit_payments
from billing.validators import customer_ids_errors
from billing.vat import vat_error, vat_rate_for
from core.bulk import copy_rows
from core.formatting import group_digits
from core.importing import ImportCommand, Row, RowError
from core.numbers import cyrillic_lookalikes

MAX_AMOUNT = Decimal("999999999999.99")


def money_text(value: Decimal) -> str:
    return group_digits(value, 2)


def bulk_update(model, objects: list, field_names) -> None:
    """Write changed rows back. On PostgreSQL one `UPDATE … FROM (VALUES …)` per chunk:
    Django's bulk_update builds a CASE per field and row and takes minutes at 100,000 rows."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, field_names, batch_size=500)
        return
    fields = [model._meta.get_field(name) for name in field_names]
    pk = model._meta.pk
    columns = ", ".join(connection.ops.quote_name(f.column) for f in [pk, *fields])
    assignments = ", ".join(
        f"{connection.ops.quote_name(f.column)} = v.{connection.ops.quote_name(f.column)}"
        for f in fields
    )
    casts = ", ".join(f"%s::{f.db_type(connection)}" for f in [pk, *fields])
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), 1000):
            chunk = objects[start : start + 1000]
            params = []
            for obj in chunk:
                for field in [pk, *fields]:
                    value = getattr(obj, field.attname)
                    params.append(field.get_db_prep_save(value, connection))
            # Only the first row needs the casts; they fix the types of the VALUES columns.
            rows = ", ".join(
                [f"({casts})"] + [f"({', '.join(['%s'] * (len(fields) + 1))})"] * (len(chunk) - 1)
            )
            # Names come from the model's metadata, quoted; every value is a parameter.
            sql = (
                f"UPDATE {table} AS t SET {assignments} FROM (VALUES {rows}) AS v({columns}) "  # noqa: S608  # nosec B608
                f"WHERE t.{connection.ops.quote_name(pk.column)} = "
                f"v.{connection.ops.quote_name(pk.column)}"
            )
            cursor.execute(sql, params)


class BillingImport(ImportCommand):
    """What the three billing imports share: the city, the contract, the audit batch."""

    batch_kind = ""
    needs_contracts = True

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # The admin upload passes the staff member who loaded the file.
        parser.add_argument("--user-id", type=int, default=None, help=argparse.SUPPRESS)
        # A background upload (billing.uploads) writes on the batch it created.
        parser.add_argument("--batch-id", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        self.file_name = Path(options["file"]).name
        self.user_id = options.get("user_id")
        self.batch_id = options.get("batch_id")
        self.batch = None
        return super().handle(*args, **options)

    def checked(self, rows: int) -> None:
        if self.batch_id:
            ImportBatch.objects.filter(pk=self.batch_id).update(rows_checked=rows)

    def prepare(self) -> None:
        self.today = timezone.localdate()
        self.branches = Branches()
        self.contracts: dict[tuple[int, str], int] = {}
        if self.needs_contracts:
            self.contracts = {
                (branch_id, number): pk
                for pk, branch_id, number in Contract.objects.values_list(
                    "pk", "branch_id", "number"
                )
            }

    def branch_id(self, row: Row) -> int:
        return self.branches.of_row(row).pk

    def contract_id(self, row: Row) -> int:
        branch_id = self.branch_id(row)
        number = cyrillic_lookalikes(row.text("contract_number", max_length=32))
        try:
            return self.contracts[(branch_id, number)]
        except KeyError:
            raise RowError(
                "contract_number", f"договор № {number} не найден (сначала загрузите договоры)"
            ) from None

    def past_date(self, row: Row, column: str) -> dt.date:
        day = row.date(column)
        if day > self.today:
            raise RowError(column, f"дата {day:%d.%m.%Y} еще не наступила")
        return day

    def current_batch(self) -> ImportBatch:
        if self.batch is None and self.batch_id:
            self.batch = ImportBatch.objects.get(pk=self.batch_id)
        if self.batch is None:
            self.batch = ImportBatch.objects.create(
                kind=self.batch_kind,
                file_name=self.file_name[:255],
                operator="" if self.user_id else getpass.getuser()[:150],
                user_id=self.user_id,
            )
        return self.batch

    def finish(self, counts: Counter) -> None:
        batch = self.current_batch()
        batch.created = counts["created"]
        batch.updated = counts["updated"]
        batch.unchanged = counts["unchanged"]
        batch.save(update_fields=("created", "updated", "unchanged"))


# --- contracts ---------------------------------------------------------------


@dataclass(frozen=True)
class ContractRecord:
    branch_id: int
    number: str
    date: dt.date
    customer_name: str
    inn: str
    kpp: str
    address: str
    price_category: int
    voltage_level: str
    max_power_kw: Decimal
    email: str | None  # None: the file has no email column, the contract's stays
    consumer_kind: str = ConsumerKind.OTHER


# The optional `consumer_kind` column (35-ФЗ ст. 37 п. 2): empty is «прочие потребители».
CONSUMER_KINDS = {
    "": ConsumerKind.OTHER,
    "прочие": ConsumerKind.OTHER,
    "прочие потребители": ConsumerKind.OTHER,
    "управляющая организация": ConsumerKind.HOUSING,
    "управляющие организации, тсж, жск": ConsumerKind.HOUSING,
    "тсж": ConsumerKind.HOUSING,
    "жск": ConsumerKind.HOUSING,
    "население": ConsumerKind.POPULATION,
    "население и приравненные": ConsumerKind.POPULATION,
    "население и приравненные к нему категории": ConsumerKind.POPULATION,
}
CONSUMER_KINDS.update({kind.value: kind for kind in ConsumerKind})


class ContractsImport(BillingImport):
    help = (
        "Загружает договоры и потребителей из выгрузки биллинга (CSV или XLSX). Столбцы: city, "
        "contract_number, contract_date, customer_name, inn, kpp, address, price_category, "
        "voltage_level, max_power_kw; необязательные: email (на него уходит ссылка подтверждения "
        "регистрации в личном кабинете) и consumer_kind для пени (35-ФЗ, ст. 37): «прочие» (по "
        "умолчанию), «управляющая организация» / «ТСЖ» / «ЖСК», «население». "
        "Ключ: город + номер договора; потребитель — по ИНН и КПП."
    )
    required_columns = (
        "city", "contract_number", "contract_date", "customer_name", "inn", "kpp", "address",
        "price_category", "voltage_level", "max_power_kw",
    )  # fmt: skip
    batch_kind = ImportBatch.Kind.CONTRACTS
    needs_contracts = False

    def parse_row(self, row: Row) -> ContractRecord:
        branch_id = self.branch_id(row)
        inn = row.text("inn", max_length=12)
        kpp = row.text("kpp", required=False, max_length=9)
        for column, message in customer_ids_errors(inn, kpp).items():
            raise RowError(column, message)
        category = row.integer("price_category", minimum=1, maximum=6)
        power = row.decimal("max_power_kw", places=3, minimum=Decimal(0))
        if category not in allowed_price_categories(power):
            raise RowError("price_category", PRICE_CATEGORY_FOR_POWER_MESSAGE)
        voltage = cyrillic_lookalikes(row.text("voltage_level", max_length=8).upper())
        if voltage not in VoltageLevel.values:
            raise RowError(
                "voltage_level",
                f"«{row.text('voltage_level')}» — допустимо: {', '.join(VoltageLevel.values)}",
            )
        return ContractRecord(
            branch_id=branch_id,
            number=cyrillic_lookalikes(row.text("contract_number", max_length=32)),
            date=self.past_date(row, "contract_date"),
            customer_name=row.text("customer_name", max_length=255),
            inn=inn,
            kpp=kpp,
            address=row.text("address", max_length=500),
            price_category=category,
            voltage_level=voltage,
            max_power_kw=power,
            email=self.email(row),
            consumer_kind=self._consumer_kind(row),
        )

    def _consumer_kind(self, row: Row) -> str:
        text = row.text("consumer_kind", required=False, max_length=64)
        try:
            return CONSUMER_KINDS[" ".join(text.lower().split())]
        except KeyError:
            raise RowError(
                "consumer_kind",
                f"«{text}» — допустимо: «прочие», «управляющая организация», «ТСЖ», «ЖСК», "
                "«население» или пусто",
            ) from None

    @staticmethod
    def email(row: Row) -> str | None:
        """The optional `email` column: where a registration's confirmation link goes (issue 23)."""
        if "email" not in row.values:
            return None
        email = row.text("email", required=False, max_length=254)
        try:
            validate_email(email) if email else None
        except ValidationError:
            raise RowError("email", f"«{email}» не адрес электронной почты") from None
        return email

    def key(self, record: ContractRecord):
        return (record.branch_id, record.number)

    def write_batch(self, records: list[ContractRecord]) -> Counter:
        counts: Counter = Counter()
        customers = self._customers(records, counts)
        existing = {
            (c.branch_id, c.number): c
            for c in Contract.objects.filter(
                branch_id__in={r.branch_id for r in records},
                number__in={r.number for r in records},
            )
        }
        fields = ("date", "customer_id", "address", "price_category", "voltage_level",
                  "max_power_kw", "consumer_kind", "email")  # fmt: skip
        to_create, to_update = [], []
        for record in records:
            values = {
                "date": record.date,
                "customer_id": customers[(record.inn, record.kpp)].pk,
                "address": record.address,
                "price_category": record.price_category,
                "voltage_level": record.voltage_level,
                "max_power_kw": record.max_power_kw,
                "consumer_kind": record.consumer_kind,
                **({} if record.email is None else {"email": record.email}),
            }
            contract = existing.get((record.branch_id, record.number))
            if contract is None:
                to_create.append(
                    Contract(branch_id=record.branch_id, number=record.number, **values)
                )
                counts["created"] += 1
            elif any(getattr(contract, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(contract, name, value)
                to_update.append(contract)
                counts["updated"] += 1
            elif (record.inn, record.kpp) in self._renamed:
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        Contract.objects.bulk_create(to_create)
        bulk_update(Contract, to_update, fields)
        return counts

    def _customers(self, records, counts) -> dict[tuple[str, str], Customer]:
        """The customers of the batch by ИНН and КПП, created or renamed as the file says."""
        self._renamed: set[tuple[str, str]] = set()
        found: dict[tuple[str, str], Customer] = {}
        for customer in Customer.objects.filter(inn__in={r.inn for r in records}).order_by("pk"):
            found.setdefault((customer.inn, customer.kpp), customer)
        new: dict[tuple[str, str], Customer] = {}
        renamed = []
        for record in records:
            key = (record.inn, record.kpp)
            customer = found.get(key) or new.get(key)
            if customer is None:
                new[key] = Customer(
                    name=record.customer_name,
                    inn=record.inn,
                    kpp=record.kpp,
                    legal_address=record.address,
                )
            elif customer.name != record.customer_name and customer.pk:
                customer.name = record.customer_name
                renamed.append(customer)
                self._renamed.add(key)
        Customer.objects.bulk_create(new.values())
        Customer.objects.bulk_update(renamed, ["name"])
        return found | new


# --- accruals ----------------------------------------------------------------


@dataclass(frozen=True)
class AccrualRecord:
    contract_id: int
    period: dt.date
    doc_number: str
    doc_date: dt.date
    volume_kwh: Decimal
    amount_net: Decimal
    vat: Decimal
    amount: Decimal


ACCRUAL_FIELDS = ("date", "period", "doc_date", "description", "volume_kwh", "amount_net",
                  "vat", "debit", "credit")  # fmt: skip
# A new accrual's columns in the order write_batch builds them; the rest take the model's
# defaults (core.bulk.copy_rows).
CREATED_ACCRUAL_FIELDS = ["contract_id", "kind", "doc_number", "source", "import_batch_id",
                          *ACCRUAL_FIELDS]  # fmt: skip


def accrual_description(period: dt.date) -> str:
    return f"Электроэнергия за {period:%m.%Y}"


class AccrualsImport(BillingImport):
    help = (
        "Загружает начисления за электроэнергию из выгрузки биллинга (CSV или XLSX). Столбцы: "
        "city, contract_number, period (ГГГГ-ММ), doc_number, doc_date, volume_kwh, amount_net, "
        "vat, amount. Ключ: договор + номер документа. amount = amount_net + vat, НДС — по "
        "ставке месяца поставки."
    )
    required_columns = (
        "city", "contract_number", "period", "doc_number", "doc_date", "volume_kwh",
        "amount_net", "vat", "amount",
    )  # fmt: skip
    batch_kind = ImportBatch.Kind.ACCRUALS

    def prepare(self) -> None:
        super().prepare()
        self.vat_rates: dict[dt.date, Decimal] = {}
        self.locked = {
            (contract_id, doc_number): (period, doc_date, volume, net, vat, debit)
            for contract_id, doc_number, period, doc_date, volume, net, vat, debit in (
                LedgerEntry.objects.filter(
                    kind=LedgerEntry.Kind.ACCRUAL, is_locked=True
                ).values_list(
                    "contract_id",
                    "doc_number",
                    "period",
                    "doc_date",
                    "volume_kwh",
                    "amount_net",
                    "vat",
                    "debit",
                )  # fmt: skip
            )
        }

    def _vat_rate(self, period: dt.date) -> Decimal:
        if period not in self.vat_rates:
            try:
                self.vat_rates[period] = vat_rate_for(period)
            except LookupError as error:
                raise RowError("period", str(error)) from None
        return self.vat_rates[period]

    def parse_row(self, row: Row) -> AccrualRecord:
        contract_id = self.contract_id(row)
        period = row.month("period")
        if period > self.today:
            raise RowError("period", f"период {period:%m.%Y} еще не наступил")
        doc_date = self.past_date(row, "doc_date")
        net = row.decimal("amount_net", minimum=Decimal(0), maximum=MAX_AMOUNT)
        vat = row.decimal("vat", minimum=Decimal(0), maximum=MAX_AMOUNT)
        amount = row.decimal("amount", minimum=Decimal(0), maximum=MAX_AMOUNT)
        if amount != net + vat:
            raise RowError(
                "amount",
                f"{money_text(amount)} не равно amount_net + vat ({money_text(net + vat)})",
            )
        error = vat_error(net, vat, self._vat_rate(period), of_lines=True, period=period)
        if error:
            raise RowError("vat", error)
        record = AccrualRecord(
            contract_id=contract_id,
            period=period,
            doc_number=row.text("doc_number", max_length=64),
            doc_date=doc_date,
            volume_kwh=row.decimal("volume_kwh", places=3, minimum=Decimal(0)),
            amount_net=net,
            vat=vat,
            amount=amount,
        )
        locked = self.locked.get(self.key(record))
        if locked is not None and locked != (
            period, doc_date, record.volume_kwh, net, vat, amount
        ):  # fmt: skip
            raise RowError(
                "doc_number",
                f"по начислению {record.doc_number} уже выдан документ: изменить его нельзя, "
                "исправление вносится корректировкой",
            )
        return record

    def key(self, record: AccrualRecord):
        return (record.contract_id, record.doc_number)

    def write_batch(self, records: list[AccrualRecord]) -> Counter:
        counts: Counter = Counter()
        # The stored accruals of the batch as plain values: a model instance each costs
        # more than the checks of its row (issue 22); only a changed one becomes an instance.
        existing = {
            (contract_id, doc_number): (pk, tuple(stored))
            for pk, contract_id, doc_number, *stored in LedgerEntry.objects.filter(
                kind=LedgerEntry.Kind.ACCRUAL,
                contract_id__in={r.contract_id for r in records},
                doc_number__in={r.doc_number for r in records},
            ).values_list("pk", "contract_id", "doc_number", *ACCRUAL_FIELDS)
        }
        batch = self.current_batch()
        now = timezone.now()
        to_create, to_update = [], []
        for record in records:
            values = (record.doc_date, record.period, record.doc_date,
                      accrual_description(record.period), record.volume_kwh, record.amount_net,
                      record.vat, record.amount, Decimal("0.00"))  # fmt: skip
            found = existing.get(self.key(record))
            if found is None:
                to_create.append(
                    (record.contract_id, LedgerEntry.Kind.ACCRUAL, record.doc_number,
                     LedgerEntry.Source.IMPORT, batch.pk, *values)
                )  # fmt: skip
                counts["created"] += 1
            elif found[1] != values:
                to_update.append(
                    LedgerEntry(
                        pk=found[0],
                        source=LedgerEntry.Source.IMPORT,
                        import_batch=batch,
                        updated_at=now,
                        **dict(zip(ACCRUAL_FIELDS, values, strict=True)),
                    )
                )
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        copy_rows(LedgerEntry, CREATED_ACCRUAL_FIELDS, to_create)
        bulk_update(
            LedgerEntry, to_update, [*ACCRUAL_FIELDS, "source", "import_batch", "updated_at"]
        )
        return counts


# --- payments ----------------------------------------------------------------


@dataclass(frozen=True)
class PaymentRecord:
    contract_id: int
    date: dt.date
    amount: Decimal
    doc_number: str
    purpose: str = LedgerEntry.Purpose.ENERGY


# What a bank's export writes in the optional `purpose` column (ГК РФ ст. 319, 319.1:
# an empty one pays energy, never penalties).
PURPOSES = {
    "": LedgerEntry.Purpose.ENERGY,
    "energy": LedgerEntry.Purpose.ENERGY,
    "электроэнергия": LedgerEntry.Purpose.ENERGY,
    "за электроэнергию": LedgerEntry.Purpose.ENERGY,
    "penalty": LedgerEntry.Purpose.PENALTY,
    "пени": LedgerEntry.Purpose.PENALTY,
}


class PaymentsImport(BillingImport):
    help = (
        "Загружает оплаты (платежные поручения) из выгрузки биллинга (CSV или XLSX). Столбцы: "
        "city, contract_number, date, amount, doc_number; необязательный purpose — «пени» или "
        "«за электроэнергию» (пусто: за электроэнергию, в счет самого раннего срока; пени "
        "гасятся только оплатой с назначением «пени», ГК РФ ст. 319). Ключ: договор + номер "
        "документа + дата. Оплата картой, уже зачисленная порталом, повторно не записывается."
    )
    required_columns = ("city", "contract_number", "date", "amount", "doc_number")
    batch_kind = ImportBatch.Kind.PAYMENTS

    def parse_row(self, row: Row) -> PaymentRecord:
        record = PaymentRecord(
            contract_id=self.contract_id(row),
            date=self.past_date(row, "date"),
            amount=row.decimal("amount", maximum=MAX_AMOUNT),
            doc_number=row.text("doc_number", max_length=64),
            purpose=self._purpose(row),
        )
        if record.amount <= 0:
            raise RowError("amount", "сумма оплаты должна быть больше нуля")
        return record

    def _purpose(self, row: Row) -> str:
        text = row.text("purpose", required=False, max_length=64)
        try:
            return PURPOSES[" ".join(text.lower().split())]
        except KeyError:
            raise RowError(
                "purpose", f"«{text}» — допустимо: «пени», «за электроэнергию» или пусто"
            ) from None

    def key(self, record: PaymentRecord):
        return (record.contract_id, record.doc_number, record.date)

    def write_batch(self, records: list[PaymentRecord]) -> Counter:
        counts: Counter = Counter()
        imported, elsewhere = {}, {}
        for entry in LedgerEntry.objects.filter(
            kind=LedgerEntry.Kind.PAYMENT,
            contract_id__in={r.contract_id for r in records},
            doc_number__in={r.doc_number for r in records},
            date__in={r.date for r in records},
        ):
            key = (entry.contract_id, entry.doc_number, entry.date)
            if entry.source == LedgerEntry.Source.IMPORT:
                imported[key] = entry
            else:
                elsewhere[key] = entry
        batch = self.current_batch()
        now = timezone.now()
        to_create, to_update = [], []
        for record in records:
            key = self.key(record)
            entry = imported.get(key)
            same_elsewhere = elsewhere.get(key)
            if entry is None and same_elsewhere and same_elsewhere.credit == record.amount:
                counts["unchanged"] += 1  # a card payment the portal already credited
            elif entry is None:
                to_create.append(
                    Credit(
                        record.contract_id, record.amount, record.doc_number, record.date,
                        purpose=record.purpose,
                    )
                )  # fmt: skip
                counts["created"] += 1
            elif entry.credit != record.amount or entry.purpose != record.purpose:
                entry.credit = record.amount
                entry.purpose = record.purpose
                entry.import_batch = batch
                entry.updated_at = now
                to_update.append(entry)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        credit_payments(
            to_create,
            user=batch.user,
            username=batch.operator,
            source=LedgerEntry.Source.IMPORT,
            batch=batch,
        )
        # A corrected amount of an imported order is the billing system's correction of
        # its own record, not a second payment: updated in place.
        bulk_update(LedgerEntry, to_update, ["credit", "purpose", "import_batch", "updated_at"])
        return counts


IMPORTS = {
    ImportBatch.Kind.CONTRACTS: ("import_contracts", ContractsImport),
    ImportBatch.Kind.ACCRUALS: ("import_accruals", AccrualsImport),
    ImportBatch.Kind.PAYMENTS: ("import_payments", PaymentsImport),
}
