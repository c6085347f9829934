from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Who did what, when and from where: logins, money, readings, staff edits.

    Rows are only ever added (`core.audit.record`); the admin shows them
    read-only so that nobody can rewrite the trail.
    """

    at = models.DateTimeField("когда", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="пользователь",
    )
    username = models.CharField("логин", max_length=150, blank=True)
    ip = models.GenericIPAddressField("IP-адрес", null=True, blank=True)
    action = models.CharField("действие", max_length=64, db_index=True)
    target = models.CharField("объект", max_length=255, blank=True)
    details = models.JSONField("подробности", default=dict, blank=True)

    class Meta:
        verbose_name = "событие журнала аудита"
        verbose_name_plural = "журнал аудита"
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.username or '—'} {self.action}"


class OutboxMail(models.Model):
    """One e-mail the portal owes someone: written with the change that causes it, sent by a task.

    The row is the promise: it commits or rolls back with the change, a worker
    claims it with a conditional UPDATE, sends it and marks it sent (core.mail).
    """

    created_at = models.DateTimeField("создано", auto_now_add=True, db_index=True)
    name = models.CharField("письмо", max_length=64)
    from_email = models.CharField("от кого", max_length=255)
    to = models.JSONField("кому")
    subject = models.CharField("тема", max_length=255)
    body = models.TextField("текст")
    html = models.TextField("HTML", blank=True)
    headers = models.JSONField("заголовки", default=dict, blank=True)
    claimed_at = models.DateTimeField("взято в отправку", null=True, blank=True)
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("попыток", default=0)
    last_error = models.CharField("последняя ошибка", max_length=500, blank=True)

    class Meta:
        verbose_name = "исходящее письмо"
        verbose_name_plural = "исходящие письма"
        ordering = ("-created_at",)
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_unsent",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class UploadJob(models.Model):
    """A customer's file processed by the background worker (core.jobs).

    The readings upload of «Передача показаний» and the calculator's hourly
    profiles: the files are kept in the default storage, the worker claims the
    row, reads the files within a time limit and stores the outcome here. A job
    is shown only on its contract.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "в очереди"
        RUNNING = "running", "обрабатывается"
        DONE = "done", "обработан"
        FAILED = "failed", "не принят"

    kind = models.CharField("что загружено", max_length=32)
    contract = models.ForeignKey(
        "billing.Contract", models.CASCADE, related_name="+", verbose_name="договор"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="пользователь",
    )
    created_at = models.DateTimeField("загружено", auto_now_add=True)
    # [{"field": form field, "name": the file's own name, "path": its name in the storage}]
    files = models.JSONField("файлы", default=list)
    params = models.JSONField("параметры", default=dict, blank=True)
    status = models.CharField(
        "состояние", max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    claimed_at = models.DateTimeField("взято в работу", null=True, blank=True)
    finished_at = models.DateTimeField("окончание", null=True, blank=True)
    result = models.JSONField("результат", default=dict, blank=True)
    report = models.TextField("сообщение", blank=True)

    class Meta:
        verbose_name = "файл потребителя"
        verbose_name_plural = "файлы потребителей"
        ordering = ("-created_at",)

    def __str__(self) -> str:
        names = ", ".join(f["name"] for f in self.files)
        return f"{names} ({self.get_status_display()})"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def file_names(self) -> str:
        return ", ".join(f"«{f['name']}»" for f in self.files)
