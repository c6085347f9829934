from django.contrib import admin

from documents.models import Document, DocumentLine


class ReadOnlyAdmin(admin.ModelAdmin):
    """Issued documents are looked at, never edited: they come from the billing system."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class DocumentLineInline(admin.TabularInline):
    model = DocumentLine
    extra = 0
    can_delete = False
    fields = ("line_no", "name", "quantity", "price", "amount_net", "vat_rate", "vat", "amount",
              "quantity_before", "amount_net_before", "vat_before", "amount_before")  # fmt: skip

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("number", "date", "kind", "contract", "period", "amount_net", "vat", "amount")
    list_filter = ("kind", "contract__branch")
    search_fields = ("number", "contract__number", "contract__customer__inn")
    list_select_related = ("contract", "contract__branch")
    date_hierarchy = "date"
    inlines = (DocumentLineInline,)
