from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts import services
from accounts.models import User


class ConfirmationFilter(admin.SimpleListFilter):
    title = "подтверждение e-mail"
    parameter_name = "confirmation"

    def lookups(self, request, model_admin):
        return (("waiting", "ждет подтверждения"), ("confirmed", "подтвержден"))

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(is_active=False, email_confirmed_at=None)
        if self.value() == "confirmed":
            return queryset.exclude(email_confirmed_at=None)
        return queryset


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "contract",
        "organisation_name",
        "email",
        "confirmation",
        "lockout",
        "is_active",
        "is_staff",
    )
    list_filter = (ConfirmationFilter, "is_active", "is_staff", "contract__branch")
    search_fields = (
        "username",
        "email",
        "contract__number",
        "contract__customer__inn",
        "organisation_name",
    )
    list_select_related = ("contract", "contract__branch")
    raw_id_fields = ("contract",)
    readonly_fields = ("email_confirmed_at", "confirmation_sent_to", "last_login", "date_joined")
    fieldsets = BaseUserAdmin.fieldsets + (
        (
            "Личный кабинет",
            {
                "fields": (
                    "contract",
                    "organisation_name",
                    "email_confirmed_at",
                    "confirmation_sent_to",
                    "pending_email",
                )
            },
        ),
    )
    actions = ("unlock_login", "approve_registration", "resend_confirmation", "deactivate")

    def get_queryset(self, request):
        # Lockout state in the same query as the list: one subquery, no query per row.
        recent = AccessAttempt.objects.filter(
            username=OuterRef("username"),
            attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                recent_failures=Subquery(
                    recent.order_by("-failures_since_start").values("failures_since_start")[:1]
                ),
                last_failure=Subquery(recent.order_by("-attempt_time").values("attempt_time")[:1]),
            )
        )

    @admin.display(description="e-mail")
    def confirmation(self, user: User) -> str:
        if user.email_confirmed_at:
            return f"подтвержден {timezone.localtime(user.email_confirmed_at):%d.%m.%Y}"
        if user.registration_expired(timezone.now()):
            return "заявка просрочена"
        if user.awaits_confirmation and not user.confirmation_sent_to:
            return "ждет одобрения сотрудником"
        if user.awaits_confirmation:
            return "ждет подтверждения"
        return "—"

    @admin.display(description="вход")
    def lockout(self, user: User) -> str:
        failures = getattr(user, "recent_failures", None) or 0
        if failures >= settings.AXES_FAILURE_LIMIT:
            until = timezone.localtime(user.last_failure + settings.AXES_COOLOFF_TIME)
            return f"заблокирован до {until:%H:%M}"
        if failures:
            return f"неудачных попыток: {failures}"
        return "—"

    @admin.action(description="Снять блокировку входа")
    def unlock_login(self, request, queryset):
        removed = sum(axes_reset(username=user.username) for user in queryset)
        self.message_user(request, f"Блокировка снята, удалено записей о попытках: {removed}.")

    @admin.action(description="Одобрить регистрацию (заявитель проверен сотрудником)")
    def approve_registration(self, request, queryset):
        """Registrations without billing's e-mail or the code wait for this (issue 23)."""
        approved = expired = 0
        for user in queryset.select_related("contract__branch"):
            if not user.awaits_confirmation or not user.email:
                continue
            try:
                services.approve_registration(
                    user, request.build_absolute_uri, staff=request.user, request=request
                )
                approved += 1
            except services.RegistrationExpired:
                expired += 1
        self.message_user(
            request,
            f"Одобрено регистраций: {approved}; ссылка отправлена на e-mail заявителя. "
            f"Просрочено (старше 72 часов, нужна новая заявка): {expired}.",
            messages.SUCCESS if approved else messages.WARNING,
        )

    @admin.action(description="Отправить письмо подтверждения повторно")
    def resend_confirmation(self, request, queryset):
        sent = 0
        for user in queryset.select_related("contract__branch"):
            if user.awaits_confirmation and user.confirmation_sent_to:
                services.send_confirmation(user, request.build_absolute_uri)
                sent += 1
        level = messages.SUCCESS if sent else messages.WARNING
        self.message_user(
            request,
            f"Отправлено писем: {sent} (только учетным записям, ждущим подтверждения).",
            level,
        )

    @admin.action(description="Отключить учетную запись")
    def deactivate(self, request, queryset):
        # Sessions end by themselves: PortalBackend.get_user refuses inactive users.
        count = queryset.update(is_active=False)
        self.message_user(request, f"Отключено учетных записей: {count}.")
