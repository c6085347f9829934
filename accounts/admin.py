from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import organisations, services, two_factor
from accounts.models import (
    ContractClaim,
    Invitation,
    Membership,
    Organisation,
    OrganisationContract,
    User,
)
from accounts.people import person_name
from core.audit import record

# What a staff member who is not a superuser sees of a customer's account, and the one
# field they may change (issue 23, High 2: «Поддержка» made itself superuser here).
# Roles, flags, groups, permissions and passwords are the superusers' alone.
STAFF_FIELDSETS = (
    (None, {"fields": ("username",)}),
    ("Личные данные", {"fields": ("first_name", "last_name", "email")}),
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
    ("Состояние", {"fields": ("is_active", "last_login", "date_joined")}),
)
STAFF_MAY_CHANGE = frozenset({"email"})
SUPERUSER_ONLY_COLUMNS = frozenset({"is_staff"})


class StaffUserChangeForm(UserChangeForm):
    """The change form without the password field (and its link to set one)."""

    password = None


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
        "two_factor",
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
    actions = (
        "unlock_login",
        "approve_registration",
        "resend_confirmation",
        "reset_two_factor",
        "deactivate",
    )

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_fieldsets(request, obj)
        return STAFF_FIELDSETS

    def get_form(self, request, obj=None, **kwargs):
        if not request.user.is_superuser and obj is not None:
            kwargs["form"] = StaffUserChangeForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        shown = [name for _, options in STAFF_FIELDSETS for name in options["fields"]]
        return [name for name in shown if name not in STAFF_MAY_CHANGE]

    def has_change_permission(self, request, obj=None):
        """Only a superuser changes a staff member's account (or a superuser's)."""
        if obj is not None and (obj.is_staff or obj.is_superuser) and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        # A new account is a registration or a superuser's act: its form sets is_staff.
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if request.user.is_superuser:
            return columns
        return tuple(c for c in columns if c not in SUPERUSER_ONLY_COLUMNS)

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return tuple(f for f in filters if f not in SUPERUSER_ONLY_COLUMNS)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("deactivate", None)
        return actions

    def user_change_password(self, request, id, form_url=""):
        """Setting a password by hand is a superuser's act; customers reset theirs by mail."""
        if not request.user.is_superuser:
            raise PermissionDenied
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            target = User.objects.filter(pk=id).values_list("username", flat=True).first()
            record("admin.user_password_set", request=request, target=target or id)
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Every staff change of a user is in the audit log (who, what, which fields).
        record(
            "admin.user_changed" if change else "admin.user_added",
            request=request,
            target=obj.username,
            fields=", ".join(form.changed_data),
        )

    def delete_model(self, request, obj):
        record("admin.user_deleted", request=request, target=obj.username)
        super().delete_model(request, obj)

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
                two_factor_on=Exists(
                    TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
                ),
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

    @admin.display(description="двухфакторный вход", boolean=True)
    def two_factor(self, user: User) -> bool:
        return bool(getattr(user, "two_factor_on", False))

    @admin.action(description="Отключить двухфакторный вход (человек потерял телефон и коды)")
    def reset_two_factor(self, request, queryset):
        """After staff checked the person by phone; the person logs in with the password and
        switches it on again (their organisation may require it at once)."""
        count = 0
        for user in queryset:
            if two_factor.is_on(user):
                two_factor.switch_off(user, request=request)
                organisations.end_sessions(user)
                count += 1
        self.message_user(request, f"Двухфакторный вход отключен учетным записям: {count}.")

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
        removed = 0
        for user in queryset:
            removed += axes_reset(username=user.username)
            record("admin.user_unlocked", request=request, target=user.username)
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
                record("admin.user_mail_resent", request=request, target=user.username)
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
        usernames = list(queryset.values_list("username", flat=True))
        count = queryset.update(is_active=False)
        for username in usernames:
            record("admin.user_deactivated", request=request, target=username)
        self.message_user(request, f"Отключено учетных записей: {count}.")


