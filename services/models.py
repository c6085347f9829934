import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from billing.models import Contract
from meters.models import Meter


class RequestKind(models.TextChoices):
    METER = "meter", "Поверка или замена прибора учета"
    RECONCILIATION = "reconciliation", "Акт сверки на бумаге с подписью"
    CONTACTS = "contacts", "Изменение контактных данных"
    QUESTION = "question", "Вопрос или жалоба"


class RequestStatus(models.TextChoices):
    ACCEPTED = "accepted", "принята"
    IN_PROGRESS = "in_progress", "в работе"
    DONE = "done", "выполнена"
    REJECTED = "rejected", "отклонена"


class MeterAction(models.TextChoices):
    VERIFICATION = "verification", "поверка"
    REPLACEMENT = "replacement", "замена"


class Delivery(models.TextChoices):
    OFFICE = "office", "получу в офисе ЭССК"
    POST = "post", "почтой по юридическому адресу"


class Topic(models.TextChoices):
    QUESTION = "question", "вопрос"
    COMPLAINT = "complaint", "жалоба"


class ServiceRequest(models.Model):
    """A customer's request (заявка) to the supplier, worked by staff in the admin.

    One table for every kind: the fields of other kinds stay empty, and the
    constraints below say which ones each kind needs.
    """

    contract = models.ForeignKey(
        Contract, models.PROTECT, related_name="service_requests", verbose_name="договор"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кем подана",
    )
    kind = models.CharField("вид заявки", max_length=16, choices=RequestKind.choices)
    status = models.CharField(
        "статус", max_length=16, choices=RequestStatus.choices, default=RequestStatus.ACCEPTED
    )
    created_at = models.DateTimeField("подана", default=timezone.now)
    updated_at = models.DateTimeField("изменена", default=timezone.now)

    meter = models.ForeignKey(
        Meter,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="прибор учета",
    )
    meter_action = models.CharField(
        "что требуется", max_length=16, choices=MeterAction.choices, blank=True
    )
    preferred_date = models.DateField("желаемая дата", null=True, blank=True)
    period_from = models.DateField("период с", null=True, blank=True)
    period_to = models.DateField("период по", null=True, blank=True)
    delivery = models.CharField(
        "способ получения", max_length=16, choices=Delivery.choices, blank=True
    )
    contact_person = models.CharField("контактное лицо", max_length=255, blank=True)
    phone = models.CharField("телефон", max_length=32, blank=True)
    email = models.EmailField("e-mail", blank=True)
    postal_address = models.CharField("почтовый адрес", max_length=500, blank=True)
    topic = models.CharField("тема обращения", max_length=16, choices=Topic.choices, blank=True)
    subject = models.CharField("тема", max_length=255, blank=True)
    text = models.TextField("текст", blank=True)

    class Meta:
        verbose_name = "заявка"
        verbose_name_plural = "заявки"
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=("contract", "-created_at"), name="request_contract_created")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=RequestKind.METER)
                | (Q(meter__isnull=False) & ~Q(meter_action="") & Q(preferred_date__isnull=False)),
                name="request_meter_kind_has_meter",
            ),
            models.CheckConstraint(
                condition=~Q(kind=RequestKind.RECONCILIATION)
                | (
                    Q(period_from__isnull=False)
                    & Q(period_to__isnull=False)
                    & Q(period_from__lte=models.F("period_to"))
                ),
                name="request_reconciliation_has_period",
            ),
            models.CheckConstraint(
                condition=~Q(kind=RequestKind.QUESTION) | (~Q(subject="") & ~Q(text="")),
                name="request_question_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"Заявка № {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("services:request_detail", args=[self.pk])

    @property
    def number(self) -> str:
        """The number the customer quotes on the phone: the id, zero-padded."""
        return f"{self.pk:06d}" if self.pk else ""

    @property
    def summary(self) -> str:
        """One line for the list: what the request is about."""
        if self.kind == RequestKind.METER and self.meter_id:
            return f"{self.get_meter_action_display().capitalize()} прибора учета № {self.meter.number}"
        if self.kind == RequestKind.RECONCILIATION and self.period_from and self.period_to:
            return f"Акт сверки за {self.period_from:%d.%m.%Y} – {self.period_to:%d.%m.%Y}"
        if self.kind == RequestKind.QUESTION:
            return f"{self.get_topic_display().capitalize()}: {self.subject}"
        return self.get_kind_display()


class StatusChange(models.Model):
    """One line of a request's history: its status from then on and the staff comment."""

    request = models.ForeignKey(
        ServiceRequest, models.CASCADE, related_name="history", verbose_name="заявка"
    )
    status = models.CharField("статус", max_length=16, choices=RequestStatus.choices)
    comment = models.TextField("комментарий", blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто изменил",
    )
    is_filing = models.BooleanField(
        "подача заявки",
        default=False,
        help_text="первая строка истории: заявку подал потребитель, письмо о ней не нужно",
    )
    created_at = models.DateTimeField("когда", default=timezone.now)

    class Meta:
        verbose_name = "изменение статуса"
        verbose_name_plural = "история статусов"
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"{self.get_status_display()} {timezone.localtime(self.created_at):%d.%m.%Y %H:%M}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    """A random name under MEDIA_ROOT: the customer's file name is never a path."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"services/requests/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file (PDF, JPEG or PNG) attached to a request; served only to its owner and staff."""

    request = models.ForeignKey(
        ServiceRequest, models.CASCADE, related_name="attachments", verbose_name="заявка"
    )
    file = models.FileField("файл", upload_to=attachment_path, max_length=255)
    original_name = models.CharField("имя файла", max_length=255)
    content_type = models.CharField("тип", max_length=64)
    size = models.PositiveIntegerField("размер, байт")
    uploaded_at = models.DateTimeField("загружен", default=timezone.now)

    class Meta:
        verbose_name = "вложение"
        verbose_name_plural = "вложения"
        ordering = ("id",)

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("services:attachment", args=[self.request_id, self.pk])


class NotificationKind(models.TextChoices):
    """What the portal mails about. The first four are switchable in the settings."""

    READINGS_REMINDER = "readings_reminder", "Напоминание о передаче показаний"
    NEW_DOCUMENT = "new_document", "Выставлен новый документ"
    PAYMENT_CREDITED = "payment_credited", "Платеж зачислен на лицевой счет"
    OVERDUE_DEBT = "overdue_debt", "Задолженность после срока оплаты"
    STATUS_CHANGED = "status_changed", "Изменение статуса заявки"


# The preference field of each switchable kind has the kind's own name.
SWITCHABLE_KINDS = (
    NotificationKind.READINGS_REMINDER,
    NotificationKind.NEW_DOCUMENT,
    NotificationKind.PAYMENT_CREDITED,
    NotificationKind.OVERDUE_DEBT,
)


class NotificationPreference(models.Model):
    """Which e-mail notifications a user wants. No row means all of them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notification_preference",
        verbose_name="пользователь",
    )
    readings_reminder = models.BooleanField(
        "Напоминание о передаче показаний",
        default=True,
        help_text="25-го числа, если за месяц нет показаний прибора учета",
    )
    new_document = models.BooleanField(
        "Выставлен новый документ",
        default=True,
        help_text="счет, счет-фактура, акт сверки",
    )
    payment_credited = models.BooleanField(
        "Платеж зачислен на лицевой счет", default=True, help_text="по каждому платежу"
    )
    overdue_debt = models.BooleanField(
        "Задолженность после срока оплаты",
        default=True,
        help_text="после 18-го числа, если на лицевом счете задолженность",
    )
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "настройки уведомлений"
        verbose_name_plural = "настройки уведомлений"

    def __str__(self) -> str:
        return f"Уведомления {self.user}"

    def wants(self, kind: str) -> bool:
        return kind not in SWITCHABLE_KINDS or getattr(self, kind)


class NotificationSent(models.Model):
    """The once-only record of a notification: one row per user, kind and key.

    Written in the same transaction as the mail it puts in the outbox
    (services.notifications.notify): the unique constraint makes a second run or
    a parallel one a no-op. Whether and when the mail left is the outbox's row
    (`mail`, core.OutboxMail).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="+",
        verbose_name="пользователь",
    )
    kind = models.CharField("вид", max_length=32, choices=NotificationKind.choices)
    key = models.CharField(
        "ключ", max_length=100, help_text="что именно: месяц, операция, документ, изменение"
    )
    created_at = models.DateTimeField("решено отправить", default=timezone.now)
    mail = models.ForeignKey(
        "core.OutboxMail",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="письмо",
    )

    class Meta:
        verbose_name = "отправленное уведомление"
        verbose_name_plural = "отправленные уведомления"
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("user", "kind", "key"), name="notification_once_per_user_kind_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"
