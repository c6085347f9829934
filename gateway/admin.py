from django.contrib import admin

from gateway.models import Notification, Order


class NotificationInline(admin.TabularInline):
    model = Notification
    extra = 0
    can_delete = False
    readonly_fields = ("payload", "attempts", "last_attempt_at", "last_response", "delivered_at")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "order_id", "amount", "status", "masked_pan", "created_at", "due_at")
    list_filter = ("status",)
    search_fields = ("order_id",)
    inlines = [NotificationInline]

    def has_change_permission(self, request, obj=None):
        return False