class OrganisationContractInline(admin.TabularInline):
    model = OrganisationContract
    extra = 0
    autocomplete_fields = ("contract",)
    readonly_fields = ("attached_at",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    filter_horizontal = ("contracts",)
    readonly_fields = ("created_at",)


class InvitationInline(admin.TabularInline):
    """The organisation's invitations, read-only: resend or revoke them on their own list."""

    model = Invitation
    extra = 0
    fields = ("email", "role", "sent_at", "state_label")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="состояние")
    def state_label(self, invitation: Invitation) -> str:
        return invitation.state()


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Organisations with their contracts and people: staff attach a contract here (issue 19)."""

    list_display = ("customer", "created_at")
    search_fields = ("customer__name", "customer__inn", "attachments__contract__number")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)
    inlines = (OrganisationContractInline, MembershipInline, InvitationInline)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        # A person whose role or contracts staff changed logs in again (as after the owner's change).
        if formset.model is Membership:
            changed = [membership for membership, _ in formset.changed_objects]
            for membership in changed + list(formset.deleted_objects):
                organisations.end_sessions(membership.user)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """The organisations' people and their roles."""

    list_display = ("user", "person", "organisation", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email", "user__last_name", "organisation__customer__name", "organisation__customer__inn")  # fmt: skip
    list_select_related = ("user", "organisation__customer")
    autocomplete_fields = ("user", "organisation")
    filter_horizontal = ("contracts",)
    readonly_fields = ("created_at",)

    @admin.display(description="ФИО")
    def person(self, membership: Membership) -> str:
        return person_name(membership.user)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            organisations.end_sessions(obj.user)
        record(
            "admin.membership_changed" if change else "admin.membership_added",
            request=request,
            target=obj.user.username,
            fields=", ".join(form.changed_data),
        )

    def delete_model(self, request, obj):
        record("admin.membership_deleted", request=request, target=obj.user.username)
        organisations.end_sessions(obj.user)
        super().delete_model(request, obj)


class InvitationStateFilter(admin.SimpleListFilter):
    title = "состояние"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (("open", "ждет ответа"), ("accepted", "принято"), ("revoked", "отозвано"))

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(accepted_at=None, revoked_at=None)
        if self.value() == "accepted":
            return queryset.exclude(accepted_at=None)
        if self.value() == "revoked":
            return queryset.exclude(revoked_at=None)
        return queryset


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations of the organisations' owners: staff resend or revoke one (issue 19)."""

    list_display = ("email", "organisation", "role", "invited_by", "sent_at", "state_label")
    list_filter = (InvitationStateFilter, "role")
    search_fields = ("email", "organisation__customer__name", "organisation__customer__inn")
    list_select_related = ("organisation__customer", "invited_by")
    fields = (
        "organisation",
        "email",
        "role",
        "contracts",
        "invited_by",
        "created_at",
        "sent_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    )
    readonly_fields = fields
    actions = ("resend", "revoke")

    def has_add_permission(self, request):
        # An invitation is the owner's act in the cabinet.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="состояние")
    def state_label(self, invitation: Invitation) -> str:
        return invitation.state()

    @admin.action(description="Отправить приглашение повторно (новая ссылка)")
    def resend(self, request, queryset):
        sent = sum(
            organisations.resend_invitation(invitation, request.build_absolute_uri, request=request)
            for invitation in queryset.select_related("organisation__customer", "invited_by")
        )
        self.message_user(
            request,
            f"Отправлено приглашений: {sent} (только не принятым и не отозванным).",
            messages.SUCCESS if sent else messages.WARNING,
        )

    @admin.action(description="Отозвать приглашение")
    def revoke(self, request, queryset):
        revoked = sum(
            organisations.revoke_invitation(invitation, request=request) for invitation in queryset
        )
        self.message_user(request, f"Отозвано приглашений: {revoked}.")


@admin.register(ContractClaim)
class ContractClaimAdmin(admin.ModelAdmin):
    """Owners' requests to add a contract: staff who checked the caller by phone give a code."""

    list_display = ("number", "branch", "organisation", "contract", "created_at", "state_label")
    search_fields = ("number", "organisation__customer__name", "organisation__customer__inn")
    list_select_related = ("branch", "organisation__customer", "contract__branch")
    fields = (
        "organisation",
        "branch",
        "number",
        "contract",
        "requested_by",
        "created_at",
        "code_sent_at",
        "tries",
        "attached_at",
    )
    readonly_fields = fields
    actions = ("issue_code",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="состояние")
    def state_label(self, claim: ContractClaim) -> str:
        return claim.state()

    @admin.action(description="Выдать новый код (сообщить по телефону)")
    def issue_code(self, request, queryset):
        """A new code shown once to the staff member; only for a contract of the organisation's
        ИНН not held by another organisation."""
        for claim in queryset.select_related(
            "organisation__customer", "contract__customer", "branch"
        ):
            if claim.attached_at or not organisations.attachable(
                claim.organisation, claim.contract
            ):
                self.message_user(
                    request,
                    f"№ {claim.number} ({claim.branch}): договор нельзя добавить этой организации.",
                    messages.WARNING,
                )
                continue
            code = organisations.new_contract_code(claim)
            record("admin.contract_code_issued", request=request, target=claim.number)
            self.message_user(
                request,
                f"Код для договора № {claim.number} ({claim.branch}): {code}. Действует 24 часа.",
            )


# django-otp's own device pages are not shown (English, and a person's secrets): staff see
# and reset a person's two-factor login on the user (UserAdmin), and get their own device
# from `manage.py staff_totp` (issue 19).
for _otp_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_otp_model):
        admin.site.unregister(_otp_model)
