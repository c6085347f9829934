from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "contract",
        "organisation_name",
        "email",
        "is_active",
        "is_staff",
    )
    list_filter = ("is_active", "is_staff", "contract__branch")
    search_fields = (
        "username",
        "email",
        "contract__number",
        "contract__customer__inn",
        "organisation_name",
    )
    list_select_related = ("contract", "contract__branch")
    raw_id_fields = ("contract",)
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Личный кабинет", {"fields": ("contract", "organisation_name")}),
    )
