from django.contrib import admin

from accounts.people import attribution
from core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail can be searched but never changed."""

    list_display = ("at", "username", "person", "ip", "action", "target")
    list_select_related = ("user__membership",)
    list_filter = ("action",)
    search_fields = ("username", "target", "ip")
    date_hierarchy = "at"

    @admin.display(description="кто")
    def person(self, event) -> str:
        return attribution(event.user) or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
