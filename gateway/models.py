"""The mock bank's own records: its orders and the notifications it owes the merchant.

These tables stand for another host's database; the portal never reads them.
"""

from django.db import models


class Order(models.Model):
    """One payment registered by a merchant (T-Bank's «платеж», Sber's «заказ»)."""

    class Status(models.TextChoices):
        NEW = "NEW", "создан"
        FORM_SHOWED = "FORM_SHOWED", "открыта платежная форма"
        THREE_DS_CHECKING = "3DS_CHECKING", "проверка 3-D Secure"
        CONFIRMED = "CONFIRMED", "подтвержден"
        REJECTED = "REJECTED", "отклонен"
        CANCELED = "CANCELED", "отменен"
        DEADLINE_EXPIRED = "DEADLINE_EXPIRED", "истек срок оплаты"

    FINAL = {Status.CONFIRMED, Status.REJECTED, Status.CANCELED, Status.DEADLINE_EXPIRED}
    # What the merchant's Cancel may still stop: nothing charged yet.
    CANCELABLE = {Status.NEW, Status.FORM_SHOWED, Status.THREE_DS_CHECKING}

    terminal_key = models.CharField("терминал", max_length=64)
    order_id = models.CharField("номер заказа магазина", max_length=64)
    amount = models.PositiveBigIntegerField("сумма, коп.")
    description = models.CharField("назначение", max_length=255, blank=True)
    status = models.CharField("статус", max_length=16, choices=Status.choices, default=Status.NEW)
    error_code = models.CharField("код ошибки", max_length=8, default="0")
    message = models.CharField("сообщение", max_length=255, blank=True)
    success_url = models.URLField("адрес возврата (успех)", max_length=500)
    fail_url = models.URLField("адрес возврата (ошибка)", max_length=500)
    notification_url = models.URLField("адрес уведомлений", max_length=500)
    # Only the masked number, as a bank shows it on a receipt.
    masked_pan = models.CharField("карта (маска)", max_length=19, blank=True)
    test_card = models.CharField("сценарий тестовой карты", max_length=16, blank=True)
    rrn = models.CharField("RRN", max_length=12, blank=True)
    auth_code = models.CharField("код авторизации", max_length=6, blank=True)
    fiscal_document_number = models.CharField("номер ФД", max_length=10, blank=True)
    fiscal_sign = models.CharField("ФПД", max_length=10, blank=True)
    fn_number = models.CharField("номер ФН", max_length=16, blank=True)
    confirmed_at = models.DateTimeField("подтвержден", null=True, blank=True)
    due_at = models.DateTimeField(
        "оплатить до",
        null=True,
        blank=True,
        help_text="RedirectDueDate магазина или срок жизни ссылки по умолчанию",
    )
    created_at = models.DateTimeField("создан", auto_now_add=True)
    updated_at = models.DateTimeField("изменен", auto_now=True)

    class Meta:
        verbose_name = "заказ шлюза"
        verbose_name_plural = "заказы шлюза"
        ordering = ("-id",)
        constraints = [
            # Init is idempotent: the same merchant order is the same payment.
            models.UniqueConstraint(
                fields=("terminal_key", "order_id"), name="gateway_order_once_per_terminal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pk} ({self.order_id})"

    @property
    def payment_id(self) -> str:
        return str(self.pk)

    @property
    def amount_text(self) -> str:
        """Kopecks as a person reads rubles: `150000` → `1 500,00`."""
        rubles, kopecks = divmod(self.amount, 100)
        return f"{rubles:,}".replace(",", "\u00a0") + f",{kopecks:02d}"


class Notification(models.Model):
    """A status notification owed to the merchant, retried until it answers «OK»."""

    order = models.ForeignKey(Order, models.CASCADE, related_name="notifications")
    payload = models.JSONField("сообщение")
    attempts = models.PositiveIntegerField("попыток", default=0)
    last_attempt_at = models.DateTimeField("последняя попытка", null=True, blank=True)
    last_response = models.CharField("последний ответ", max_length=255, blank=True)
    delivered_at = models.DateTimeField("доставлено", null=True, blank=True)
    created_at = models.DateTimeField("создано", auto_now_add=True)

    class Meta:
        verbose_name = "уведомление магазину"
        verbose_name_plural = "уведомления магазину"
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.order_id}: {self.payload.get('Status')}"
