from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from services.models import (
    Attachment,
    NotificationPreference,
    NotificationSent,
    RequestKind,
    RequestStatus,
    ServiceRequest,
    StatusChange,
)
from services.workflow import change_status

COMMON_FIELDS = ("status", "contract", "author", "kind", "created_at")
KIND_FIELDS = {
    RequestKind.METER: ("meter", "meter_action", "preferred_date", "text"),
    RequestKind.RECONCILIATION: ("period_from", "period_to", "delivery", "text"),
    RequestKind.CONTACTS: ("contact_person", "phone", "email", "postal_address", "text"),
    RequestKind.QUESTION: ("topic", "subject", "text"),
}


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ("created_at", "status", "comment", "changed_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    fields = ("download", "content_type", "size", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="файл")
    def download(self, attachment: Attachment) -> str:
        return format_html(
            '<a href="{}">{}</a>', attachment.get_absolute_url(), attachment.original_name
        )


class ServiceRequestAdminForm(forms.ModelForm):
    """The request as the customer filed it, plus the staff's next status and comment."""

    new_status = forms.ChoiceField(
        label="Новый статус",
        required=False,
        choices=[("", "— не менять —"), *RequestStatus.choices],
    )
    status_comment = forms.CharField(
        label="Комментарий для потребителя",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Уйдет потребителю в письме о смене статуса и останется в истории заявки.",
    )

    class Meta:
        model = ServiceRequest
        fields = ()

    def clean(self):
        data = super().clean()
        new_status = data.get("new_status")
        if new_status and self.instance.status == new_status:
            self.add_error("new_status", "Заявка уже в этом статусе.")
        if new_status in (RequestStatus.REJECTED, RequestStatus.DONE) and not data.get(
            "status_comment"
        ):
            self.add_error("status_comment", "Напишите потребителю, что сделано или почему отказ.")
        if data.get("status_comment") and not new_status:
            self.add_error("new_status", "Комментарий сохраняется вместе со сменой статуса.")
        return data


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    form = ServiceRequestAdminForm
    list_display = ("number_display", "created_at", "contract", "kind", "status", "updated_at")
    list_filter = ("status", "kind", "contract__branch")
    search_fields = ("=id", "contract__number", "contract__customer__name", "subject")
    list_select_related = ("contract", "contract__branch")
    date_hierarchy = "created_at"
    readonly_fields = tuple(dict.fromkeys(COMMON_FIELDS + sum(KIND_FIELDS.values(), ())))
    inlines = (StatusChangeInline, AttachmentInline)

    def get_fieldsets(self, request, obj=None):
        """What the customer filed (only the fields of its kind), then the status change."""
        filed = COMMON_FIELDS + KIND_FIELDS.get(obj.kind, ()) if obj else COMMON_FIELDS
        return (
            ("Заявка", {"fields": filed}),
            ("Смена статуса", {"fields": ("new_status", "status_comment")}),
        )

    @admin.display(description="№", ordering="id")
    def number_display(self, obj: ServiceRequest) -> str:
        return obj.number

    def has_add_permission(self, request):
        # Requests come from customers; staff only work them.
        return False

    def has_delete_permission(self, request, obj=None):
        # The history is what the customer was told: it stays.
        return False

    def save_model(self, request, obj, form, change):
        new_status = form.cleaned_data.get("new_status")
        if not new_status:
            return
        try:
            change_status(
                obj, new_status, form.cleaned_data.get("status_comment", ""), request.user
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request,
            f"Статус заявки № {obj.number}: «{obj.get_status_display()}». Потребителю уйдет письмо.",
            messages.SUCCESS,
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "readings_reminder",
        "new_document",
        "payment_credited",
        "overdue_debt",
        "updated_at",
    )
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user",)


@admin.register(NotificationSent)
class NotificationSentAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "key", "mail_sent_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "user__email", "key")
    list_select_related = ("user", "mail")
    readonly_fields = ("user", "kind", "key", "created_at", "mail", "mail_sent_at")

    @admin.display(description="отправлено", ordering="mail__sent_at")
    def mail_sent_at(self, record):
        """When the outbox sent the mail (core.OutboxMail); empty while it waits."""
        return record.mail.sent_at if record.mail else None

    def has_add_permission(self, request):
        return False
