"""Issued financial documents: счет на оплату, счет-фактура, корректировочный счет-фактура.

A document is a snapshot: the seller's and buyer's details and every line are
copied in when the billing system's export is loaded, and never change after
that (a correction is a new document). Reconciliation statements and
consumption breakdowns are not stored: they are built on request.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from billing.models import Contract

ZERO = Decimal("0.00")


class ImmutableError(ValidationError):
    """An issued document (or one of its lines) may not be changed or deleted."""


class Immutable(models.Model):
    """Saving an existing row or deleting one is refused: issued means final."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError("Выпущенный документ изменить нельзя: оформите корректировку.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("Выпущенный документ удалить нельзя.")


class Document(Immutable):
    class Kind(models.TextChoices):
        INVOICE = "invoice", "Счет на оплату"
        VAT_INVOICE = "vat_invoice", "Счет-фактура"
        CORRECTION = "correction", "Корректировочный счет-фактура"

    contract = models.ForeignKey(
        Contract, models.PROTECT, related_name="documents", verbose_name="договор"
    )
    kind = models.CharField("вид документа", max_length=16, choices=Kind.choices)
    number = models.CharField("номер", max_length=64)
    date = models.DateField("дата")
    period = models.DateField("период поставки", help_text="первое число месяца")
    corrects = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name="исправляемый счет-фактура",
    )
    payment_document = models.CharField(
        "к платежно-расчетному документу", max_length=128, blank=True
    )
    seller = models.JSONField("продавец (на дату выпуска)")
    buyer = models.JSONField("покупатель (на дату выпуска)")
    # For a correction these are the change (after − before), possibly negative.
    amount_net = models.DecimalField("сумма без НДС", max_digits=14, decimal_places=2)
    vat = models.DecimalField("НДС", max_digits=14, decimal_places=2)
    amount = models.DecimalField("сумма с НДС", max_digits=14, decimal_places=2)
    issued_at = models.DateTimeField("загружен", auto_now_add=True)

    class Meta:
        verbose_name = "документ"
        verbose_name_plural = "документы"
        ordering = ("-date", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("contract", "kind", "number", "date"), name="document_issued_once"
            ),
            models.CheckConstraint(
                condition=Q(kind="correction", corrects__isnull=False)
                | (~Q(kind="correction") & Q(corrects__isnull=True)),
                name="document_only_correction_refers_to_corrected",
            ),
        ]
        indexes = [
            models.Index(fields=("contract", "kind", "-date"), name="document_contract_kind_date")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} № {self.number} от {self.date:%d.%m.%Y}"

    @property
    def is_correction(self) -> bool:
        return self.kind == self.Kind.CORRECTION


class DocumentLine(Immutable):
    """One row of a document's table; a correction's row holds both states."""

    UNIT_CODE = "245"
    UNIT_NAME = "кВт·ч"

    document = models.ForeignKey(
        Document, models.PROTECT, related_name="lines", verbose_name="документ"
    )
    line_no = models.PositiveSmallIntegerField("№ п/п")
    name = models.CharField("наименование", max_length=255)
    quantity = models.DecimalField("количество, кВт·ч", max_digits=16, decimal_places=3)
    price = models.DecimalField("цена без НДС, руб./кВт·ч", max_digits=16, decimal_places=5)
    amount_net = models.DecimalField("стоимость без НДС", max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField("ставка НДС, %", max_digits=5, decimal_places=2)
    vat = models.DecimalField("сумма НДС", max_digits=14, decimal_places=2)
    amount = models.DecimalField("стоимость с НДС", max_digits=14, decimal_places=2)
    # Only a correction's lines have the state before it.
    quantity_before = models.DecimalField(
        "количество до изменения", max_digits=16, decimal_places=3, null=True, blank=True
    )
    price_before = models.DecimalField(
        "цена до изменения", max_digits=16, decimal_places=5, null=True, blank=True
    )
    amount_net_before = models.DecimalField(
        "стоимость без НДС до изменения", max_digits=14, decimal_places=2, null=True, blank=True
    )
    vat_before = models.DecimalField(
        "НДС до изменения", max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount_before = models.DecimalField(
        "стоимость с НДС до изменения", max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "строка документа"
        verbose_name_plural = "строки документа"
        ordering = ("document", "line_no")
        constraints = [
            models.UniqueConstraint(fields=("document", "line_no"), name="document_line_once")
        ]

    def __str__(self) -> str:
        return f"{self.line_no}. {self.name}"

    def change(self, field: str) -> Decimal:
        """After − before of a correction's column (`quantity`, `amount_net`, `vat`, `amount`)."""
        return getattr(self, field) - getattr(self, f"{field}_before")
