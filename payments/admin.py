"""Staff see every card payment, its raw gateway messages and its changes of status.

Read-only: money moves only through the gateway's verified confirmation.
"""

from django.contrib import admin

from payments.models import Payment, PaymentEvent


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "old_status", "new_status", "note", "message")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = (
        "id", "created_at", "contract", "amount", "status", "gateway_status",
        "gateway_payment_id", "needs_attention",
    )  # fmt: skip
    list_filter = ("status", "needs_attention", "contract__branch")
    search_fields = ("contract__number", "gateway_payment_id", "order_id")
    list_select_related = ("contract__branch",)
    date_hierarchy = "created_at"
    inlines = [PaymentEventInline]
    readonly_fields = [field.name for field in Payment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PaymentEvent)
class PaymentEventAdmin(admin.ModelAdmin):
    """Every message, including refused notifications that match no payment."""

    list_display = ("created_at", "kind", "payment", "old_status", "new_status", "note")
    list_filter = ("kind",)
    list_select_related = ("payment",)
    readonly_fields = [field.name for field in PaymentEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
