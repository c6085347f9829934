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
