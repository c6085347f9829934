"""Card payments of the portal: what was registered with the gateway and what it confirmed.

No card data is ever stored here: the card is typed on the gateway's page.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from billing.models import LedgerEntry


class Payment(models.Model):
    """One «Оплатить»: the amount registered with the gateway and how it ended.

    Only «ожидает оплаты» is open: the bank's page may still take the card. Every
    other state but «создан» (the instant between the row and the bank's answer) is
    the end of this order; «зачислен» is the only one that moved money. Expiry is the
    bank's word (`DEADLINE_EXPIRED`), never the portal's clock: a payment in 3-D
    Secure at the deadline may still be confirmed, and a charged card must never be
    shown as «срок оплаты истек». The portal's clock (`pay_until`) only decides whether
    «Продолжить оплату» is offered.
    """

    class Status(models.TextChoices):
        CREATED = "created", "создан"
        PENDING = "pending", "ожидает оплаты"
        PAID = "paid", "зачислен"
        REJECTED = "rejected", "отклонен"
        CANCELED = "canceled", "отменен"
        EXPIRED = "expired", "срок оплаты истек"
        FAILED = "failed", "не состоялся"

    contract = models.ForeignKey(
        "billing.Contract", models.PROTECT, related_name="card_payments", verbose_name="договор"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="пользователь",
    )
    order_id = models.UUIDField("номер заказа", default=uuid.uuid4, unique=True, editable=False)
    amount = models.DecimalField("сумма", max_digits=12, decimal_places=2)
    purpose = models.CharField(
        "назначение платежа",
        max_length=16,
        choices=LedgerEntry.Purpose.choices,
        default=LedgerEntry.Purpose.ENERGY,
        help_text="переходит в операцию по лицевому счету (ГК РФ ст. 319)",
    )
    status = models.CharField(
        "статус", max_length=16, choices=Status.choices, default=Status.CREATED
    )
    gateway_payment_id = models.CharField(
        "номер платежа в шлюзе", max_length=64, null=True, blank=True, unique=True
    )
    payment_url = models.URLField("страница оплаты", max_length=500, blank=True)
    pay_until = models.DateTimeField(
        "оплатить до",
        null=True,
        blank=True,
        help_text="срок жизни страницы оплаты, переданный банку (RedirectDueDate)",
    )
    gateway_status = models.CharField("статус в шлюзе", max_length=32, blank=True)
    error_message = models.CharField("сообщение шлюза", max_length=255, blank=True)
    needs_attention = models.BooleanField(
        "требует проверки",
        default=False,
        help_text="шлюз подтвердил сумму, отличную от зарегистрированной: не зачтено",
    )
    receipt = models.JSONField("фискальные данные", default=dict, blank=True)
    ledger_entry = models.OneToOneField(
        "billing.LedgerEntry",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="card_payment",
        verbose_name="операция по лицевому счету",
    )
    paid_at = models.DateTimeField("оплачен", null=True, blank=True)
    created_at = models.DateTimeField("создан", auto_now_add=True)
    updated_at = models.DateTimeField("изменен", auto_now=True)

    class Meta:
        verbose_name = "платеж картой"
        verbose_name_plural = "платежи картой"
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # Credited means linked to exactly one ledger entry, and only then.
            models.CheckConstraint(
                condition=Q(status="paid", ledger_entry__isnull=False)
                | ~Q(status="paid") & Q(ledger_entry__isnull=True),
                name="payment_paid_iff_credited",
            ),
        ]

    def __str__(self) -> str:
        return f"Платеж {self.pk} на {self.amount} руб. ({self.get_status_display()})"

    def can_be_continued(self, now=None) -> bool:
        """The bank's page still takes the card: pending and before its deadline."""
        if self.status != self.Status.PENDING or not self.payment_url:
            return False
        return self.pay_until is None or (now or timezone.now()) < self.pay_until

    @property
    def amount_kopecks(self) -> int:
        return int(self.amount * 100)


class PaymentEvent(models.Model):
    """A raw message exchanged with the gateway or a change of the payment's status."""

    class Kind(models.TextChoices):
        REGISTER = "register", "регистрация в шлюзе"
        NOTIFICATION = "notification", "уведомление шлюза"
        STATE = "state", "запрос статуса"
        CANCEL = "cancel", "запрос отмены"
        REFUSED = "refused", "отклонено уведомление"
        STATUS = "status", "смена статуса"

    payment = models.ForeignKey(
        Payment,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="платеж",
    )
    kind = models.CharField("событие", max_length=16, choices=Kind.choices)
    message = models.JSONField("сообщение", default=dict, blank=True)
    old_status = models.CharField("был статус", max_length=16, blank=True)
    new_status = models.CharField("стал статус", max_length=16, blank=True)
    note = models.CharField("примечание", max_length=255, blank=True)
    created_at = models.DateTimeField("время", auto_now_add=True)

    class Meta:
        verbose_name = "событие платежа"
        verbose_name_plural = "события платежей"
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%d.%m.%Y %H:%M:%S}"
